"""The steps of an overdracht's lifecycle, one use case each. Every step goes the same way (`_take`):
the capability, the audit row, the caller's scope (404 outside it), then the workflow decides whether
the step fits the state (409 or 422 otherwise); the answer is the overdracht as it now is."""

import inspect
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

import asyncpg
from pydantic import BaseModel
from temporalio.workflow import UpdateMethodMultiParam

from db import kinderen
from protocol.dates import amsterdam_date, end_of_day
from schemas.api import (
    OntvangstBevestigen,
    Ouderreactie,
    OverdrachtDetail,
    StapResultaat,
    StapTijdstippen,
    Termijnen,
    ToestemmingNamensOuder,
    WarmeOverdrachtAanvragen,
    WarmeOverdrachtActie,
    WarmeOverdrachtPlannen,
)
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker
from schemas.overdracht import Besluit, Deadline, Rol, Status, ToestemmingVoor, Wijze
from schemas.workflow import (
    Actor,
    Cancel,
    ChooseSchool,
    ConfirmReceipt,
    HandoverState,
    MoveDeadline,
    PlanWarmHandover,
    RecordConsent,
    RecordOuderreactie,
    RecordPaperCopy,
    RecordWarmHandover,
    RequestWarmHandover,
    ReturnToSender,
    SaveForm,
    Send,
    Submit,
    TakeBack,
)
from services import commands
from services.audit import velden_van_stap
from services.context import Context
from services.errors import Forbidden, InvalidInput, NotFound, StepNotAllowed
from services.overdrachten import actor, answer, known_school, visible
from services.permissions import Capability, allows, require
from workflows.handover import HandoverWorkflow
from workflows.lifecycle import ALLOWED_FROM, EINDSTATUSSEN, LOPEND, Stap, refusal

Cmd = TypeVar("Cmd", bound=BaseModel)
NOT_A_PARENT = "Deze ouder hoort niet bij deze overdracht."
HOW_AND_WHEN = "Leg vast wanneer de ouder het besluit gaf: dat kan niet later zijn dan vandaag."
PARENTS_ASK = "Ouders kunnen een warme overdracht aanvragen; plannen en vastleggen doen school en voorschool."
# One of the workflow's updates, taking the command `Cmd`.
Update = UpdateMethodMultiParam[[HandoverWorkflow, Cmd], HandoverState]
# Makes the workflow's command from the caller and the overdracht's row (some need to look something up).
Command = Callable[[Actor, asyncpg.Record], Cmd | Awaitable[Cmd]]


class _Step:
    """One step under way: the capability checked and the audit row registered first, so a refusal
    (403, 404, 409, …) is recorded too."""

    def __init__(self, ctx: Context, capability: Capability, onderwerp: str, overdracht_id: UUID) -> None:
        self.ctx, self.overdracht_id = ctx, overdracht_id
        self.user = require(ctx, capability, overdracht_id=overdracht_id)
        self.entry = ctx.audit.wijzigen(self.user, onderwerp, overdracht_id)

    async def take(self, update: Update[Cmd], command: Command[Cmd]) -> HandoverState:
        ctx = self.ctx
        row = await visible(ctx, self.overdracht_id)
        made = command(actor(ctx), row)
        cmd = await made if inspect.isawaitable(made) else made
        self.entry.velden = await velden_van_stap(ctx.pool, self.overdracht_id, cmd)
        return await commands.take_step(ctx.temporal, ctx.settings, self.overdracht_id, update, cmd)


async def _take(
    ctx: Context,
    capability: Capability,
    onderwerp: str,
    overdracht_id: UUID,
    update: Update[Cmd],
    command: Command[Cmd],
) -> HandoverState:
    return await _Step(ctx, capability, onderwerp, overdracht_id).take(update, command)


