"""HandoverWorkflow: one overdracht's life. Each step is a validated update and each change is recorded
in one place; the timers are in workflows/alarms.py, the messages in workflows/outbox.py."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Unpack
from uuid import UUID

from temporalio import workflow

from workflows import recording
from workflows.alarms import Alarms, sleep_until
from workflows.clock import Clock
from workflows.outbox import Outbox
from workflows.patches import Patch, patched
from workflows.steps import step

with workflow.unsafe.imports_passed_through():
    # Passed through: deadlines (via protocol.dates) reads its holiday table once per worker, not once
    # per run.
    from activities.read_model import ReadModelActivities
    from protocol.dates import school_year
    from schemas.bericht import Aanleiding, BerichtSoort, Ontvanger
    from schemas.formulier import Formulier
    from schemas.overdracht import Besluit, Deadline, Gebeurtenis, Status, ToestemmingVoor
    from schemas.workflow import (
        Actor,
        Cancel,
        ChooseSchool,
        ConfirmReceipt,
        HandoverInput,
        HandoverState,
        MoveDeadline,
        MoveLocation,
        Open,
        Opening,
        Openingsuitkomst,
        OuderreactieRegel,
        PlanWarmHandover,
        ReceiveByCode,
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
        TakeBack,
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
            # Until it opens; opening sets it by the rules of its time (Patch.ZOMERVAKANTIE).
            schooljaar=school_year(rules.first_school_day(input.geboortedatum, input.protocol.config, summer=False)),
            vve_indicatie=input.vve_indicatie,
        )
        self._formulier: Formulier | None = None
        self._ouders: list[UUID] = []
        self._consent: dict[UUID, Besluit] = {}
        # Per parent who consented: for which school (ToestemmingVoor).
        self._consent_for: dict[UUID, ToestemmingVoor] = {}
        self._warm_requested = False
        # The school's terms count school days (Patch.SCHOOLKALENDER): decided when it is sent.
        self._schooldagen = False
        # A moved deadline stays where the coordinator put it (receipt does not reset it).
        self._moved: set[Deadline] = set()
        # Opens itself at the start age: asked to by `open`, or started so (runs from before that).
        self._opens_itself = input.automatisch_openen
        # The child left before its overdracht opened: it never will.
        self._left_unopened = False
        # Handlers and timers await activities; the lock keeps their changes from interleaving.
        self._lock = asyncio.Lock()
        self._outbox = Outbox(input.overdracht_id, self._record, self._change, self._commit, self._patched)
        # Every moment the run waits for, on one timer (Patch.EEN_WEKKER), moved between changes.
        self._clock = Clock(quiet=lambda: not self._lock.locked())
        self._alarms = Alarms(
            lambda: self._state,
            self._config,
            self._lock,
            self._record,
            self._outbox.notify,
            self._sleep_until,
            lambda: self._schooldagen,
        )

    @workflow.run
    async def run(self, input: HandoverInput) -> HandoverState:
        if not await self._opening(input):
            return self._state
        timers = [asyncio.create_task(self._alarms.watch(d)) for d in Deadline]
        # Added after overdrachten were already running: older histories replay without it.
        if self._patched(Patch.VERZENDING_VERLOOPT):
            expires = rules.dispatch_expires(input.geboortedatum, self._config)
            timers.append(asyncio.create_task(self._alarms.expire_dispatch(expires)))
        if self._patched(Patch.ONAFGEROND_VERLOOPT):
            ends = rules.unfinished_expires(input.geboortedatum, self._config)
            timers.append(asyncio.create_task(self._alarms.expire_unfinished(ends)))
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
        False when neither came in time, or the child left first."""
        if input.opener is not None and workflow.now() >= rules.starts_at(input.geboortedatum, self._config):
            await self._open_at_start(input.opener)
            return True
        if not self._opens_itself:
            try:
                await workflow.wait_condition(self._asked, timeout=UNOPENED_TIMEOUT)
            except TimeoutError:
                if not self._asked():  # not asked in the very moment the wait ran out either
                    return False
            if self._opened:
                return True
        await self._sleep_until(
            rules.starts_at(input.geboortedatum, self._config), lambda: self._opened or self._left_unopened
        )
        async with self._lock:
            if self._left_unopened:
                return False
            if not self._opened:
                await self._open(None)
                await self._outbox.notify(
                    BerichtSoort.UITNODIGING, Aanleiding.START, Ontvanger.PEDAGOGISCH_MEDEWERKER, "start"
                )
                await self._tell_parents()
        return True

    def _asked(self) -> bool:
        return self._opened or self._opens_itself or self._left_unopened

    @workflow.update
    async def open(self, cmd: Open) -> Opening:
        """Idempotent; says what it did. Its record creates the read model's row: the overdracht exists
        for readers only once it is open, so asked to open at the start age, nothing is recorded yet."""
        async with self._lock:
            if self._opened:
                return Opening(state=self._state, uitkomst=Openingsuitkomst.AL_GEOPEND)
            if self._left_unopened:
                raise refused("Het kind heeft de voorschool verlaten; deze overdracht gaat niet meer open.")
            if cmd.op_startleeftijd and workflow.now() < rules.starts_at(self._input.geboortedatum, self._config):
                ahead = Openingsuitkomst.AL_INGEPLAND if self._opens_itself else Openingsuitkomst.INGEPLAND
                self._opens_itself = True
                return Opening(state=self._state, uitkomst=ahead)
            # Written by an ordinary activity even in a run that writes locally: the engine has then
            # accepted the update before its row exists. A local write would come first, and an update
            # the engine loses with its task (a worker killed in it) would leave an opened row behind
            # for a workflow that never opened; the import, finding the row, would not open it again.
            if self._patched(Patch.OPENEN_MET_BERICHT):
                # Written once the engine has accepted the update, with the parents' message, in one call.
                opening = self._change(Gebeurtenis.GEOPEND, cmd.actor, **self._opening_changes())
                await self._tell_parents(na=opening)
            else:
                await self._open(cmd.actor, durable=True)
                await self._tell_parents()
            return Opening(state=self._state, uitkomst=Openingsuitkomst.GEOPEND)

    async def _open_at_start(self, opener: Actor) -> None:
        """Opened by whoever started the run (the import), the child past the start age: as `open` does,
        the opening written with the parents' message in one call, but in this first workflow task (a
        local activity). Safe where `open`'s write is not: a start the engine has taken, it never
        forgets, so a task it runs again writes the same change again, and no message is left behind."""
        async with self._lock:
            if not self._opened and not self._left_unopened:
                opening = self._change(Gebeurtenis.GEOPEND, opener, **self._opening_changes())
                await self._tell_parents(na=opening, direct=True)

    def _opening_changes(self) -> StateChanges:
        """What opening sets: now, and the deadlines and school year by the rules."""
        birth, summer = self._input.geboortedatum, self._patched(Patch.ZOMERVAKANTIE)
        return {
            "geopend_op": workflow.now(),
            "deadlines": rules.initial_deadlines(birth, self._config, summer=summer),
            "schooljaar": school_year(rules.first_school_day(birth, self._config, summer=summer)),
        }

    async def _open(self, actor: Actor | None, *, durable: bool = False) -> None:
        await self._record(Gebeurtenis.GEOPEND, actor, durable=durable, **self._opening_changes())

    async def _tell_parents(self, *, na: RecordChange | None = None, direct: bool = False) -> None:
        """The parents hear that the overdracht has begun and what comes next; `na`: the opening, not yet
        written, to write first in the same call, `direct` in this workflow task (Outbox.notify)."""
        if self._patched(Patch.OUDERS_BIJ_OPENING):
            await self._outbox.notify(
                BerichtSoort.UITNODIGING, Aanleiding.START, Ontvanger.OUDERS, "start:ouders", na=na, direct=direct
            )

    # Checks: the lifecycle's (by state), and what some steps need besides

    def _check(self, stap: Stap) -> None:
        if self._opened:
            reason = refusal(stap, self._state.status)
        elif stap in (Stap.ANNULEREN, Stap.VERHUIZEN) and not self._left_unopened:
            reason = None  # a child may leave, or move, before its overdracht opens
        else:
            reason = "De overdracht is nog niet geopend."
        if reason is not None:
            raise refused(reason)

    def _submittable(self, cmd: Submit) -> None:
        missing = self._formulier.ontbrekende_velden() if self._formulier else ["formulier"]
        if missing:
            reason = "Het formulier is nog niet volledig genoeg om aan de ouders voor te leggen."
            raise refused(reason, Weigering.FORMULIER_ONVOLLEDIG, missing)
        if not cmd.ouders:
            raise refused("Er is geen ouder met gezag bekend om het formulier aan voor te leggen.")

    def _for_a_parent_asked(self, cmd: RecordConsent) -> None:
        if cmd.namens is not None and cmd.namens not in self._ouders:
            raise refused("Van deze ouder is bij het indienen geen toestemming gevraagd.")

    def _consent_for_any_school(self, cmd: ReceiveByCode) -> None:
        if self._state.toestemming_voor is not ToestemmingVoor.INGESCHREVEN_SCHOOL:
            raise refused("De ouders gaven toestemming voor een genoemde school; een overdrachtcode geldt hier niet.")

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
        # The version the parents are shown is kept: after a correction round they see what changed.
        state = await self._record(
            Gebeurtenis.INGEDIEND,
            cmd.actor,
            status=Status.BIJ_OUDERS,
            formulier=self._formulier,
            ingediend_op=workflow.now(),
        )
        await self._outbox.notify(
            BerichtSoort.UITNODIGING, Aanleiding.INDIENING, Ontvanger.OUDERS, f"indiening:{state.revisie}"
        )
        return self._state

    @step(Stap.TERUGNEMEN)
    async def take_back(self, cmd: TakeBack) -> HandoverState:
        """A correction round: back to CONCEPT; consent given so far lapses (it was for the form as it was)
        and is asked again after the next submission."""
        self._consent.clear()
        self._consent_for.clear()
        return await self._record(
            Gebeurtenis.TERUGGENOMEN,
            cmd.actor,
            status=Status.CONCEPT,
            toestemming_op=None,
            toestemming_voor=None,
            toestemming_school_id=None,
            toelichting=cmd.reden,
        )

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

    @step(lifecycle.consent_step, also=_for_a_parent_asked)
    async def record_consent(self, cmd: RecordConsent) -> HandoverState:
        """A parent's decision: their own, or recorded for them by the voorschool (`namens`: on paper or in
        the conversation; then how and when is in the timeline, and the parents are told)."""
        self._consent[cmd.ouder] = cmd.besluit
        if cmd.besluit is Besluit.GEGEVEN:
            named = self._state.school_id is not None
            self._consent_for[cmd.ouder] = cmd.voor or (
                ToestemmingVoor.GENOEMDE_SCHOOL if named else ToestemmingVoor.INGESCHREVEN_SCHOOL
            )
        now = workflow.now()
        how = {"wijze": cmd.wijze.value, "datum": cmd.datum.isoformat()} if cmd.wijze and cmd.datum else {}
        if cmd.besluit is Besluit.INGETROKKEN:
            return await self._record(
                Gebeurtenis.TOESTEMMING_INGETROKKEN,
                cmd.actor,
                status=Status.INGETROKKEN,
                ingetrokken_op=now,
                details=how,
            )
        if cmd.besluit is Besluit.GEWEIGERD:
            return await self._record(
                Gebeurtenis.TOESTEMMING_GEWEIGERD, cmd.actor, status=Status.GEWEIGERD, geweigerd_op=now, details=how
            )
        missing = lifecycle.consents_missing(self._config.toestemming_van, self._ouders, self._consent)
        if missing:
            # Recorded, but the protocol asks every parent with custody.
            details = {**how, "nog_nodig": str(missing)}
            state = await self._record(Gebeurtenis.TOESTEMMING_GEGEVEN, cmd.actor, details=details)
        else:
            status = Status.GEREED_VOOR_VERZENDING if self._state.school_id is not None else Status.WACHT_OP_SCHOOL
            state = await self._record(
                Gebeurtenis.TOESTEMMING_GEGEVEN,
                cmd.actor,
                status=status,
                details=how,
                **self._consented(now),
            )
        if state.status is Status.WACHT_OP_SCHOOL and state.toestemming_voor is ToestemmingVoor.INGESCHREVEN_SCHOOL:
            # Their overdracht code, to hand to the school where they enrol the child: minted when the
            # message is delivered (never in this history), valid until an unopened dispatch would expire.
            expires = rules.dispatch_expires(self._input.geboortedatum, self._config)
            await self._outbox.notify(
                BerichtSoort.UITNODIGING,
                Aanleiding.OVERDRACHTCODE,
                Ontvanger.OUDERS,
                f"overdrachtcode:{state.revisie}",
                deadline=expires,
            )
        if cmd.namens is not None:
            # Told what the voorschool recorded for them; they can still see it, and withdraw.
            key = f"toestemming-vastgelegd:{state.revisie}"
            await self._outbox.notify(
                BerichtSoort.UITNODIGING, Aanleiding.TOESTEMMING_VASTGELEGD, Ontvanger.OUDERS, key
            )
        return self._state

    def _consented(self, now: datetime) -> StateChanges:
        """Consent complete at `now`, and for which school: wherever the child is enrolled only when every
        parent said so, else the school named now."""
        if not self._patched(Patch.TOESTEMMING_PER_SCHOOL):
            return {"toestemming_op": now}
        given = [self._consent_for[p] for p, b in self._consent.items() if b is Besluit.GEGEVEN]
        if given and all(v is ToestemmingVoor.INGESCHREVEN_SCHOOL for v in given):
            return {"toestemming_op": now, "toestemming_voor": ToestemmingVoor.INGESCHREVEN_SCHOOL}
        school = self._state.school_id
        return {
            "toestemming_op": now,
            "toestemming_voor": ToestemmingVoor.GENOEMDE_SCHOOL,
            "toestemming_school_id": school,
        }

    @step(Stap.SCHOOL_KIEZEN)
    async def choose_school(self, cmd: ChooseSchool) -> HandoverState:
        """Name or change the school. Consent given for another school lapses: the parents are asked again."""
        state = self._state
        if (
            state.status is Status.BIJ_OUDERS
            and cmd.school_id != state.school_id
            and self._patched(Patch.TOESTEMMING_PER_SCHOOL)
        ):
            # Consent given so far for the school that was named lapses; for wherever enrolled, it stands.
            for ouder, voor in list(self._consent_for.items()):
                if voor is ToestemmingVoor.GENOEMDE_SCHOOL:
                    self._consent.pop(ouder, None)
                    self._consent_for.pop(ouder)
        if state.toestemming_voor is ToestemmingVoor.GENOEMDE_SCHOOL and cmd.school_id != state.toestemming_school_id:
            self._consent.clear()
            self._consent_for.clear()
            new = await self._record(
                Gebeurtenis.SCHOOL_GEKOZEN,
                cmd.actor,
                status=Status.BIJ_OUDERS,
                school_id=cmd.school_id,
                # Asked again through nobody's delay: a fresh term for consent and sending.
                deadlines=rules.fresh_terms(
                    state.deadlines, workflow.now(), self._config, (Deadline.TOESTEMMING, Deadline.VERZENDEN)
                ),
                toestemming_op=None,
                toestemming_voor=None,
                toestemming_school_id=None,
                details={"toestemming": "opnieuw gevraagd"},
            )
            key = f"indiening:{new.revisie}"
            await self._outbox.notify(BerichtSoort.UITNODIGING, Aanleiding.INDIENING, Ontvanger.OUDERS, key)
            return self._state
        status = Status.GEREED_VOOR_VERZENDING if state.status is Status.WACHT_OP_SCHOOL else None
        return await self._record(Gebeurtenis.SCHOOL_GEKOZEN, cmd.actor, status=status, school_id=cmd.school_id)

    def _confirm_term(self, now: datetime) -> tuple[dict[Deadline, datetime], dict[str, str]]:
        """The deadlines with the school's term to confirm receipt from `now`, and the timeline's note
        of the calendar it was counted in."""
        self._schooldagen = self._schooldagen or self._patched(Patch.SCHOOLKALENDER)
        due, kalender = rules.confirm_deadline(now, self._config, schooldagen=self._schooldagen)
        details = {"kalender": kalender} if self._schooldagen else {}
        return {**self._state.deadlines, Deadline.BEVESTIGEN: due}, details

    @step(Stap.VERZENDEN)
    async def send(self, cmd: Send) -> HandoverState:
        now = workflow.now()
        deadlines, details = self._confirm_term(now)
        await self._record(
            Gebeurtenis.VERZONDEN,
            cmd.actor,
            status=Status.VERZONDEN,
            verzonden_op=now,
            deadlines=deadlines,
            details=details,
        )
        if self._patched(Patch.AANKOMSTBERICHT):
            # Once per dispatch: a dispatch after a return (to another school) is another arrival.
            await self._outbox.notify(
                BerichtSoort.UITNODIGING, Aanleiding.AANGEKOMEN, Ontvanger.SCHOOL_INTAKE, f"aankomst:{now.isoformat()}"
            )
        return self._state

    @step(Stap.CODE_INWISSELEN, also=_consent_for_any_school)
    async def receive_by_code(self, cmd: ReceiveByCode) -> HandoverState:
        """The school where the parents enrolled the child entered their overdracht code: it is the
        school now, and it receives the overdracht (the parents consented for wherever it is enrolled)."""
        now = workflow.now()
        deadlines, details = self._confirm_term(now)
        return await self._record(
            Gebeurtenis.CODE_INGEWISSELD,
            cmd.actor,
            status=Status.VERZONDEN,
            school_id=cmd.school_id,
            verzonden_op=now,
            deadlines=deadlines,
            details=details,
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
        """'Not enrolled here': back to waiting for a school, with a fresh term to name one and send it;
        the consent still stands."""
        deadlines = dict(self._state.deadlines)
        deadlines.pop(Deadline.BEVESTIGEN, None)
        if self._patched(Patch.RETOUR_TERMIJN):
            deadlines = rules.after_return(deadlines, workflow.now(), self._config)
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
        """The child leaves. Before the overdracht opened, it never will: nothing was recorded, and
        nothing is."""
        if not self._opened:
            self._left_unopened = True
            self._state = self._state.model_copy(
                update={"status": Status.GEANNULEERD, "geannuleerd_op": workflow.now()}
            )
            return self._state
        return await self._record(
            Gebeurtenis.GEANNULEERD,
            cmd.actor,
            status=Status.GEANNULEERD,
            geannuleerd_op=workflow.now(),
            toelichting=cmd.reden,
        )

    @step(Stap.VERHUIZEN)
    async def move_location(self, cmd: MoveLocation) -> HandoverState:
        """The child moves to another location of the gemeente: it takes the overdracht over, the old one
        loses access. Before opening, the overdracht simply opens there."""
        if not self._opened or cmd.locatie_id == self._state.locatie_id:  # unopened, or a repeat
            self._state = self._state.model_copy(update={"locatie_id": cmd.locatie_id})
            return self._state
        van = self._state.locatie_id
        return await self._record(
            Gebeurtenis.VERHUISD,
            cmd.actor,
            locatie_id=cmd.locatie_id,
            details={"van": str(van), "naar": str(cmd.locatie_id)},
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
        if not self._patched(Patch.BESPREKEN):
            criteria = criteria.model_copy(update={"bij_bespreken": False})
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
        durable: bool = False,
        **changes: Unpack[StateChanges],
    ) -> HandoverState:
        """The one place a change is pushed to everything that shows it: the read model (through an
        idempotent activity: a local one, or with `durable` an ordinary one, scheduled once the engine
        has recorded the task that decided the change) and the search attributes. A change to a field
        that does not exist, or of the wrong type, fails here instead of being lost."""
        change = self._change(
            gebeurtenis,
            actor,
            status=status,
            formulier=formulier,
            reactie=reactie,
            details=details,
            toelichting=toelichting,
            **changes,
        )
        if self._lokaal() and not durable:
            await recording.write(ReadModelActivities.record, change)
        else:
            await workflow.execute_activity_method(ReadModelActivities.record, change, **RECORD)
        return self._commit(change.state)

    def _patched(self, patch: str) -> bool:
        """Whether this run has `patch` (workflows/patches.py): by the level it started at, or the engine's marker."""
        return patched(patch, self._input.patchniveau)

    def _sleep_until(self, moment: datetime, wake: Callable[[], bool]) -> Awaitable[bool]:
        """Wait for `moment` (True) unless `wake` comes true first (False): on the run's one clock, or
        in a run from before Patch.EEN_WEKKER on a timer of its own."""
        if self._patched(Patch.EEN_WEKKER):
            return self._clock.sleep_until(moment, wake)
        return sleep_until(moment, wake)

    def _lokaal(self) -> bool:
        """Whether this run writes its changes locally (Patch.LOKAAL_VASTLEGGEN; the Outbox asks too)."""
        return self._patched(Patch.LOKAAL_VASTLEGGEN)

    def _change(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        status: Status | None = None,
        formulier: Formulier | None = None,
        reactie: OuderreactieRegel | None = None,
        details: dict[str, str] | None = None,
        toelichting: str | None = None,
        van: HandoverState | None = None,
        **changes: Unpack[StateChanges],
    ) -> RecordChange:
        """The change to write: the next revision of the state (of `van`, a change not yet made the
        state, or else of the state), and its timeline event."""
        now = workflow.now()
        base = van or self._state
        new = changed(base, changes)
        new.revisie = base.revisie + 1
        new.status = status or base.status
        new.warme_overdracht_vereist = self._warm_required(new.status)
        new.vve_indicatie = new.vve_indicatie or bool(self._formulier and self._formulier.vve.indicatie)
        new.vlaggen = rules.resolve_flags(new, now, when_due_later=self._patched(Patch.VLAG_OPGEHEVEN))
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
        return RecordChange(state=new, event=event, formulier=formulier, reactie=reactie)

    def _commit(self, new: HandoverState) -> HandoverState:
        """The change written: it is the state now, and the search attributes show it (since
        Patch.ZOEKATTRIBUTEN_BIJ_WIJZIGING only those it changed: a run starts with those of its first state,
        services/commands.py)."""
        self._state = new
        if self._input.publish_search_attributes:
            updates = search_attributes.of(new)
            if self._patched(Patch.ZOEKATTRIBUTEN_BIJ_WIJZIGING):
                updates = search_attributes.changed(workflow.info().typed_search_attributes, updates)
            if updates:
                workflow.upsert_search_attributes(updates)
        return new
