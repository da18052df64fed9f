"""From a posted form to the service's input models, with a Dutch message per field.

Form fields are named by the model's JSON path (`vve.maandenDeelname`, `ontwikkeling.taal.niveau`), the
names the service uses for what is missing or wrong, so every message lands beside its own field."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

M = TypeVar("M", bound=BaseModel)

# pydantic's error types in words people understand; anything else gets the general message.
MELDINGEN = {
    "missing": "Vul dit in.",
    "string_too_short": "Vul dit in.",
    "string_too_long": "Dit is te lang: maximaal {max_length} tekens.",
    "float_parsing": "Vul een getal in, bijvoorbeeld 12 of 12,5.",
    "int_parsing": "Vul een heel getal in.",
    "int_from_float": "Vul een heel getal in.",
    "greater_than_equal": "Vul {ge} of meer in.",
    "less_than_equal": "Vul {le} of minder in.",
    "date_from_datetime_parsing": "Vul een datum in als dd-mm-jjjj.",
    "date_parsing": "Vul een datum in als dd-mm-jjjj.",
    "date_type": "Vul een datum in als dd-mm-jjjj.",
    "enum": "Kies een van de mogelijkheden.",
    "literal_error": "Kies een van de mogelijkheden.",
    "bool_parsing": "Kies ja of nee.",
    "uuid_parsing": "Kies een van de mogelijkheden.",
    "string_pattern_mismatch": "Vul dit in zoals in het voorbeeld.",
}
ALGEMEEN = "Dit is niet goed ingevuld."


def melding(error: ErrorDetails) -> str:
    template = MELDINGEN.get(error["type"])
    if template is None:
        return ALGEMEEN
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return ALGEMEEN


def field_name(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def nested(flat: Mapping[str, Any]) -> dict[str, Any]:
    """`{"vve.programma": "piramide"}` → `{"vve": {"programma": "piramide"}}`; empty fields left out
    (an empty field in a draft means "not filled in yet")."""
    result: dict[str, Any] = {}
    for name, value in flat.items():
        if value is None or value == "":
            continue
        *parents, last = name.split(".")
        node = result
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return result


def parse(model: type[M], flat: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    """The model, or the message per field (the first error of each)."""
    try:
        return model.model_validate(nested(flat)), {}
    except ValidationError as exc:
        fouten: dict[str, str] = {}
        for error in exc.errors():
            fouten.setdefault(field_name(error["loc"]), melding(error))
        return None, fouten


def dutch_number(value: str) -> str:
    """People write 12,5; the model reads 12.5."""
    return value.strip().replace(",", ".")