# Which capability each step needs (a parent decides on consent; the voorschool records a decision given
# on paper or in the conversation).
_CAPABILITY = {
    Stap.FORMULIER_OPSLAAN: Capability.FORMULIER_BEWERKEN,
    Stap.INDIENEN: Capability.FORMULIER_BEWERKEN,
    Stap.TERUGNEMEN: Capability.FORMULIER_BEWERKEN,
    Stap.OUDERREACTIE: Capability.OUDERREACTIE_GEVEN,
    Stap.PAPIEREN_KOPIE: Capability.PAPIEREN_KOPIE_VASTLEGGEN,
    Stap.SCHOOL_KIEZEN: Capability.SCHOOL_KIEZEN,
    Stap.INTREKKEN: Capability.TOESTEMMING_GEVEN,
    Stap.VERZENDEN: Capability.VERZENDEN,
    Stap.ONTVANGST_BEVESTIGEN: Capability.INTAKE_BEVESTIGEN,
    Stap.RETOUR: Capability.RETOURNEREN,
    Stap.WARME_OVERDRACHT_AANVRAGEN: Capability.WARME_OVERDRACHT_BIJDRAGEN,
    Stap.WARME_OVERDRACHT_PLANNEN: Capability.WARME_OVERDRACHT_BIJDRAGEN,
    Stap.WARME_OVERDRACHT_VASTLEGGEN: Capability.WARME_OVERDRACHT_BIJDRAGEN,
    Stap.ANNULEREN: Capability.ANNULEREN,
    Stap.DEADLINE_VERPLAATSEN: Capability.DEADLINE_VERPLAATSEN,
}


# The states of an overdracht still under way (for a list of what is running).
RUNNING = sorted(LOPEND)


def possible(user: Gebruiker, status: Status) -> frozenset[str]:
    """The steps this person may take in this state (by name: `VERZENDEN`, …), for the pages to offer
    just those. The step itself still decides (the state may have moved on since the page was shown).
    `TOESTEMMING` is the parent's own decision, `TOESTEMMING_VASTLEGGEN` the voorschool recording one,
    `MENTOR` naming the child's mentor."""
    steps = {stap.name for stap, cap in _CAPABILITY.items() if status in ALLOWED_FROM[stap] and allows(user, cap)}
    if user.rol is Rol.OUDER:  # parents ask for a warme overdracht; school and voorschool plan and hold it
        steps -= {Stap.WARME_OVERDRACHT_PLANNEN.name, Stap.WARME_OVERDRACHT_VASTLEGGEN.name}
    if status in ALLOWED_FROM[Stap.TOESTEMMING]:
        if allows(user, Capability.TOESTEMMING_GEVEN):
            steps.add(Stap.TOESTEMMING.name)
        if allows(user, Capability.TOESTEMMING_VASTLEGGEN):
            steps.add("TOESTEMMING_VASTLEGGEN")
    if status not in EINDSTATUSSEN and allows(user, Capability.MENTOR_TOEWIJZEN):
        steps.add("MENTOR")
    return frozenset(steps)


def state_rule(step: str) -> tuple[str, list[Status]]:
    """A step (by name, as `possible` names them) in words, and the states it can be taken in: for the
    API's documentation."""
    stap = Stap[step]
    return stap.value, sorted(ALLOWED_FROM[stap])


def refused_in_state(step: str) -> StepNotAllowed:
    """What a step (by name) is refused with in a state it cannot be taken in, in the workflow's own
    words: the example in the API's documentation."""
    stap = Stap[step]
    reason = refusal(stap, min(set(Status) - ALLOWED_FROM[stap]))
    assert reason is not None  # a state outside ALLOWED_FROM is always refused
    return StepNotAllowed(reason)


def _resultaat(state: HandoverState) -> StapResultaat:
    """Built from the engine's own answer, not read back: after these steps the caller may have lost
    access (and the purge may already have run), and the answer must not depend on which came first."""
    return StapResultaat(
        id=state.overdracht_id,
        status=state.status,
        revisie=state.revisie,
        tijdstippen=StapTijdstippen.model_validate(state.model_dump(include=set(StapTijdstippen.model_fields))),
        termijnen=Termijnen(
            deadlines=state.deadlines,
            volgende_deadline=state.volgende_deadline,
            vlaggen=sorted(state.vlaggen),
            open_vlaggen=state.open_vlaggen,
            achterstallig_sinds=state.achterstallig_sinds,
        ),
    )


async def save_form(ctx: Context, overdracht_id: UUID, formulier: Formulier) -> OverdrachtDetail:
    await _take(
        ctx,
        Capability.FORMULIER_BEWERKEN,
        "overdracht.formulier",
        overdracht_id,
        HandoverWorkflow.save_form,
        lambda a, _: SaveForm(actor=a, formulier=formulier),
    )
    return await answer(ctx, overdracht_id)


