"""Reads a protocol file (TOML) into a validated ProtocolConfig; a bad file is refused naming every bad
field: `ProtocolError.fouten` holds each as (field path, reason in Dutch, line in the file)."""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from protocol.dates import school_year
from schemas.protocol import ProtocolConfig

ALMERE = Path(__file__).with_name("almere.toml")

# The whole file, where a problem is not about one field (it is no TOML at all).
BESTAND = "(bestand)"
# The configuration as a whole, where a check names no field.
PROTOCOL = "(protocol)"


@dataclass(frozen=True)
class Fout:
    """One problem: the setting's path (`escalatie.naar_coordinator_na_werkdagen`, `zomervakanties.1.tot`),
    why, and the line of the file it is on (none when the file does not hold it: a default)."""

    veld: str
    reden: str
    regel: int | None = None


class ProtocolError(ValueError):
    """The configuration is invalid; the message names every bad field, `fouten` lists them."""

    def __init__(self, source: str, fouten: list[Fout]) -> None:
        self.fouten = fouten
        super().__init__(f"{source}: " + "; ".join(f"{f.veld}: {f.reden}" for f in fouten))


# pydantic's error types in Dutch; anything else keeps pydantic's own message.
_REDENEN = {
    "extra_forbidden": "onbekende sleutel",
    "missing": "ontbreekt",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet {ge} of meer zijn",
    "less_than": "moet kleiner zijn dan {lt}",
    "less_than_equal": "moet {le} of minder zijn",
    "int_type": "moet een heel getal zijn",
    "int_parsing": "moet een heel getal zijn",
    "int_from_float": "moet een heel getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "enum": "moet een van deze zijn: {expected}",
    "date_type": "moet een datum zijn, zoals 2026-07-18",
    "date_parsing": "moet een datum zijn, zoals 2026-07-18",
    "date_from_datetime_parsing": "moet een datum zijn, zoals 2026-07-18",
    "date_from_datetime_inexact": "moet een datum zijn zonder tijd, zoals 2026-07-18",
    "model_type": "moet een tabel zijn, zoals {{ jaren = 3, maanden = 6 }}",
    "model_attributes_type": "moet een tabel zijn, zoals {{ jaren = 3, maanden = 6 }}",
    "dict_type": "moet een tabel zijn",
    "tuple_type": "moet een lijst zijn",
    "list_type": "moet een lijst zijn",
}
_VALUE_ERROR = "Value error, "


def _fields(model: type[BaseModel]) -> set[str]:
    """Every field name of the configuration and the models inside it."""
    names: set[str] = set()
    todo: list[Any] = [model]
    while todo:
        current = todo.pop()
        if isinstance(current, type) and issubclass(current, BaseModel):
            for name, info in current.model_fields.items():
                if name not in names:
                    names.add(name)
                    todo.append(info.annotation)
        for arg in getattr(current, "__args__", ()):
            todo.append(arg)
    return names


_FIELDS = _fields(ProtocolConfig)
_NAAM = re.compile(r"^[a-z_]+(\.[a-z_]+)*")


def _fout(error: ErrorDetails) -> tuple[str, str]:
    """(field path, Dutch reason) of one of pydantic's errors. A check of a whole model (the order of the
    ages, the escalation's order, a holiday's dates) starts its message with the field it is about: the
    error is put on that field."""
    loc = [str(p) for p in error["loc"]]
    if error["type"] == "value_error":
        reden = error["msg"].removeprefix(_VALUE_ERROR)
        if (m := _NAAM.match(reden)) and m[0].split(".")[0] in _FIELDS:
            loc += m[0].split(".")
        return ".".join(loc) or PROTOCOL, reden
    template = _REDENEN.get(error["type"])
    try:
        reden = template.format(**(error.get("ctx") or {})).replace("' or '", "' of '") if template else error["msg"]
    except (KeyError, IndexError):
        reden = error["msg"]
    return ".".join(loc) or PROTOCOL, reden


def parse(text: str, source: str = "protocol") -> ProtocolConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        if m := re.search(r"\(at line (\d+), column (\d+)\)", message):
            waar, op = f" op regel {m[1]}, kolom {m[2]}", int(m[1])
        elif "(at end of document)" in message:
            waar, op = " aan het einde van het bestand", max(len(text.splitlines()), 1)
        else:
            waar, op = "", None
        reden = f"geen geldige TOML{waar}: {message.split(' (at ')[0]}"
        raise ProtocolError(source, [Fout(BESTAND, reden, op)]) from None
    try:
        return ProtocolConfig.model_validate(data)
    except ValidationError as exc:
        fouten = []
        for error in exc.errors():
            veld, reden = _fout(error)
            fouten.append(Fout(veld, reden, regel(text, veld)))
        raise ProtocolError(source, fouten) from None


def load(path: Path = ALMERE) -> ProtocolConfig:
    return parse(path.read_text(), source=path.name)


def check_current(config: ProtocolConfig, text: str, today: date, source: str = "protocol") -> None:
    """A version to make current needs the school holidays of the school year `today` is in: a term the
    school meets from now on counts in it. Else a ProtocolError naming the school year."""
    jaar = school_year(today)
    if jaar not in config.schooljaren():
        reden = (
            f"de schoolvakanties van regio {config.regio.value} voor schooljaar {jaar} ontbreken; de termijnen van de"
            " school hebben ze nodig. Voeg ze toe zoals de Rijksoverheid ze publiceert."
        )
        raise ProtocolError(source, [Fout("schoolvakanties", reden, regel(text, "schoolvakanties"))])


# Where a setting is in the file: enough TOML to find a key's line (tables, dotted keys, inline tables
# and arrays of inline tables one per line, as protocol/almere.toml writes them).
_TABEL = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_SLEUTEL = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)


def _pad(tekst: str) -> list[str]:
    return [deel.strip().strip("\"'") for deel in tekst.split(".")]


def regel(text: str, veld: str) -> int | None:
    """The line (from 1) of the file that holds the setting `veld` (a dotted path), or the nearest
    setting above it (`zomervakanties.1.tot`: the second holiday's line, else `zomervakanties`); none
    when the file does not hold it."""
    doel = veld.split(".")
    beste: tuple[int, int] | None = None  # (how much of the path, line)
    tabel: list[str] = []
    lijst: tuple[list[str], int] | None = None  # an array of inline tables still open: (its key, items seen)
    for nummer, line in enumerate(text.splitlines(), start=1):
        if lijst is not None:
            if line.strip().startswith("{"):
                pad = [*lijst[0], str(lijst[1])]
                lijst = (lijst[0], lijst[1] + 1)
                beste = _beter(beste, doel, pad, nummer)
            if line.strip().startswith("]"):
                lijst = None
            continue
        if m := _TABEL.match(line):
            tabel = _pad(m[1])
            beste = _beter(beste, doel, tabel, nummer)
        elif m := _SLEUTEL.match(line):
            pad = [*tabel, *_pad(m[1])]
            beste = _beter(beste, doel, pad, nummer)
            rest = line[m.end() :].split("#")[0].strip()
            if rest.startswith("[") and "]" not in rest:
                lijst = (pad, 0)
    return beste[1] if beste else None


def _beter(beste: tuple[int, int] | None, doel: list[str], pad: list[str], nummer: int) -> tuple[int, int] | None:
    if len(pad) > len(doel) or doel[: len(pad)] != pad:
        return beste
    return (len(pad), nummer) if beste is None or len(pad) > beste[0] else beste
