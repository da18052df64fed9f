"""What the HandoverWorkflow takes, answers and records: its input, its commands (one model per
update) and the snapshot it pushes to the read model."""

import typing
from datetime import date, datetime
from enum import StrEnum
from typing import Unpack
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, with_config

# pydantic validates a TypedDict only from typing_extensions before Python 3.12.
from typing_extensions import TypedDict

from schemas.base import Reden
from schemas.bericht import BerichtAanvraag
from schemas.formulier import Formulier
from schemas.overdracht import (
    Besluit,
    Deadline,
    Eens,
    Gebeurtenis,
    Rol,
    Status,
    ToestemmingVoor,
    Vlag,
    Vorm,
    Wijze,
)
from schemas.protocol import Protocol


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
    # The deadlines count from here. Personal data in the engine's history: the privacy issue's payload
    # codec is to make it unreadable there.
    geboortedatum: date
    vve_indicatie: bool = False
    # The gemeente's protocol version at the start; the overdracht keeps it to the end.
    protocol: Protocol
    # Opens itself at the start age and asks the PM'er to begin. Set by the import (with `opener`), and
    # by runs started before `Open.op_startleeftijd`; a person asks with that instead.
    automatisch_openen: bool = False
    # Who had it started (the import): a child already past the start age when the run starts is opened
    # at once, in the run's first workflow task, in their name, as `open` would (workflows/handover.py).
    opener: Actor | None = None
    # The time-skipping test server knows no custom search attributes; only tests there set False.
    publish_search_attributes: bool = True
    # Which patches the run has from its start, without asking the engine (workflows/patches.py): its
    # starters pass patches.NIVEAU (services/commands.py). 0, a run started before this field: it asks the engine.
    patchniveau: int = Field(default=0, ge=0)


class VlagStatus(BaseModel):
    gezet_op: datetime
    opgelost_op: datetime | None = None  # the step was taken (late) or its deadline moved on


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
    protocol_versie: int = 0
    # Monitoring metadata: the school year the child starts school in, and its VVE-indicatie.
    schooljaar: str | None = None
    vve_indicatie: bool = False
    deadlines: dict[Deadline, datetime] = {}
    vlaggen: dict[Vlag, VlagStatus] = {}
    warme_overdracht_vereist: bool = False
    warme_overdracht_gepland_op: date | None = None
    warme_overdracht_gehouden_op: date | None = None
    geweigerd_op: datetime | None = None
    ingetrokken_op: datetime | None = None
    geannuleerd_op: datetime | None = None
    papieren_kopie_op: datetime | None = None
    inhoud_verwijderd_op: datetime | None = None
    # The earliest deadline whose step is still open; kept by the workflow with every change.
    volgende_deadline: datetime | None = None
    # Which school the consent is for: the named one (toestemming_school_id), or wherever enrolled.
    toestemming_voor: ToestemmingVoor | None = None
    toestemming_school_id: UUID | None = None

    @property
    def open_vlaggen(self) -> list[Vlag]:
        """What is overdue now: the flags whose step is still to be taken."""
        return sorted(v for v, f in self.vlaggen.items() if f.opgelost_op is None)

    @property
    def achterstallig_sinds(self) -> datetime | None:
        """When the oldest open flag was set."""
        return min((f.gezet_op for f in self.vlaggen.values() if f.opgelost_op is None), default=None)


@with_config(ConfigDict(extra="forbid", strict=True))
class StateChanges(TypedDict, total=False):
    """The fields of HandoverState a step may change, typed as there. The status, the revision and
    what follows from the rest (warme_overdracht_vereist, volgende_deadline) are the recorder's."""

    school_id: UUID | None
    locatie_id: UUID
    formulier_compleet: bool
    geopend_op: datetime | None
    ingediend_op: datetime | None
    toestemming_op: datetime | None
    toestemming_voor: ToestemmingVoor | None
    toestemming_school_id: UUID | None
    verzonden_op: datetime | None
    ontvangen_op: datetime | None
    afgerond_op: datetime | None
    eerste_schooldag: date | None
    schooljaar: str | None
    deadlines: dict[Deadline, datetime]
    vlaggen: dict[Vlag, VlagStatus]
    warme_overdracht_gepland_op: date | None
    warme_overdracht_gehouden_op: date | None
    geweigerd_op: datetime | None
    ingetrokken_op: datetime | None
    geannuleerd_op: datetime | None
    papieren_kopie_op: datetime | None
    inhoud_verwijderd_op: datetime | None


_STATE_CHANGES = TypeAdapter(StateChanges)


def changed(state: HandoverState, changes: StateChanges) -> HandoverState:
    """`state` with `changes` applied. A key that is no changeable field, or a value of the wrong type,
    raises pydantic's ValidationError; `model_copy(update=...)` alone would let either pass silently."""
    return state.model_copy(update=_STATE_CHANGES.validate_python(changes))


