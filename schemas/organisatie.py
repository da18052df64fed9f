"""The organisation as functioneel beheer keeps it: the gemeente, its stadsdelen and wijken, the voorschool
locations and the schools; and the report of a DUO import. Input fields are plain text here; their form
(an LRK number, a BRIN, a vestiging) is checked by the use case (services/organisatie.py), so the API and
the pages give the same Dutch message per field."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import Field

from schemas.api import Verwijzing
from schemas.base import ApiModel

MAX_NAAM = 200

Naam = Annotated[str, Field(max_length=MAX_NAAM, description="Not empty (spaces aside); at most 200 characters.")]
LrkNummer = Annotated[
    str,
    Field(
        max_length=20,
        description="The location's number in the Landelijk Register Kinderopvang: 9 to 12 digits (spaces are"
        " ignored), e.g. `123456789`. Unique within the gemeente.",
    ),
]
Brin = Annotated[
    str,
    Field(
        max_length=10,
        description="The school's BRIN (instellingscode): 2 digits and 2 letters or digits, e.g. `01AB` (case does"
        " not matter).",
    ),
]
Vestiging = Annotated[
    str,
    Field(
        max_length=10,
        description="The vestiging's number under its BRIN: 2 digits, e.g. `00` (the main vestiging). BRIN and"
        " vestiging together are unique within the gemeente.",
    ),
]
Gesloten = Annotated[
    bool,
    Field(
        description="true: close it (it takes nothing new; what it has keeps working); false: open it again.",
    ),
]


class Status(ApiModel):
    gesloten: bool = Field(description="Closed: it takes nothing new; what it already has keeps working.")
    gesloten_op: datetime | None = Field(description="Since when it is closed.")


# What the API answers


class Gemeente(ApiModel):
    id: UUID
    naam: str
    gemeentecode: str | None = Field(
        description="The CBS gemeentecode (4 digits, e.g. `0034` for Almere): the DUO import finds the gemeente's"
        " schools by it (column GEMEENTENUMMER); without it, by the gemeente's name (GEMEENTENAAM)."
    )
    bundelen: bool = Field(
        default=False,
        description="Reminders and escalations to staff go as one daily digest per person (true) or each at once"
        " (false), for whoever has not chosen themselves (`/v1/mijn-instellingen`).",
    )
    bundel_uur: int = Field(default=8, ge=0, le=23, description="The hour (Amsterdam) the daily digests go out.")


class Stadsdeel(Status):
    id: UUID
    naam: str


class Wijk(Status):
    id: UUID
    naam: str
    stadsdeel: Verwijzing


class Locatie(Status):
    id: UUID
    naam: str
    lrk_nummer: str | None = Field(description="Its number in the Landelijk Register Kinderopvang.")
    wijk: Verwijzing
    stadsdeel: Verwijzing


class School(Status):
    id: UUID
    naam: str
    brin: str | None
    vestiging: str | None
    vestigingscode: str | None = Field(description="BRIN and vestiging as DUO writes them, e.g. `01AB00`.")
    intake_email: str | None = Field(
        default=None,
        description="Where the school takes in new pupils: an overdracht sent to it is announced here at once (and to"
        " its intern begeleiders; to all its staff when it has neither).",
    )
    wijk: Verwijzing
    stadsdeel: Verwijzing


class Stadsdelen(ApiModel):
    resultaten: list[Stadsdeel] = Field(description="By name, closed ones included.")


class Wijken(ApiModel):
    resultaten: list[Wijk] = Field(description="By name, closed ones included.")


class Locaties(ApiModel):
    resultaten: list[Locatie] = Field(description="By name, closed ones included.")


class Scholen(ApiModel):
    resultaten: list[School] = Field(description="By name, closed ones included.")


# What the API takes


class GemeenteWijziging(ApiModel):
    """Only the fields given change."""

    gemeentecode: str | None = Field(
        default=None, max_length=10, description="4 digits (`34` is read as `0034`); null removes it."
    )
    bundelen: bool | None = None
    bundel_uur: int | None = Field(default=None, ge=0, le=23)


class StadsdeelNieuw(ApiModel):
    naam: Naam


class StadsdeelWijziging(ApiModel):
    """Only the fields given change."""

    naam: Naam | None = None
    gesloten: Gesloten | None = None


class WijkNieuw(ApiModel):
    naam: Naam
    stadsdeel_id: UUID


class WijkWijziging(ApiModel):
    """Only the fields given change; `stadsdeelId` moves the wijk (with its locations and schools)."""

    naam: Naam | None = None
    stadsdeel_id: UUID | None = None
    gesloten: Gesloten | None = None


class LocatieNieuw(ApiModel):
    naam: Naam
    wijk_id: UUID
    lrk_nummer: LrkNummer


class LocatieWijziging(ApiModel):
    """Only the fields given change; `wijkId` moves the location to another wijk."""

    naam: Naam | None = None
    wijk_id: UUID | None = None
    lrk_nummer: LrkNummer | None = None
    gesloten: Gesloten | None = None


IntakeEmail = Annotated[
    str,
    Field(max_length=254, description="The school's intake address (arrival notices); an empty string removes it."),
]


class SchoolNieuw(ApiModel):
    naam: Naam
    wijk_id: UUID
    brin: Brin
    vestiging: Vestiging
    intake_email: IntakeEmail | None = None


class SchoolWijziging(ApiModel):
    """Only the fields given change; `wijkId` moves the school to another wijk."""

    naam: Naam | None = None
    wijk_id: UUID | None = None
    brin: Brin | None = None
    vestiging: Vestiging | None = None
    intake_email: IntakeEmail | None = None
    gesloten: Gesloten | None = None


# The DUO import's report


class DuoUitkomst(StrEnum):
    TOEGEVOEGD = "toegevoegd"
    BIJGEWERKT = "bijgewerkt"
    ONGEWIJZIGD = "ongewijzigd"
    OVERGESLAGEN = "overgeslagen"


class DuoRij(ApiModel):
    regel: int = Field(description="The line in the file (the header is line 1).")
    uitkomst: DuoUitkomst
    eigen_gemeente: bool = Field(description="A row of your gemeente; another gemeente's row is skipped.")
    vestigingscode: str | None = Field(description="As in the file (BRIN and vestiging), when readable.")
    naam: str | None = Field(description="The vestiging's name in the file (rows of the gemeente only).")
    school_id: UUID | None = Field(description="The school added, updated or found unchanged.")
    toelichting: str | None = Field(description="Why a row was skipped; what an update changed.")


class DuoImportResultaat(ApiModel):
    rijen: int = Field(description="Data rows read (empty lines not counted).")
    toegevoegd: int = Field(description="Schools new to the gemeente, added in the wijk given.")
    bijgewerkt: int = Field(description="Schools known already whose name changed (or whose BRIN was filled in).")
    ongewijzigd: int = Field(description="Schools known already, as in the file.")
    overgeslagen: int = Field(
        description="Rows of the gemeente not read: a bad or repeated row, a new school without a wijk."
    )
    andere_gemeente: int = Field(description="Rows of other gemeenten: skipped.")
    gemeente_op: str = Field(description="How the gemeente's rows were found: `gemeentenummer` or `gemeentenaam`.")
    regels: list[DuoRij] = Field(description="Every row, in the file's order, with what happened to it.")
    niet_in_bestand: list[School] = Field(
        description="Open schools of the gemeente the file does not list: reported, never changed or closed."
    )