async def submit(ctx: Context, overdracht_id: UUID) -> OverdrachtDetail:
    async def with_parents(a: Actor, row: asyncpg.Record) -> Submit:
        # Whose consent is asked: the child's parents with custody as they are now.
        return Submit(actor=a, ouders=await kinderen.parents(ctx.pool, row["kind_id"]) if row["kind_id"] else [])

    await _take(
        ctx, Capability.FORMULIER_BEWERKEN, "overdracht.indiening", overdracht_id, HandoverWorkflow.submit, with_parents
    )
    return await answer(ctx, overdracht_id)


async def take_back(ctx: Context, overdracht_id: UUID, reden: str) -> OverdrachtDetail:
    """A correction round: the form back to CONCEPT, the parents' consent asked again after the next
    submission, which shows them what changed."""
    await _take(
        ctx,
        Capability.FORMULIER_BEWERKEN,
        "overdracht.correctie",
        overdracht_id,
        HandoverWorkflow.take_back,
        lambda a, _: TakeBack(actor=a, reden=reden),
    )
    return await answer(ctx, overdracht_id)


async def record_reaction(ctx: Context, overdracht_id: UUID, reactie: Ouderreactie) -> OverdrachtDetail:
    await _take(
        ctx,
        Capability.OUDERREACTIE_GEVEN,
        "overdracht.ouderreactie",
        overdracht_id,
        HandoverWorkflow.record_reaction,
        lambda a, _: RecordOuderreactie(actor=a, eens=reactie.eens, zienswijze=reactie.zienswijze, reden=reactie.reden),
    )
    return await answer(ctx, overdracht_id)


async def record_paper_copy(ctx: Context, overdracht_id: UUID) -> OverdrachtDetail:
    await _take(
        ctx,
        Capability.PAPIEREN_KOPIE_VASTLEGGEN,
        "overdracht.papieren_kopie",
        overdracht_id,
        HandoverWorkflow.record_paper_copy,
        lambda a, _: RecordPaperCopy(actor=a),
    )
    return await answer(ctx, overdracht_id)


async def record_consent(
    ctx: Context, overdracht_id: UUID, besluit: Besluit, voor: ToestemmingVoor | None = None
) -> StapResultaat:
    """A refusal or withdrawal ends the overdracht, and its content is purged (at once, by default)
    with the parents' accounts: the answer is the engine's record of the step, whatever came after."""
    state = await _take(
        ctx,
        Capability.TOESTEMMING_GEVEN,
        "overdracht.toestemming",
        overdracht_id,
        HandoverWorkflow.record_consent,
        lambda a, _: RecordConsent(actor=a, besluit=besluit, voor=voor),
    )
    return _resultaat(state)


async def record_consent_for_parent(
    ctx: Context, overdracht_id: UUID, ouder_id: UUID, besluit: ToestemmingNamensOuder
) -> StapResultaat:
    """The voorschool records a parent's decision as the parent gave it: signed on the paper form or said
    in the conversation, on `datum`. The parents hear it by mail, and can still see and withdraw."""
    step = _Step(ctx, Capability.TOESTEMMING_VASTLEGGEN, "overdracht.toestemming_namens_ouder", overdracht_id)
    # Digitally only the parent gives it (the body's schema has no such `wijze`); the day it was given
    # cannot be later than today, which the schema cannot say.
    if besluit.datum > amsterdam_date(datetime.now(UTC)):
        raise InvalidInput(HOW_AND_WHEN, invalid_params=[{"name": "datum", "reason": "ligt in de toekomst"}])

    async def for_the_parent(a: Actor, row: asyncpg.Record) -> RecordConsent:
        if row["kind_id"] is None or ouder_id not in await kinderen.parents(ctx.pool, row["kind_id"]):
            raise NotFound(NOT_A_PARENT)
        return RecordConsent(
            actor=a,
            besluit=besluit.besluit,
            namens=ouder_id,
            wijze=Wijze(besluit.wijze),
            datum=besluit.datum,
            voor=besluit.voor,
        )

    return _resultaat(await step.take(HandoverWorkflow.record_consent, for_the_parent))