class Record(typing.Protocol):
    """How the workflow's parts record a change (HandoverWorkflow._record): the one place a change
    reaches the read model, its timeline and the search attributes."""

    async def __call__(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        status: Status | None = None,
        formulier: Formulier | None = None,
        reactie: "OuderreactieRegel | None" = None,
        details: dict[str, str] | None = None,
        toelichting: str | None = None,
        **changes: Unpack[StateChanges],
    ) -> HandoverState: ...


# Commands: one input model per update.


class Open(BaseModel):
    actor: Actor
    # Open at the start age: at once when it has passed, else the workflow opens itself then (and
    # asks the PM'er to begin). False: open now, whatever the age.
    op_startleeftijd: bool = False


class Openingsuitkomst(StrEnum):
    """What `open` did."""

    GEOPEND = "geopend"  # opened now, by the command's actor
    INGEPLAND = "ingepland"  # opens itself at the start age
    AL_INGEPLAND = "al_ingepland"  # was going to open itself already: nothing changed
    AL_GEOPEND = "al_geopend"  # was open already: nothing changed


class Opening(BaseModel):
    """What `open` answers: the state after it, and what it did."""

    state: HandoverState
    uitkomst: Openingsuitkomst


class SaveForm(BaseModel):
    actor: Actor
    formulier: Formulier


class Submit(BaseModel):
    actor: Actor
    # The parents with custody now; their consent is asked (one or all of them, as the protocol says).
    ouders: list[UUID]


class RecordOuderreactie(BaseModel):
    actor: Actor
    eens: Eens
    zienswijze: str | None = None
    reden: str | None = None


class RecordPaperCopy(BaseModel):
    actor: Actor


class ChooseSchool(BaseModel):
    actor: Actor
    school_id: UUID


class RecordConsent(BaseModel):
    """A parent's decision. Recorded by the voorschool for a parent (`namens`: consent on paper or in
    the conversation), it says how (`wijze`) and when the parent gave it (`datum`)."""

    actor: Actor
    besluit: Besluit
    namens: UUID | None = None
    wijze: Wijze | None = None  # None: the parent themselves, on the parent page
    # For which school; None: the named school when one is known, else wherever the child is enrolled.
    voor: ToestemmingVoor | None = None
    datum: date | None = None

    @property
    def ouder(self) -> UUID:
        return self.namens or self.actor.gebruiker_id


class Send(BaseModel):
    actor: Actor


class ConfirmReceipt(BaseModel):
    actor: Actor
    eerste_schooldag: date
    warme_overdracht_gewenst: bool = False
    reden: str | None = None


class ReturnToSender(BaseModel):
    actor: Actor
    reden: Reden


class RequestWarmHandover(BaseModel):
    actor: Actor
    reden: Reden


class PlanWarmHandover(BaseModel):
    actor: Actor
    datum: date
    vorm: Vorm


class RecordWarmHandover(BaseModel):
    actor: Actor
    datum: date
    vorm: Vorm
    deelnemers: list[str]  # roles, e.g. "mentor", "intern begeleider", "ouder"


class ReceiveByCode(BaseModel):
    """The school where the parents enrolled the child entered their overdracht code."""

    actor: Actor
    school_id: UUID


class TakeBack(BaseModel):
    """The PM'er takes the form back from the parents to correct it (a correction round)."""

    actor: Actor
    reden: Reden


class Cancel(BaseModel):
    actor: Actor
    reden: Reden


class MoveLocation(BaseModel):
    """The child moves to another voorschool location of the same gemeente, which takes the overdracht over."""

    actor: Actor
    locatie_id: UUID


class MoveDeadline(BaseModel):
    actor: Actor
    deadline: Deadline
    tot: datetime  # the new moment the deadline ends
    reden: Reden


# What the record activity writes.


class TimelineEvent(BaseModel):
    revisie: int
    gebeurtenis: Gebeurtenis
    status: Status
    tijdstip: datetime
    actor: Actor | None = None
    # Metadata only (which flag, which deadline, which message to whom); never personal data.
    details: dict[str, str] = {}
    # A person's free text (a reason): shown only to roles that may read content, purged with it.
    toelichting: str | None = None


class OuderreactieRegel(BaseModel):
    ouder_id: UUID
    eens: Eens
    zienswijze: str | None = None
    reden: str | None = None


class RecordChange(BaseModel):
    """One change, written in one transaction: the new state, its timeline event, and the form when
    the change saved one."""

    state: HandoverState
    event: TimelineEvent
    formulier: Formulier | None = None
    reactie: OuderreactieRegel | None = None


class QueueAndRecord(BaseModel):
    """A message queued in the outbox and its BERICHT event recorded (with the read model's row at that
    revision), in one transaction (activities/berichten.py `queue_and_record`)."""

    aanvraag: BerichtAanvraag
    change: RecordChange
    # Changes written first, in the same transaction: the opening, written with its message to the
    # parents in one call (workflows/patches.py Patch.OPENEN_MET_BERICHT).
    eerder: list[RecordChange] = []
