"""What the HandoverWorkflow takes, answers and records: its input, its commands (one model per
update) and the snapshot it pushes to the read model."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel

from schemas.formulier import Formulier
from schemas.overdracht import Besluit, Gebeurtenis, Rol, Status


class Actor(BaseModel):
    """Who asked for a step: an opaque user id and the role they acted in."""

    gebruiker_id: UUID
    rol: Rol


class HandoverInput(BaseModel):
    overdracht_id: UUID
    kind_id: UUID
    gemeente_id: UUID
    locatie_id: UUID
    school_id: UUID | None = None
    # The time-skipping test server knows no custom search attributes; only tests there set False.
    publish_search_attributes: bool = True


class HandoverState(BaseModel):
    """The workflow's own view of the overdracht, as the `state` query returns it."""

    overdracht_id: UUID
    kind_id: UUID
    gemeente_id: UUID
    locatie_id: UUID
    status: Status
    # Counts the recorded changes; the read model applies a change only if it is newer.
    revisie: int = 0
    school_id: UUID | None = None
    formulier_compleet: bool = False
    geopend_op: datetime | None = None
    ingediend_op: datetime | None = None
    toestemming_op: datetime | None = None
    verzonden_op: datetime | None = None
    ontvangen_op: datetime | None = None
    afgerond_op: datetime | None = None
    eerste_schooldag: date | None = None


# Commands: one input model per update.


class Open(BaseModel):
    actor: Actor


class SaveForm(BaseModel):
    actor: Actor
    formulier: Formulier


class Submit(BaseModel):
    actor: Actor


class ChooseSchool(BaseModel):
    actor: Actor
    school_id: UUID


class RecordConsent(BaseModel):
    actor: Actor
    besluit: Besluit


class Send(BaseModel):
    actor: Actor


class ConfirmReceipt(BaseModel):
    actor: Actor
    eerste_schooldag: date


# What the record activity writes.


class TimelineEvent(BaseModel):
    revisie: int
    gebeurtenis: Gebeurtenis
    status: Status
    tijdstip: datetime
    actor: Actor | None = None


class RecordChange(BaseModel):
    """One change, written in one transaction: the new state, its timeline event, and the form when
    the change saved one."""

    state: HandoverState
    event: TimelineEvent
    formulier: Formulier | None = None
