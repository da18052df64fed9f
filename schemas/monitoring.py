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


# GET /v1/monitoring/trend


class TrendMaand(ApiModel):
    """One calendar month (Europe/Amsterdam): the steps done in it, on time or late."""

    maand: str = Field(description="The month, e.g. `2026-03`.", pattern=r"^\d{4}-\d{2}$")
    tijdigheid: Tijdigheid


class Trend(ApiModel):
    schooljaar: str | None = Field(description="The school year asked for; null: every school year.")
    maanden: list[TrendMaand] = Field(
        description="Oldest month first, from the first month a step was done to the last; a month without any"
        " is listed with zeros."
    )


# GET /v1/monitoring/prognose


class PrognoseWeek(ApiModel):
    week: str = Field(description="The ISO week, e.g. `2026-W14`.")
    van: date = Field(description="Its Monday.")
    tot: date = Field(description="Its Sunday.")


class PrognoseAantallen(ApiModel):
    per_week: list[int] = Field(description="How many deadlines fall due in each week of `weken`, in that order.")
    totaal: int


class PrognoseDeadline(PrognoseAantallen):
    deadline: Deadline


class PrognoseGroep(PrognoseAantallen):
    groep: Verwijzing | None = Field(description="The location or school; null (by school) while none is known.")


class Prognose(ApiModel):
    """What falls due: the deadlines of steps still open, by the day they end (Europe/Amsterdam)."""

    peildatum: date = Field(description="Today, Europe/Amsterdam: what is due before now is overdue, not here.")
    weken: list[PrognoseWeek] = Field(description="This week first; the coming weeks after it.")
    totaal: PrognoseAantallen
    per_deadline: list[PrognoseDeadline] = Field(description="By the step's deadline; every deadline is listed.")
    locaties: list[PrognoseGroep] = Field(description="By the voorschool location, by name; only those with any.")
    scholen: list[PrognoseGroep] = Field(description="By the receiving school, by name, then those without one.")


# The coordinator's overview: VVE children without an overdracht, counted per wijk


class ZonderOverdrachtWijk(ApiModel):
    wijk: Verwijzing
    stadsdeel: Verwijzing
    aantal: int


class ZonderOverdrachtAantallen(ApiModel):
    peildatum: date
    startleeftijd: Leeftijd
    wijken: list[ZonderOverdrachtWijk] = Field(description="By stadsdeel and wijk name; only wijken with any.")


# What the monitoring can be filtered by: the gemeente's organisations and the school years known


class Wijk(Verwijzing):
    stadsdeel: Verwijzing


class Locatie(Verwijzing):
    wijk: Verwijzing


class Filteropties(ApiModel):
    schooljaren: list[str] = Field(description="The school years of the overdrachten you may see, newest first.")
    stadsdelen: list[Verwijzing]
    wijken: list[Wijk]
    locaties: list[Locatie]
    scholen: list[Verwijzing]
