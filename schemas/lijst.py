"""What a list of overdrachten can be filtered and sorted by: the list's query parameters, as the
service layer and the read model's query take them."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from schemas.openapi import described_enum
from schemas.overdracht import Status, Vlag


@described_enum(
    "Welke overdrachten, naar hun mentor.",
    IK="Alleen de kinderen van wie de vrager zelf mentor is (de startpagina van een pedagogisch medewerker).",
)
class MentorFilter(StrEnum):
    IK = "ik"  # the caller's own mentees (a PM'er's start page)


@dataclass
class Filters:
    status: list[Status] | None = None
    open_vlaggen: list[Vlag] | None = None  # overdue now for any of these
    te_laat: bool | None = None  # anything overdue now (or nothing)
    locatie_id: UUID | None = None
    school_id: UUID | None = None
    wijk_id: UUID | None = None
    stadsdeel_id: UUID | None = None
    schooljaar: str | None = None
    deadline_voor: date | None = None  # the next open deadline ends on or before this day
    mentor: MentorFilter | None = None


@described_enum(
    "De volgorde van de lijst: een veld van de overdracht, met een `-` ervoor aflopend.",
    GEOPEND_OP="Op het moment van openen, oudste eerst (de standaard).",
    GEOPEND_OP_AFLOPEND="Op het moment van openen, nieuwste eerst.",
    VOLGENDE_DEADLINE="Op de eerstvolgende deadline van een open stap, vroegste eerst; zonder deadline achteraan.",
    ACHTERSTALLIG_SINDS="Op het moment dat de oudste open vlag werd gezet, langst te laat eerst; niets te laat"
    " achteraan.",
    BIJGEWERKT_OP_AFLOPEND="Op de laatste wijziging, meest recente eerst.",
)
class Sort(StrEnum):
    GEOPEND_OP = "geopendOp"
    GEOPEND_OP_AFLOPEND = "-geopendOp"
    VOLGENDE_DEADLINE = "volgendeDeadline"
    ACHTERSTALLIG_SINDS = "achterstalligSinds"
    BIJGEWERKT_OP_AFLOPEND = "-bijgewerktOp"
