"""The audit trail's vocabulary: what was done, and the two ways it is read (a parent's inzage-log, the
privacy officer's export). Ids and field names only: never a name, a BSN or a text someone wrote."""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas.api import Verwijzing
from schemas.base import ApiModel
from schemas.overdracht import Rol


class Actie(StrEnum):
    LEZEN = "lezen"
    WIJZIGEN = "wijzigen"
    IMPORTEREN = "importeren"
    EXPORTEREN = "exporteren"
    AANMELDEN = "aanmelden"  # a parent's one-time code exchanged for a session for their child


class InzageRegel(ApiModel):
    """One processing of the child's data, as the parents see it: which organisation, in which role,
    not which person."""

    tijdstip: datetime
    rol: Rol
    organisatie: Verwijzing | None = Field(description="The location, school or gemeente; none for a parent.")
    actie: Actie
    onderwerp: str = Field(description="What was read or changed, e.g. `overdracht.formulier`.")
    velden: list[str] = Field(description="The child's data in the answer or the change, e.g. `kind.naam`.")
    grondslag: str = Field(description="Why: the permission used, e.g. `FormulierBewerken`.")
    omschrijving: str | None = Field(description="That permission in words.")


class InzageLog(ApiModel):
    resultaten: list[InzageRegel] = Field(description="Newest first.")
    volgende_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class AuditRegel(ApiModel):
    id: int
    tijdstip: datetime
    gebruiker_id: UUID
    rol: Rol
    organisatie_id: UUID | None
    kind_ids: list[UUID] = Field(description="Every child the request's data was about (opaque ids); a list: all.")
    overdracht_ids: list[UUID] = Field(description="Every overdracht it was about; a list or a download: all of it.")
    actie: Actie
    onderwerp: str
    velden: list[str]
    grondslag: str
    resultaat: int = Field(description="The HTTP status answered: 2xx done, 403/404/409/… refused.")
    request_id: str | None


class AuditPagina(ApiModel):
    resultaten: list[AuditRegel] = Field(description="Oldest first.")
    volgende_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")
