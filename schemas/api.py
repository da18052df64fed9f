"""Request and response bodies of the public API (camelCase on the wire)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import Field

from schemas.base import ApiModel
from schemas.formulier import Formulier
from schemas.overdracht import Besluit, Gebeurtenis, Rol, Status

# Requests


class OverdrachtOpenen(ApiModel):
    kind_id: UUID = Field(description="The child, as placed at the caller's location.")
    school_id: UUID | None = Field(
        default=None, description="The receiving school, if known; defaults to the school the child is registered at."
    )


class LegeStap(ApiModel):
    """A step that needs no data (an empty JSON object, or no body at all)."""


class ToestemmingVastleggen(ApiModel):
    besluit: Besluit


class SchoolKiezen(ApiModel):
    school_id: UUID


class OntvangstBevestigen(ApiModel):
    eerste_schooldag: date = Field(description="The child's planned first school day.")


class TokenAanvraag(ApiModel):
    gebruiker_id: UUID


# Responses


class Verwijzing(ApiModel):
    """An organisation, by id and name."""

    id: UUID
    naam: str


class KindGegevens(ApiModel):
    voornaam: str
    achternaam: str
    geboortedatum: date


class Tijdstippen(ApiModel):
    geopend_op: datetime
    ingediend_op: datetime | None = None
    toestemming_op: datetime | None = None
    verzonden_op: datetime | None = None
    ontvangen_op: datetime | None = None
    afgerond_op: datetime | None = None
    eerste_schooldag: date | None = None
    bijgewerkt_op: datetime


class OverdrachtSamenvatting(ApiModel):
    """One row of a list. `kind` is left out for roles that work on metadata only."""

    id: UUID
    status: Status
    locatie: Verwijzing
    school: Verwijzing | None
    wijk: Verwijzing
    stadsdeel: Verwijzing
    kind: KindGegevens | None = None
    formulier_compleet: bool
    tijdstippen: Tijdstippen
    revisie: int


class OverdrachtDetail(OverdrachtSamenvatting):
    """One overdracht. `formulier` is there only for roles that may read its content."""

    formulier: Formulier | None = None


class OverdrachtenPagina(ApiModel):
    resultaten: list[OverdrachtSamenvatting]
    volgende_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class TijdlijnItem(ApiModel):
    revisie: int
    gebeurtenis: Gebeurtenis
    status: Status
    tijdstip: datetime
    rol: Rol | None = Field(description="The role of who took the step; null for the engine itself.")


class Tijdlijn(ApiModel):
    gebeurtenissen: list[TijdlijnItem]


class Token(ApiModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class Onderdeel(ApiModel):
    status: Annotated[str, Field(description="`ok` or `onbereikbaar`")]
    detail: str | None = None


class Gezondheid(ApiModel):
    status: Annotated[str, Field(description="`ok` when every part is, else `verstoord`")]
    onderdelen: dict[str, Onderdeel]


class InvalidParam(ApiModel):
    name: str
    reason: str


class Problem(ApiModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    invalid_params: list[InvalidParam] | None = Field(default=None, description="400: every invalid field.")
    ontbrekende_velden: list[str] | None = Field(default=None, description="422: what the form still needs.")