async def choose_school(ctx: Context, overdracht_id: UUID, school_id: UUID) -> OverdrachtDetail:
    step = _Step(ctx, Capability.SCHOOL_KIEZEN, "overdracht.school", overdracht_id)
    await known_school(ctx, school_id)
    await step.take(HandoverWorkflow.choose_school, lambda a, _: ChooseSchool(actor=a, school_id=school_id))
    return await answer(ctx, overdracht_id)


async def send(ctx: Context, overdracht_id: UUID) -> OverdrachtDetail:
    await _take(
        ctx,
        Capability.VERZENDEN,
        "overdracht.verzending",
        overdracht_id,
        HandoverWorkflow.send,
        lambda a, _: Send(actor=a),
    )
    return await answer(ctx, overdracht_id)


async def confirm_receipt(ctx: Context, overdracht_id: UUID, body: OntvangstBevestigen) -> OverdrachtDetail:
    await _take(
        ctx,
        Capability.INTAKE_BEVESTIGEN,
        "overdracht.ontvangstbevestiging",
        overdracht_id,
        HandoverWorkflow.confirm_receipt,
        lambda a, _: ConfirmReceipt(
            actor=a,
            eerste_schooldag=body.eerste_schooldag,
            warme_overdracht_gewenst=body.warme_overdracht_gewenst,
            reden=body.reden,
        ),
    )
    return await answer(ctx, overdracht_id)


async def return_to_sender(ctx: Context, overdracht_id: UUID, reden: str) -> StapResultaat:
    """Answered with metadata only: once returned, the overdracht is no longer the school's to see."""
    state = await _take(
        ctx,
        Capability.RETOURNEREN,
        "overdracht.retour",
        overdracht_id,
        HandoverWorkflow.return_to_sender,
        lambda a, _: ReturnToSender(actor=a, reden=reden),
    )
    return _resultaat(state)


async def warm_handover(ctx: Context, overdracht_id: UUID, body: WarmeOverdrachtActie) -> OverdrachtDetail:
    """Ask for a warme overdracht (PM'er, school, parents), plan it or record it as held (PM'er, school)."""
    step = _Step(ctx, Capability.WARME_OVERDRACHT_BIJDRAGEN, "overdracht.warme_overdracht", overdracht_id)
    match body:
        case WarmeOverdrachtAanvragen():
            aanvraag = body
            await step.take(
                HandoverWorkflow.request_warm_handover, lambda a, _: RequestWarmHandover(actor=a, reden=aanvraag.reden)
            )
        case _ if step.user.rol is Rol.OUDER:
            raise Forbidden(PARENTS_ASK)
        case WarmeOverdrachtPlannen():
            plan = body
            await step.take(
                HandoverWorkflow.plan_warm_handover,
                lambda a, _: PlanWarmHandover(actor=a, datum=plan.datum, vorm=plan.vorm),
            )
        case _:
            held = body
            await step.take(
                HandoverWorkflow.record_warm_handover,
                lambda a, _: RecordWarmHandover(actor=a, datum=held.datum, vorm=held.vorm, deelnemers=held.deelnemers),
            )
    return await answer(ctx, overdracht_id)


async def cancel(ctx: Context, overdracht_id: UUID, reden: str) -> OverdrachtDetail:
    """The child leaves or moves."""
    await _take(
        ctx,
        Capability.ANNULEREN,
        "overdracht.annulering",
        overdracht_id,
        HandoverWorkflow.cancel,
        lambda a, _: Cancel(actor=a, reden=reden),
    )
    return await answer(ctx, overdracht_id)


async def move_deadline(
    ctx: Context, overdracht_id: UUID, deadline: Deadline, datum: date, reden: str
) -> OverdrachtDetail:
    """The coordinator moves one deadline to the end of `datum` (Amsterdam), with a reason."""
    await _take(
        ctx,
        Capability.DEADLINE_VERPLAATSEN,
        "overdracht.deadline",
        overdracht_id,
        HandoverWorkflow.move_deadline,
        lambda a, _: MoveDeadline(actor=a, deadline=deadline, tot=end_of_day(datum), reden=reden),
    )
    return await answer(ctx, overdracht_id)
