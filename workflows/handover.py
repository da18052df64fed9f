"""HandoverWorkflow: one overdracht's life. Each step is a validated update and each change is recorded
in one place; the timers are in workflows/alarms.py, the messages in workflows/outbox.py."""

import asyncio
from datetime import timedelta
from typing import Unpack
from uuid import UUID

from temporalio import workflow

from workflows.alarms import Alarms, sleep_until
from workflows.outbox import Outbox
from workflows.steps import step

with workflow.unsafe.imports_passed_through():
    # Passed through: deadlines (via protocol.dates) builds its holiday table once per worker, reading
    # files the sandbox would refuse.
    from activities.read_model import ReadModelActivities
    from protocol.dates import school_year
    from schemas.bericht import Aanleiding, BerichtSoort, Ontvanger
    from schemas.formulier import Formulier
    from schemas.overdracht import Besluit, Deadline, Gebeurtenis, Status
    from schemas.workflow import (
        Actor,
        Cancel,
        ChooseSchool,
        ConfirmReceipt,
        HandoverInput,
        HandoverState,
        MoveDeadline,
        Open,
        Opening,
        Openingsuitkomst,
        OuderreactieRegel,
        PlanWarmHandover,
        RecordChange,
        RecordConsent,
        RecordOuderreactie,
        RecordPaperCopy,
        RecordWarmHandover,
        RequestWarmHandover,
        ReturnToSender,
        SaveForm,
        Send,
        StateChanges,
        Submit,
        TimelineEvent,
        VlagStatus,
        changed,
    )
    from workflows import deadlines as rules
    from workflows import lifecycle, search_attributes
    from workflows.lifecycle import EINDSTATUSSEN, Stap, Weigering, refusal, refused
    from workflows.options import RECORD

# A workflow started but never opened (its caller crashed in between) ends by itself, having written nothing.
UNOPENED_TIMEOUT = timedelta(days=1)


