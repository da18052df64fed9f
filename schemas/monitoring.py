"""Response bodies of /v1/monitoring (camelCase on the wire): metadata and aggregates only. None of
these models has a field for a child's name, date of birth or the form's content, so no query can
leak one into an answer by accident."""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from pydantic import Field

from schemas.api import Verwijzing
from schemas.base import ApiModel
from schemas.overdracht import Deadline, Status, Vlag
from schemas.protocol import Leeftijd

SCHOOLJAAR_PATTERN = r"^\d{4}-\d{4}$"

# GET /v1/monitoring/achterstanden


class Achterstand(ApiModel):
    """One overdracht that is overdue now."""

    overdracht_id: UUID
    status: Status
    open_vlaggen: list[Vlag] = Field(description="What is overdue now.")
    achterstallig_sinds: datetime = Field(description="When the oldest open flag was set: the list's order.")
    deadlines: dict[Deadline, datetime] = Field(
        description="The deadline of each open flag's step (moved ones included); a deadline ends at this moment."
    )
    locatie: Verwijzing
    wijk: Verwijzing = Field(description="The wijk of the voorschool location.")
    stadsdeel: Verwijzing = Field(description="The stadsdeel of the voorschool location.")
    school: Verwijzing | None = Field(description="The receiving school; null while none is known.")
    schooljaar: str | None = Field(description="The school year the child starts school in, e.g. `2026-2027`.")


class AchterstandenPagina(ApiModel):
    resultaten: list[Achterstand] = Field(description="Oldest first (by achterstalligSinds).")
    volgende_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


# GET /v1/monitoring/kengetallen


class Groepering(StrEnum):
    STADSDEEL = "stadsdeel"
    WIJK = "wijk"
    LOCATIE = "locatie"
    SCHOOL = "school"


class StapTijdigheid(ApiModel):
    """Of the overdrachten whose step is done: how many took it before its deadline, how many after."""

    op_tijd: int
    te_laat: int


class Tijdigheid(ApiModel):
    toestemming: StapTijdigheid = Field(description="Consent given before the `toestemming` deadline.")
    verzenden: StapTijdigheid = Field(description="Sent before the `verzenden` deadline.")
    bevestigen: StapTijdigheid = Field(description="Receipt confirmed before the `bevestigen` deadline.")


class WarmeOverdrachtVve(ApiModel):
    voor_eerste_schooldag: int = Field(
        description="VVE children whose warme overdracht was held before their first school day."
    )
    ontvangen: int = Field(description="VVE children whose overdracht the school confirmed receiving.")


class Cijfers(ApiModel):
    """The key figures of one group (or of the whole scope)."""

    aantal: int = Field(description="How many overdrachten.")
    per_status: dict[Status, int] = Field(description="How many in each state; every state is listed.")
    tijdigheid: Tijdigheid
    warme_overdracht_vve: WarmeOverdrachtVve
    geweigerd: int = Field(description="Refusals: consent refused (GEWEIGERD).")
    school_onbekend: int = Field(
        description="No school known at the `school_bekend` deadline (3 years 9 months in Almere): the flag was ever set."
    )


class KengetallenGroep(Cijfers):
    groep: Verwijzing | None = Field(
        description="The stadsdeel, wijk, location or school; null (grouped by school) for those without a school."
    )


class KengetallenSchooljaar(ApiModel):
    schooljaar: str | None = Field(description="null: overdrachten recorded before the school year was kept.")
    totaal: Cijfers = Field(description="The whole of what you may see, in this school year.")
    groepen: list[KengetallenGroep] = Field(description="By name.")


class Kengetallen(ApiModel):
    groepering: Groepering
    schooljaar: str | None = Field(description="The school year asked for; null: every school year.")
    schooljaren: list[KengetallenSchooljaar] = Field(description="Oldest school year first.")


# GET /v1/monitoring/zonder-overdracht


class KindZonderOverdracht(ApiModel):
    """A child by an opaque id only: no name, no date of birth."""

    kind_id: UUID = Field(description="Opaque: the location knows the child by it (POST /v1/overdrachten).")
    locatie: Verwijzing
    wijk: Verwijzing
    stadsdeel: Verwijzing
    maanden_na_startleeftijd: int = Field(description="Whole months since the child reached the start age.")


class ZonderOverdracht(ApiModel):
    peildatum: date = Field(description="Today, Europe/Amsterdam: the ages are counted to this day.")
    startleeftijd: Leeftijd = Field(description="The start age of the gemeente's current protocol.")
    protocol_versie: int
    kinderen: list[KindZonderOverdracht] = Field(description="Longest past the start age first.")
