"""Reads a protocol file (TOML) into a validated ProtocolConfig; a bad file is refused naming the field."""

import tomllib
from pathlib import Path

from pydantic import ValidationError

from schemas.protocol import ProtocolConfig

ALMERE = Path(__file__).with_name("almere.toml")


class ProtocolError(ValueError):
    """The configuration is invalid; the message names every bad field."""


def parse(text: str, source: str = "protocol") -> ProtocolConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{source}: geen geldige TOML: {exc}") from None
    try:
        return ProtocolConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "(protocol)"
            reason = "onbekende sleutel" if error["type"] == "extra_forbidden" else error["msg"]
            problems.append(f"{field}: {reason}")
        raise ProtocolError(f"{source}: " + "; ".join(problems)) from None


def load(path: Path = ALMERE) -> ProtocolConfig:
    return parse(path.read_text(), source=path.name)