@workflow.defn
class HandoverWorkflow:
    @workflow.init
    def __init__(self, input: HandoverInput) -> None:
        self._input = input
        self._config = input.protocol.config
        self._state = HandoverState(
            overdracht_id=input.overdracht_id,
            kind_id=input.kind_id,
            gemeente_id=input.gemeente_id,
            locatie_id=input.locatie_id,
            status=Status.CONCEPT,
            school_id=input.school_id,
            protocol_versie=input.protocol.versie,
            schooljaar=school_year(rules.first_school_day(input.geboortedatum, input.protocol.config)),
            vve_indicatie=input.vve_indicatie,
        )
        self._formulier: Formulier | None = None
        self._ouders: list[UUID] = []
        self._consent: dict[UUID, Besluit] = {}
        self._warm_requested = False
        # A moved deadline stays where the coordinator put it (receipt does not reset it).
        self._moved: set[Deadline] = set()
        # Opens itself at the start age: asked to by `open`, or started so (runs from before that).
        self._opens_itself = input.automatisch_openen
        # Handlers and timers await activities; the lock keeps their changes from interleaving.
        self._lock = asyncio.Lock()
        self._outbox = Outbox(input.overdracht_id, self._record)
        self._alarms = Alarms(lambda: self._state, self._config, self._lock, self._record, self._outbox.notify)

    @workflow.run
    async def run(self, input: HandoverInput) -> HandoverState:
        if not await self._opening(input):
            return self._state
        timers = [asyncio.create_task(self._alarms.watch(d)) for d in Deadline]
        # Added after overdrachten were already running: older histories replay without it.
        if workflow.patched("verzending-verloopt"):
            expires = rules.dispatch_expires(input.geboortedatum, self._config)
            timers.append(asyncio.create_task(self._alarms.expire_dispatch(expires)))
        await workflow.wait_condition(lambda: self._final)
        await self._alarms.retain_then_purge(self._purge)
        await workflow.wait_condition(workflow.all_handlers_finished)
        await asyncio.gather(*timers, *self._outbox.deliveries)
        return self._state

    @workflow.query
    def state(self) -> HandoverState:
        return self._state

    @property
    def _opened(self) -> bool:
        return self._state.geopend_op is not None

    @property
    def _final(self) -> bool:
        return self._state.status in EINDSTATUSSEN

    # Opening

    async def _opening(self, input: HandoverInput) -> bool:
        """Opened by a person (`open`), or by itself at the start age when asked to (or started so).
        False when neither came in time."""
        if not self._opens_itself:
            try:
                await workflow.wait_condition(self._asked, timeout=UNOPENED_TIMEOUT)
            except TimeoutError:
                if not self._asked():  # not asked in the very moment the wait ran out either
                    return False
            if self._opened:
                return True
        await sleep_until(rules.starts_at(input.geboortedatum, self._config), lambda: self._opened)
        async with self._lock:
            if not self._opened:
                await self._open(None)
                await self._outbox.notify(
                    BerichtSoort.UITNODIGING, Aanleiding.START, Ontvanger.PEDAGOGISCH_MEDEWERKER, "start"
                )
        return True

    def _asked(self) -> bool:
        return self._opened or self._opens_itself

    @workflow.update
    async def open(self, cmd: Open) -> Opening:
        """Idempotent; says what it did. Its record creates the read model's row: the overdracht exists
        for readers only once it is open, so asked to open at the start age, nothing is recorded yet."""
        async with self._lock:
            if self._opened:
                return Opening(state=self._state, uitkomst=Openingsuitkomst.AL_GEOPEND)
            if cmd.op_startleeftijd and workflow.now() < rules.starts_at(self._input.geboortedatum, self._config):
                ahead = Openingsuitkomst.AL_INGEPLAND if self._opens_itself else Openingsuitkomst.INGEPLAND
                self._opens_itself = True
                return Opening(state=self._state, uitkomst=ahead)
            await self._open(cmd.actor)
            return Opening(state=self._state, uitkomst=Openingsuitkomst.GEOPEND)

    async def _open(self, actor: Actor | None) -> None:
        deadlines = rules.initial_deadlines(self._input.geboortedatum, self._config)
        await self._record(Gebeurtenis.GEOPEND, actor, geopend_op=workflow.now(), deadlines=deadlines)

    # Checks: the lifecycle's (by state), and what some steps need besides

    def _check(self, stap: Stap) -> None:
        reason = refusal(stap, self._state.status) if self._opened else "De overdracht is nog niet geopend."
        if reason is not None:
            raise refused(reason)

    def _submittable(self, cmd: Submit) -> None:
        missing = self._formulier.ontbrekende_velden() if self._formulier else ["formulier"]
        if missing:
            reason = "Het formulier is nog niet volledig genoeg om aan de ouders voor te leggen."
            raise refused(reason, Weigering.FORMULIER_ONVOLLEDIG, missing)
        if not cmd.ouders:
            raise refused("Er is geen ouder met gezag bekend om het formulier aan voor te leggen.")

    def _content_present(self, cmd: RecordPaperCopy) -> None:
        if self._state.inhoud_verwijderd_op is not None:
            raise refused("De inhoud van deze overdracht is al verwijderd.")

    def _deadline_known(self, cmd: MoveDeadline) -> None:
        if cmd.deadline not in self._state.deadlines:
            raise refused(f"De deadline '{cmd.deadline.value}' is voor deze overdracht (nog) niet bekend.")

    # Steps: each refused by its validator before it reaches the history, run under the lock
    # (workflows/steps.py)

    @step(Stap.FORMULIER_OPSLAAN)
    async def save_form(self, cmd: SaveForm) -> HandoverState:
        self._formulier = cmd.formulier
        return await self._record(
            Gebeurtenis.FORMULIER_OPGESLAGEN,
            cmd.actor,
            formulier=cmd.formulier,
            formulier_compleet=cmd.formulier.compleet,
        )

    @step(Stap.INDIENEN, also=_submittable)
    async def submit(self, cmd: Submit) -> HandoverState:
        self._ouders = list(cmd.ouders)
        state = await self._record(
            Gebeurtenis.INGEDIEND, cmd.actor, status=Status.BIJ_OUDERS, ingediend_op=workflow.now()
        )
        await self._outbox.notify(
            BerichtSoort.UITNODIGING, Aanleiding.INDIENING, Ontvanger.OUDERS, f"indiening:{state.revisie}"
        )
        return self._state

    @step(Stap.OUDERREACTIE)
    async def record_reaction(self, cmd: RecordOuderreactie) -> HandoverState:
        reactie = OuderreactieRegel(
            ouder_id=cmd.actor.gebruiker_id, eens=cmd.eens, zienswijze=cmd.zienswijze, reden=cmd.reden
        )
        # Whether they agree is the parents' content: in ouderreacties, not in the timeline's metadata.
        return await self._record(Gebeurtenis.OUDERREACTIE, cmd.actor, reactie=reactie)

    @step(Stap.PAPIEREN_KOPIE, also=_content_present)
    async def record_paper_copy(self, cmd: RecordPaperCopy) -> HandoverState:
        return await self._record(Gebeurtenis.PAPIEREN_KOPIE_MEEGEGEVEN, cmd.actor, papieren_kopie_op=workflow.now())

    @step(lifecycle.consent_step)
    async def record_consent(self, cmd: RecordConsent) -> HandoverState:
        self._consent[cmd.actor.gebruiker_id] = cmd.besluit
        now = workflow.now()
        if cmd.besluit is Besluit.INGETROKKEN:
            return await self._record(
                Gebeurtenis.TOESTEMMING_INGETROKKEN, cmd.actor, status=Status.INGETROKKEN, ingetrokken_op=now
            )
        if cmd.besluit is Besluit.GEWEIGERD:
            return await self._record(
                Gebeurtenis.TOESTEMMING_GEWEIGERD, cmd.actor, status=Status.GEWEIGERD, geweigerd_op=now
            )
        missing = lifecycle.consents_missing(self._config.toestemming_van, self._ouders, self._consent)
        if missing:
            # Recorded, but the protocol asks every parent with custody.
            return await self._record(Gebeurtenis.TOESTEMMING_GEGEVEN, cmd.actor, details={"nog_nodig": str(missing)})
        status = Status.GEREED_VOOR_VERZENDING if self._state.school_id is not None else Status.WACHT_OP_SCHOOL
        return await self._record(Gebeurtenis.TOESTEMMING_GEGEVEN, cmd.actor, status=status, toestemming_op=now)

    @step(Stap.SCHOOL_KIEZEN)
    async def choose_school(self, cmd: ChooseSchool) -> HandoverState:
        status = Status.GEREED_VOOR_VERZENDING if self._state.status is Status.WACHT_OP_SCHOOL else None
        return await self._record(Gebeurtenis.SCHOOL_GEKOZEN, cmd.actor, status=status, school_id=cmd.school_id)

    @step(Stap.VERZENDEN)
    async def send(self, cmd: Send) -> HandoverState:
        now = workflow.now()
        deadlines = {**self._state.deadlines, Deadline.BEVESTIGEN: rules.confirm_deadline(now, self._config)}
        return await self._record(
            Gebeurtenis.VERZONDEN, cmd.actor, status=Status.VERZONDEN, verzonden_op=now, deadlines=deadlines
        )

    @step(Stap.ONTVANGST_BEVESTIGEN)
    async def confirm_receipt(self, cmd: ConfirmReceipt) -> HandoverState:
        if cmd.warme_overdracht_gewenst:
            self._warm_requested = True
        deadlines = dict(self._state.deadlines)
        if Deadline.WARME_OVERDRACHT not in self._moved:
            deadlines[Deadline.WARME_OVERDRACHT] = rules.warm_handover_deadline(cmd.eerste_schooldag)
        await self._record(
            Gebeurtenis.ONTVANGST_BEVESTIGD,
            cmd.actor,
            status=Status.ONTVANGEN,
            ontvangen_op=workflow.now(),
            eerste_schooldag=cmd.eerste_schooldag,
            schooljaar=school_year(cmd.eerste_schooldag),
            deadlines=deadlines,
            toelichting=cmd.reden,
            details={"warme_overdracht_gewenst": "ja"} if cmd.warme_overdracht_gewenst else {},
        )
        if not self._state.warme_overdracht_vereist:
            # Without a warme overdracht to hold, receipt completes the overdracht.
            await self._record(Gebeurtenis.AFGEROND, None, status=Status.AFGEROND, afgerond_op=workflow.now())
        return self._state

    @step(Stap.RETOUR)
    async def return_to_sender(self, cmd: ReturnToSender) -> HandoverState:
        """'Not enrolled here': back to waiting for a school; the consent still stands."""
        deadlines = dict(self._state.deadlines)
        deadlines.pop(Deadline.BEVESTIGEN, None)
        return await self._record(
            Gebeurtenis.GERETOURNEERD,
            cmd.actor,
            status=Status.WACHT_OP_SCHOOL,
            school_id=None,
            verzonden_op=None,
            deadlines=deadlines,
            toelichting=cmd.reden,
        )

    @step(Stap.WARME_OVERDRACHT_AANVRAGEN)
    async def request_warm_handover(self, cmd: RequestWarmHandover) -> HandoverState:
        self._warm_requested = True
        return await self._record(Gebeurtenis.WARME_OVERDRACHT_GEVRAAGD, cmd.actor, toelichting=cmd.reden)

    @step(Stap.WARME_OVERDRACHT_PLANNEN)
    async def plan_warm_handover(self, cmd: PlanWarmHandover) -> HandoverState:
        return await self._record(
            Gebeurtenis.WARME_OVERDRACHT_GEPLAND,
            cmd.actor,
            status=Status.WARME_OVERDRACHT_GEPLAND,
            warme_overdracht_gepland_op=cmd.datum,
            details={"vorm": cmd.vorm.value, "datum": cmd.datum.isoformat()},
        )

    @step(Stap.WARME_OVERDRACHT_VASTLEGGEN)
    async def record_warm_handover(self, cmd: RecordWarmHandover) -> HandoverState:
        await self._record(
            Gebeurtenis.WARME_OVERDRACHT_GEHOUDEN,
            cmd.actor,
            status=Status.WARME_OVERDRACHT_GEHOUDEN,
            warme_overdracht_gehouden_op=cmd.datum,
            details={"vorm": cmd.vorm.value, "datum": cmd.datum.isoformat()},
            toelichting=", ".join(cmd.deelnemers) or None,
        )
        return await self._record(Gebeurtenis.AFGEROND, None, status=Status.AFGEROND, afgerond_op=workflow.now())

    @step(Stap.ANNULEREN)
    async def cancel(self, cmd: Cancel) -> HandoverState:
        """The child leaves or moves."""
        return await self._record(
            Gebeurtenis.GEANNULEERD,
            cmd.actor,
            status=Status.GEANNULEERD,
            geannuleerd_op=workflow.now(),
            toelichting=cmd.reden,
        )

    @step(Stap.DEADLINE_VERPLAATSEN, also=_deadline_known)
    async def move_deadline(self, cmd: MoveDeadline) -> HandoverState:
        """The coordinator moves one deadline; its timer follows. Moved past now, an open flag is lifted
        (the step is no longer late) and its reminders may go again for the new moment."""
        self._moved.add(cmd.deadline)
        vlaggen = dict(self._state.vlaggen)
        vlag = cmd.deadline.vlag
        if vlag in vlaggen and vlaggen[vlag].opgelost_op is None and cmd.tot > workflow.now():
            vlaggen[vlag] = VlagStatus(gezet_op=vlaggen[vlag].gezet_op, opgelost_op=workflow.now())
        return await self._record(
            Gebeurtenis.DEADLINE_VERPLAATST,
            cmd.actor,
            deadlines={**self._state.deadlines, cmd.deadline: cmd.tot},
            vlaggen=vlaggen,
            details={"deadline": cmd.deadline.value, "tot": cmd.tot.isoformat()},
            toelichting=cmd.reden,
        )

    async def _purge(self) -> None:
        """Destroy the content the service holds, and the workflow's own copy of the form."""
        await workflow.execute_activity_method(ReadModelActivities.purge_content, self._input.overdracht_id, **RECORD)
        self._formulier = None

    # Recording

    def _warm_required(self, status: Status) -> bool:
        criteria, vve = self._config.warme_overdracht, self._input.vve_indicatie
        required = lifecycle.warm_handover_required(criteria, vve, self._formulier, self._warm_requested)
        # Settled once the form leaves the PM'er's hands: a purge of the form must not undo it.
        return required if status is Status.CONCEPT else (self._state.warme_overdracht_vereist or required)

    async def _record(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        status: Status | None = None,
        formulier: Formulier | None = None,
        reactie: OuderreactieRegel | None = None,
        details: dict[str, str] | None = None,
        toelichting: str | None = None,
        **changes: Unpack[StateChanges],
    ) -> HandoverState:
        """The one place a change is pushed to everything that shows it: the read model (through an
        idempotent activity) and the search attributes. A change to a field that does not exist, or of
        the wrong type, fails here instead of being lost."""
        now = workflow.now()
        new = changed(self._state, changes)
        new.revisie = self._state.revisie + 1
        new.status = status or self._state.status
        new.warme_overdracht_vereist = self._warm_required(new.status)
        new.vve_indicatie = new.vve_indicatie or bool(self._formulier and self._formulier.vve.indicatie)
        new.vlaggen = rules.resolve_flags(new, now)
        new.volgende_deadline = rules.next_deadline(new)
        event = TimelineEvent(
            revisie=new.revisie,
            gebeurtenis=gebeurtenis,
            status=new.status,
            tijdstip=now,
            actor=actor,
            details=details or {},
            toelichting=toelichting,
        )
        change = RecordChange(state=new, event=event, formulier=formulier, reactie=reactie)
        await workflow.execute_activity_method(ReadModelActivities.record, change, **RECORD)
        self._state = new
        if self._input.publish_search_attributes:
            workflow.upsert_search_attributes(search_attributes.of(new))
        return new
