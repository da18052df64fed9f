"""What a list of overdrachten can be filtered and sorted by: the list's query parameters, as the
service layer and the read model's query take them."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from schemas.overdracht import Status, Vlag


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


class Sort(StrEnum):
    GEOPEND_OP = "geopendOp"
    GEOPEND_OP_AFLOPEND = "-geopendOp"
    VOLGENDE_DEADLINE = "volgendeDeadline"
    ACHTERSTALLIG_SINDS = "achterstalligSinds"
    BIJGEWERKT_OP_AFLOPEND = "-bijgewerktOp"
