"""From a posted form to the service's input models, with a Dutch message per field.

Form fields are named by the model's JSON path (`vve.maandenDeelname`, `ontwikkeling.taal.niveau`), the
names the service uses for what is missing or wrong, so every message lands beside its own field."""

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from services.errors import InvalidInput

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


# A day as people type it where the browser shows a plain text box (dd-mm-jjjj); a date input sends ISO.
DAG = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def iso_day(value: Any) -> Any:
    """`17-8-2026` → `2026-08-17`; anything else as it is (the model judges it)."""
    if isinstance(value, str) and (m := DAG.match(value.strip())):
        return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    return value


def parse(model: type[M], flat: Mapping[str, Any]) -> tuple[M | None, dict[str, str]]:
    """The model, or the message per field (the first error of each)."""
    try:
        return model.model_validate(nested({k: iso_day(v) for k, v in flat.items()})), {}
    except ValidationError as exc:
        fouten: dict[str, str] = {}
        for error in exc.errors():
            fouten.setdefault(field_name(error["loc"]), melding(error))
        return None, fouten


def dutch_number(value: str) -> str:
    """People write 12,5; the model reads 12.5."""
    return value.strip().replace(",", ".")


# Fields read one by one, for forms whose fields are not one model's (the school's and the warme
# overdracht's pages): each message lands on its field, and `invoer_fout` hands them to `act`.

MAX_REDEN = 1000  # schemas.base.Reden


def lees_datum(waarde: str, fouten: dict[str, str], veld: str, wat: str) -> date | None:
    """A day from a form field: YYYY-MM-DD as a date input sends it, or dd-mm-jjjj as people type it
    where the browser shows a plain text box. Empty or not a day: a message for the field."""
    tekst = waarde.strip()
    if not tekst:
        fouten[veld] = f"Vul {wat} in."
        return None
    for formaat in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(tekst, formaat).date()
        except ValueError:
            continue
    fouten[veld] = f"Vul {wat} in als dag-maand-jaar, bijvoorbeeld 17-08-2026."
    return None


def lees_reden(waarde: str, fouten: dict[str, str], veld: str, *, verplicht: bool, wat: str) -> str | None:
    tekst = waarde.strip()
    if not tekst:
        if verplicht:
            fouten[veld] = f"Vul {wat} in."
        return None
    if len(tekst) > MAX_REDEN:
        fouten[veld] = f"Dit is te lang: maximaal {MAX_REDEN} tekens."
    return tekst


def invoer_fout(fouten: Mapping[str, str]) -> InvalidInput:
    """Our own checks of the form as the service's refusal, so `act` shows them as it shows the service's."""
    return InvalidInput(
        "Een of meer velden zijn niet goed ingevuld.",
        invalid_params=[{"name": naam, "reason": reden} for naam, reden in fouten.items()],
    )


def model_fout(exc: ValidationError, velden: Mapping[str, str]) -> InvalidInput:
    """A check of the input model that our own checks did not catch, on the field it is about."""
    fouten: dict[str, str] = {}
    for error in exc.errors():
        naam = str(error["loc"][0]) if error["loc"] else ""
        fouten.setdefault(velden.get(naam, naam), "Dit is niet goed ingevuld.")
    return invoer_fout(fouten)
