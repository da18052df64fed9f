"""What a correction round changed in the form: the fields that differ between two versions submitted
to the parents, as the form names them, so the parents see what they are asked to read again."""

from typing import Any

from schemas.api import Wijziging
from schemas.formulier import Formulier


def _flat(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for key, item in value.items():
            flat |= _flat(item, f"{prefix}.{key}" if prefix else key)
        return flat
    if isinstance(value, list):
        return {prefix: ", ".join(str(v) for v in value)} if value else {}
    return {} if value is None else {prefix: str(value)}


def tussen(vorig: Formulier, nu: Formulier) -> list[Wijziging]:
    """Every field that differs between `vorig` and `nu`, in the form's order."""
    was = _flat(vorig.model_dump(mode="json", by_alias=True))
    wordt = _flat(nu.model_dump(mode="json", by_alias=True))
    velden = list(wordt) + [v for v in was if v not in wordt]
    return [Wijziging(veld=v, was=was.get(v), nu=wordt.get(v)) for v in velden if was.get(v) != wordt.get(v)]
