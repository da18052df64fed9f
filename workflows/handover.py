"""HandoverWorkflow: one overdracht's life. Each step is a validated update, each deadline a durable
timer, each change recorded in one place."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    # Passed through: deadlines (via protocol.dates) builds its holiday table once per worker, reading
    # files the sandbox would refuse.
    from activities.berichten import BerichtActivities
    from activities.read_model import ReadModelActivities
    from protocol.dates import age_reached, amsterdam_date, end_of_day, school_year
    from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, Ontvanger
    from schemas.formulier import Formulier, Niveau
    from schemas.overdracht import Besluit, Deadline, Gebeurtenis, Status
    from schemas.protocol import ToestemmingVan
    from schemas.workflow import (
        Actor,
        Cancel,
        ChooseSchool,
        ConfirmReceipt,
        HandoverInput,
        HandoverState,
        MoveDeadline,
        Open,
        ParentReaction,
        PlanWarmHandover,
        RecordChange,
        RecordConsent,
        RecordPaperCopy,
        RecordReaction,
        RecordWarmHandover,
        RequestWarmHandover,
        ReturnToSender,
        SaveForm,
        Send,
        Submit,
        TimelineEvent,
        VlagStatus,
    )
    from workflows import deadlines as rules
    from workflows import search_attributes
    from workflows.lifecycle import EINDSTATUSSEN, Stap, Weigering, refusal

# Recording waits out a database outage: retried without limit, so a step once accepted is never lost.
RECORD = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30)),
}
# Delivery waits out a mail server outage the same way; it never blocks a step.
DELIVER = {
    "start_to_close_timeout": timedelta(minutes=2),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=10)),
}
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
        self._rounds = dict.fromkeys(Deadline, 0)
        self._deliveries: list[asyncio.Task[Any]] = []
        # Handlers and timers await activities; the lock keeps their changes from interleaving.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: HandoverInput) -> HandoverState:
        if not await self._opening(input):
            return self._state
        timers = [asyncio.create_task(self._watch(d)) for d in Deadline]
        # Added after overdrachten were already running: older histories replay without it.
        if workflow.patched("verzending-verloopt"):
            timers.append(asyncio.create_task(self._expire_unconfirmed_dispatch()))
        await workflow.wait_condition(lambda: self._final)
        await self._retain_then_purge()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await asyncio.gather(*timers, *self._deliveries)
        return self._state

    @workflow.query
    def state(self) -> HandoverState:
        return self._state

    # Opening

    async def _opening(self, input: HandoverInput) -> bool:
        """Opened by a person (the API's `open`), or, when started ahead at placement, by itself at the
        start age. False when nobody opened it in time."""
        if input.automatisch_openen:
            await self._sleep_until(rules.starts_at(input.geboortedatum, self._config), lambda: self._opened)
            async with self._lock:
                if not self._opened:
                    await self._open(None)
                    await self._notify(
                        BerichtSoort.UITNODIGING, Aanleiding.START, Ontvanger.PEDAGOGISCH_MEDEWERKER, "start"
                    )
            return True
        try:
            await workflow.wait_condition(lambda: self._opened, timeout=UNOPENED_TIMEOUT)
        except TimeoutError:
            return False
        return True

    @workflow.update
    async def open(self, cmd: Open) -> HandoverState:
        """Idempotent: opening an open overdracht returns it as it is. Its record creates the read
        model's row, so the overdracht exists for readers only once it truly does."""
        async with self._lock:
            if not self._opened:
                await self._open(cmd.actor)
            return self._state

    async def _open(self, actor: Actor | None) -> None:
        await self._record(
            Gebeurtenis.GEOPEND,
            actor,
            geopend_op=workflow.now(),
            deadlines=rules.initial_deadlines(self._input.geboortedatum, self._config),
        )

    # Steps. Each validator refuses a step before it reaches history; each handler checks again
    # under the lock, because another step may have been taken while this one waited.

    @workflow.update
    async def save_form(self, cmd: SaveForm) -> HandoverState:
        async with self._step(Stap.FORMULIER_OPSLAAN):
            self._formulier = cmd.formulier
            return await self._record(
                Gebeurtenis.FORMULIER_OPGESLAGEN,
                cmd.actor,
                formulier=cmd.formulier,
                formulier_compleet=cmd.formulier.compleet,
            )

    @save_form.validator
    def _validate_save_form(self, cmd: SaveForm) -> None:
        self._check(Stap.FORMULIER_OPSLAAN)

    @workflow.update
    async def submit(self, cmd: Submit) -> HandoverState:
        async with self._step(Stap.INDIENEN):
            self._check_submittable(cmd)
            self._ouders = list(cmd.ouders)
            state = await self._record(
                Gebeurtenis.INGEDIEND, cmd.actor, status=Status.BIJ_OUDERS, ingediend_op=workflow.now()
            )
            await self._notify(
                BerichtSoort.UITNODIGING, Aanleiding.INDIENING, Ontvanger.OUDERS, f"indiening:{state.revisie}"
            )
            return self._state

    @submit.validator
    def _validate_submit(self, cmd: Submit) -> None:
        self._check(Stap.INDIENEN)
        self._check_submittable(cmd)

    @workflow.update
    async def record_reaction(self, cmd: RecordReaction) -> HandoverState:
        async with self._step(Stap.OUDERREACTIE):
            reactie = ParentReaction(
                ouder_id=cmd.actor.gebruiker_id, eens=cmd.eens, zienswijze=cmd.zienswijze, reden=cmd.reden
            )
            # Whether they agree is the parents' content: in ouderreacties, not in the timeline's metadata.
            return await self._record(Gebeurtenis.OUDERREACTIE, cmd.actor, reactie=reactie)

    @record_reaction.validator
    def _validate_record_reaction(self, cmd: RecordReaction) -> None:
        self._check(Stap.OUDERREACTIE)

    @workflow.update
    async def record_paper_copy(self, cmd: RecordPaperCopy) -> HandoverState:
        async with self._step(Stap.PAPIEREN_KOPIE):
            self._check_content_present()
            return await self._record(
                Gebeurtenis.PAPIEREN_KOPIE_MEEGEGEVEN, cmd.actor, papieren_kopie_op=workflow.now()
            )

    @record_paper_copy.validator
    def _validate_record_paper_copy(self, cmd: RecordPaperCopy) -> None:
        self._check(Stap.PAPIEREN_KOPIE)
        self._check_content_present()

    @workflow.update
    async def record_consent(self, cmd: RecordConsent) -> HandoverState:
        async with self._step(self._consent_step(cmd)):
            parent = cmd.actor.gebruiker_id
            if cmd.besluit is Besluit.INGETROKKEN:
                self._consent[parent] = Besluit.INGETROKKEN
                return await self._record(
                    Gebeurtenis.TOESTEMMING_INGETROKKEN,
                    cmd.actor,
                    status=Status.INGETROKKEN,
                    ingetrokken_op=workflow.now(),
                )
            self._consent[parent] = cmd.besluit
            if cmd.besluit is Besluit.GEWEIGERD:
                return await self._record(
                    Gebeurtenis.TOESTEMMING_GEWEIGERD, cmd.actor, status=Status.GEWEIGERD, geweigerd_op=workflow.now()
                )
            missing = self._consents_missing()
            if missing:
                # Recorded, but the protocol asks every parent with custody.
                return await self._record(
                    Gebeurtenis.TOESTEMMING_GEGEVEN, cmd.actor, details={"nog_nodig": str(missing)}
                )
            school_known = self._state.school_id is not None
            return await self._record(
                Gebeurtenis.TOESTEMMING_GEGEVEN,
                cmd.actor,
                status=Status.GEREED_VOOR_VERZENDING if school_known else Status.WACHT_OP_SCHOOL,
                toestemming_op=workflow.now(),
            )

    @record_consent.validator
    def _validate_record_consent(self, cmd: RecordConsent) -> None:
        self._check(self._consent_step(cmd))

    @workflow.update
    async def choose_school(self, cmd: ChooseSchool) -> HandoverState:
        async with self._step(Stap.SCHOOL_KIEZEN):
            waiting = self._state.status is Status.WACHT_OP_SCHOOL
            return await self._record(
                Gebeurtenis.SCHOOL_GEKOZEN,
                cmd.actor,
                status=Status.GEREED_VOOR_VERZENDING if waiting else None,
                school_id=cmd.school_id,
            )

    @choose_school.validator
    def _validate_choose_school(self, cmd: ChooseSchool) -> None:
        self._check(Stap.SCHOOL_KIEZEN)

    @workflow.update
    async def send(self, cmd: Send) -> HandoverState:
        async with self._step(Stap.VERZENDEN):
            now = workflow.now()
            deadlines = {**self._state.deadlines, Deadline.BEVESTIGEN: rules.confirm_deadline(now, self._config)}
            return await self._record(
                Gebeurtenis.VERZONDEN, cmd.actor, status=Status.VERZONDEN, verzonden_op=now, deadlines=deadlines
            )

    @send.validator
    def _validate_send(self, cmd: Send) -> None:
        self._check(Stap.VERZENDEN)

    @workflow.update
    async def confirm_receipt(self, cmd: ConfirmReceipt) -> HandoverState:
        async with self._step(Stap.ONTVANGST_BEVESTIGEN):
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

    @confirm_receipt.validator
    def _validate_confirm_receipt(self, cmd: ConfirmReceipt) -> None:
        self._check(Stap.ONTVANGST_BEVESTIGEN)

    @workflow.update
    async def return_to_sender(self, cmd: ReturnToSender) -> HandoverState:
        """'Not enrolled here': back to waiting for a school; the consent still stands."""
        async with self._step(Stap.RETOUR):
            deadlines = {d: m for d, m in self._state.deadlines.items() if d is not Deadline.BEVESTIGEN}
            return await self._record(
                Gebeurtenis.GERETOURNEERD,
                cmd.actor,
                status=Status.WACHT_OP_SCHOOL,
                school_id=None,
                verzonden_op=None,
                deadlines=deadlines,
                toelichting=cmd.reden,
            )

    @return_to_sender.validator
    def _validate_return_to_sender(self, cmd: ReturnToSender) -> None:
        self._check(Stap.RETOUR)

    @workflow.update
    async def request_warm_handover(self, cmd: RequestWarmHandover) -> HandoverState:
        async with self._step(Stap.WARME_OVERDRACHT_AANVRAGEN):
            self._warm_requested = True
            return await self._record(Gebeurtenis.WARME_OVERDRACHT_GEVRAAGD, cmd.actor, toelichting=cmd.reden)

    @request_warm_handover.validator
    def _validate_request_warm_handover(self, cmd: RequestWarmHandover) -> None:
        self._check(Stap.WARME_OVERDRACHT_AANVRAGEN)

    @workflow.update
    async def plan_warm_handover(self, cmd: PlanWarmHandover) -> HandoverState:
        async with self._step(Stap.WARME_OVERDRACHT_PLANNEN):
            return await self._record(
                Gebeurtenis.WARME_OVERDRACHT_GEPLAND,
                cmd.actor,
                status=Status.WARME_OVERDRACHT_GEPLAND,
                warme_overdracht_gepland_op=cmd.datum,
                details={"vorm": cmd.vorm.value, "datum": cmd.datum.isoformat()},
            )

    @plan_warm_handover.validator
    def _validate_plan_warm_handover(self, cmd: PlanWarmHandover) -> None:
        self._check(Stap.WARME_OVERDRACHT_PLANNEN)

    @workflow.update
    async def record_warm_handover(self, cmd: RecordWarmHandover) -> HandoverState:
        async with self._step(Stap.WARME_OVERDRACHT_VASTLEGGEN):
            await self._record(
                Gebeurtenis.WARME_OVERDRACHT_GEHOUDEN,
                cmd.actor,
                status=Status.WARME_OVERDRACHT_GEHOUDEN,
                warme_overdracht_gehouden_op=cmd.datum,
                details={"vorm": cmd.vorm.value, "datum": cmd.datum.isoformat()},
                toelichting=", ".join(cmd.deelnemers) or None,
            )
            return await self._record(Gebeurtenis.AFGEROND, None, status=Status.AFGEROND, afgerond_op=workflow.now())

    @record_warm_handover.validator
    def _validate_record_warm_handover(self, cmd: RecordWarmHandover) -> None:
        self._check(Stap.WARME_OVERDRACHT_VASTLEGGEN)

    @workflow.update
    async def cancel(self, cmd: Cancel) -> HandoverState:
        """The child leaves or moves."""
        async with self._step(Stap.ANNULEREN):
            return await self._record(
                Gebeurtenis.GEANNULEERD,
                cmd.actor,
                status=Status.GEANNULEERD,
                geannuleerd_op=workflow.now(),
                toelichting=cmd.reden,
            )

    @cancel.validator
    def _validate_cancel(self, cmd: Cancel) -> None:
        self._check(Stap.ANNULEREN)

    @workflow.update
    async def move_deadline(self, cmd: MoveDeadline) -> HandoverState:
        """The coordinator moves one deadline; its timer follows. Moved past now, an open flag is lifted
        (the step is no longer late) and its reminders may go again for the new moment."""
        async with self._step(Stap.DEADLINE_VERPLAATSEN):
            self._check_deadline_known(cmd)
            self._moved.add(cmd.deadline)
            vlaggen = dict(self._state.vlaggen)
            vlag = rules.RULES[cmd.deadline].vlag
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

    @move_deadline.validator
    def _validate_move_deadline(self, cmd: MoveDeadline) -> None:
        self._check(Stap.DEADLINE_VERPLAATSEN)
        self._check_deadline_known(cmd)

    # Deadlines: one timer loop per deadline, for the whole life of the overdracht.

    async def _watch(self, deadline: Deadline) -> None:
        while True:
            await workflow.wait_condition(
                lambda: self._final or (deadline in self._state.deadlines and rules.is_open(deadline, self._state))
            )
            if self._final:
                return
            await self._alarms(deadline)

    async def _alarms(self, deadline: Deadline) -> None:
        """While the deadline's step is open, set off its alarms in turn: a reminder before it (where
        the protocol has one), the flag and a reminder when it passes, then the escalations."""
        self._rounds[deadline] += 1
        round_ = self._rounds[deadline]
        fired: set[rules.Niveau] = set()
        while rules.is_open(deadline, self._state):
            moment = self._state.deadlines[deadline]
            alarms = rules.alarms(deadline, moment, self._state, self._config)
            pending = [a for a in alarms if a.niveau not in fired]

            def changed() -> bool:
                # Woken when the step is taken or the deadline moves.
                return not rules.is_open(deadline, self._state) or self._state.deadlines.get(deadline) != moment  # noqa: B023

            if not pending:
                await workflow.wait_condition(changed)
            elif await self._sleep_until(pending[0].moment, changed):
                await self._alarm(deadline, pending[0].niveau, round_)
                fired.add(pending[0].niveau)
            if rules.is_open(deadline, self._state) and self._state.deadlines[deadline] != moment:
                # Moved: alarms now ahead of us may go off again, for the new moment.
                now = workflow.now()
                moved = rules.alarms(deadline, self._state.deadlines[deadline], self._state, self._config)
                fired = {a.niveau for a in moved if a.niveau in fired and a.moment <= now}

    async def _alarm(self, deadline: Deadline, niveau: rules.Niveau, round_: int) -> None:
        rule = rules.RULES[deadline]
        async with self._lock:
            if not rules.is_open(deadline, self._state):
                return  # taken while this alarm waited for the lock
            moment = self._state.deadlines[deadline]
            if niveau is rules.Niveau.VERLOPEN:
                vlaggen = {**self._state.vlaggen, rule.vlag: VlagStatus(gezet_op=workflow.now())}
                await self._record(
                    Gebeurtenis.VLAG_GEZET,
                    None,
                    vlaggen=vlaggen,
                    details={"vlag": rule.vlag.value, "deadline": deadline.value},
                )
            late = niveau in (rules.Niveau.VOORAF, rules.Niveau.VERLOPEN)
            soort = BerichtSoort.HERINNERING if late else BerichtSoort.ESCALATIE
            for ontvanger in rules.recipients(deadline, niveau, self._state):
                key = f"{deadline.value}:{round_}:{niveau.value}:{moment.isoformat()}:{ontvanger.value}"
                await self._notify(soort, rule.aanleiding, ontvanger, key, deadline=moment)

    async def _sleep_until(self, moment: datetime, wake: Callable[[], bool]) -> bool:
        """True when `moment` came, False when `wake` came true first. A durable timer: it survives
        restarts of everything and costs nothing while it waits."""
        if wake():
            return False
        remaining = moment - workflow.now()
        if remaining <= timedelta(0):
            return True
        try:
            await workflow.wait_condition(wake, timeout=remaining)
        except TimeoutError:
            return True
        return False

    async def _expire_unconfirmed_dispatch(self) -> None:
        """A dispatch the school never confirmed expires some months after the 4th birthday (the
        protocol's term): the overdracht ends and its content is purged like a cancelled one's."""
        months = self._config.bewaartermijnen.onbezorgde_verzending_maanden_na_vierde_verjaardag
        expires = end_of_day(age_reached(self._input.geboortedatum, 4, months))
        if not await self._sleep_until(expires, lambda: self._final):
            return
        async with self._lock:
            if self._state.status is Status.VERZONDEN:
                await self._record(
                    Gebeurtenis.VERZENDING_VERLOPEN, None, status=Status.GEANNULEERD, geannuleerd_op=workflow.now()
                )

    # Retention

    async def _retain_then_purge(self) -> None:
        """Content is kept only as long as the protocol says, then destroyed; metadata stays."""
        terms = self._config.bewaartermijnen
        if self._state.status is Status.AFGEROND:
            keep_until = end_of_day(age_reached(amsterdam_date(workflow.now()), months=terms.na_afronding_maanden))
        else:
            keep_until = workflow.now() + timedelta(days=terms.na_weigering_dagen)
        await self._sleep_until(keep_until, lambda: False)
        async with self._lock:
            await workflow.execute_activity_method(
                ReadModelActivities.purge_content, self._state.overdracht_id, **RECORD
            )
            self._formulier = None
            await self._record(Gebeurtenis.INHOUD_VERWIJDERD, None, inhoud_verwijderd_op=workflow.now())

    # Internals

    @property
    def _opened(self) -> bool:
        return self._state.geopend_op is not None

    @property
    def _final(self) -> bool:
        return self._state.status in EINDSTATUSSEN

    def _check(self, stap: Stap) -> None:
        if not self._opened:
            reason: str | None = "De overdracht is nog niet geopend."
        else:
            reason = refusal(stap, self._state.status)
        if reason is not None:
            raise ApplicationError(reason, type=Weigering.STAP_NIET_TOEGESTAAN, non_retryable=True)

    @staticmethod
    def _refuse(reason: str) -> ApplicationError:
        return ApplicationError(reason, type=Weigering.STAP_NIET_TOEGESTAAN, non_retryable=True)

    def _check_submittable(self, cmd: Submit) -> None:
        missing = self._formulier.ontbrekende_velden() if self._formulier else ["formulier"]
        if missing:
            raise ApplicationError(
                "Het formulier is nog niet volledig genoeg om aan de ouders voor te leggen.",
                missing,
                type=Weigering.FORMULIER_ONVOLLEDIG,
                non_retryable=True,
            )
        if not cmd.ouders:
            raise self._refuse("Er is geen ouder met gezag bekend om het formulier aan voor te leggen.")

    def _check_content_present(self) -> None:
        if self._state.inhoud_verwijderd_op is not None:
            raise self._refuse("De inhoud van deze overdracht is al verwijderd.")

    def _check_deadline_known(self, cmd: MoveDeadline) -> None:
        if cmd.deadline not in self._state.deadlines:
            raise self._refuse(f"De deadline '{cmd.deadline.value}' is voor deze overdracht (nog) niet bekend.")

    def _consent_step(self, cmd: RecordConsent) -> Stap:
        return Stap.INTREKKEN if cmd.besluit is Besluit.INGETROKKEN else Stap.TOESTEMMING

    def _consents_missing(self) -> int:
        """How many parents' consent is still needed."""
        given = {p for p, b in self._consent.items() if b is Besluit.GEGEVEN}
        if self._config.toestemming_van is ToestemmingVan.EEN_OUDER:
            return 0 if given else 1
        return len(set(self._ouders) - given)

    def _warm_required(self, status: Status) -> bool:
        criteria = self._config.warme_overdracht
        form = self._formulier
        vve = self._input.vve_indicatie or bool(form and form.vve.indicatie)
        zorg = bool(form and any(o.niveau is Niveau.ZORG for o in form.ontwikkeling.values()))
        required = (
            (criteria.bij_vve_indicatie and vve)
            or (criteria.bij_zorg and zorg)
            or (criteria.op_verzoek and self._warm_requested)
        )
        # Settled once the form leaves the PM'er's hands: a purge of the form must not undo it.
        return required if status is Status.CONCEPT else (self._state.warme_overdracht_vereist or required)

    @asynccontextmanager
    async def _step(self, stap: Stap) -> AsyncIterator[None]:
        async with self._lock:
            self._check(stap)
            yield

    async def _notify(
        self,
        soort: BerichtSoort,
        aanleiding: Aanleiding,
        ontvanger: Ontvanger,
        key: str,
        deadline: datetime | None = None,
    ) -> None:
        """Queue a message (once per key, whatever retries or replays), note it in the timeline, and
        deliver it in the background so no step waits for the mail server."""
        aanvraag = BerichtAanvraag(
            overdracht_id=self._state.overdracht_id,
            sleutel=key,
            soort=soort,
            aanleiding=aanleiding,
            ontvanger=ontvanger,
            deadline=deadline,
        )
        bericht_id = await workflow.execute_activity_method(BerichtActivities.queue, aanvraag, **RECORD)
        await self._record(
            Gebeurtenis.BERICHT,
            None,
            details={"soort": soort.value, "aanleiding": aanleiding.value, "ontvanger": ontvanger.value},
        )
        self._deliveries.append(asyncio.create_task(self._deliver(bericht_id)))

    async def _deliver(self, bericht_id: UUID) -> None:
        try:
            await workflow.execute_activity_method(BerichtActivities.deliver, bericht_id, **DELIVER)
        except ActivityError:
            # Refused for good by the mail server: the outbox shows it; the overdracht goes on.
            workflow.logger.warning("message not delivered", extra={"bericht_id": str(bericht_id)})

    async def _record(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        status: Status | None = None,
        formulier: Formulier | None = None,
        reactie: ParentReaction | None = None,
        details: dict[str, str] | None = None,
        toelichting: str | None = None,
        **changes: Any,
    ) -> HandoverState:
        """The one place a change is pushed to everything that shows it: the read model (through an
        idempotent activity) and the search attributes."""
        now = workflow.now()
        new = self._state.model_copy(
            update={"revisie": self._state.revisie + 1, "status": status or self._state.status, **changes}
        )
        new.warme_overdracht_vereist = self._warm_required(new.status)
        new.vve_indicatie = new.vve_indicatie or bool(self._formulier and self._formulier.vve.indicatie)
        # A flag stays in the record, but it is no longer open once its step is taken.
        new.vlaggen = {
            vlag: VlagStatus(gezet_op=v.gezet_op, opgelost_op=now)
            if v.opgelost_op is None and not rules.is_open(rules.DEADLINE_OF[vlag], new)
            else v
            for vlag, v in new.vlaggen.items()
        }
        event = TimelineEvent(
            revisie=new.revisie,
            gebeurtenis=gebeurtenis,
            status=new.status,
            tijdstip=now,
            actor=actor,
            details=details or {},
            toelichting=toelichting,
        )
        await workflow.execute_activity_method(
            ReadModelActivities.record,
            RecordChange(state=new, event=event, formulier=formulier, reactie=reactie),
            **RECORD,
        )
        self._state = new
        if self._input.publish_search_attributes:
            workflow.upsert_search_attributes(
                [
                    search_attributes.STATUS.value_set(new.status.value),
                    search_attributes.LOCATIE.value_set(str(self._input.locatie_id)),
                    search_attributes.SCHOOL.value_set(str(new.school_id))
                    if new.school_id
                    else search_attributes.SCHOOL.value_unset(),
                ]
            )
        return new
