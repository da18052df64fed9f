"""HandoverWorkflow: one overdracht's life, each step a validated update, each change recorded."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.read_model import ReadModelActivities
    from schemas.formulier import Formulier
    from schemas.overdracht import Besluit, Gebeurtenis, Status
    from schemas.workflow import (
        Actor,
        ChooseSchool,
        ConfirmReceipt,
        HandoverInput,
        HandoverState,
        Open,
        RecordChange,
        RecordConsent,
        SaveForm,
        Send,
        Submit,
        TimelineEvent,
    )
    from workflows import search_attributes
    from workflows.lifecycle import EINDSTATUSSEN, Stap, Weigering, refusal

# Recording waits out a database outage: retried without limit, so a step once accepted is never lost.
RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))
# A workflow started but never opened (its caller crashed in between) ends by itself, having written nothing.
UNOPENED_TIMEOUT = timedelta(days=1)


def workflow_id(overdracht_id: object) -> str:
    """Opaque by construction: never a name or a BSN."""
    return f"overdracht-{overdracht_id}"


@workflow.defn
class HandoverWorkflow:
    @workflow.init
    def __init__(self, input: HandoverInput) -> None:
        self._input = input
        self._state = HandoverState(
            overdracht_id=input.overdracht_id,
            kind_id=input.kind_id,
            gemeente_id=input.gemeente_id,
            locatie_id=input.locatie_id,
            status=Status.CONCEPT,
            school_id=input.school_id,
        )
        self._formulier: Formulier | None = None
        # Handlers await activities; the lock keeps steps from interleaving.
        self._lock = asyncio.Lock()

    @workflow.run
    async def run(self, input: HandoverInput) -> HandoverState:
        try:
            await workflow.wait_condition(lambda: self._opened, timeout=UNOPENED_TIMEOUT)
        except TimeoutError:
            return self._state
        await workflow.wait_condition(lambda: self._state.status in EINDSTATUSSEN)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    @workflow.query
    def state(self) -> HandoverState:
        return self._state

    @workflow.update
    async def open(self, cmd: Open) -> HandoverState:
        """The first step, and idempotent: opening an open overdracht returns it as it is. Its record
        creates the read model's row, so the overdracht exists for readers only once it truly does."""
        async with self._lock:
            if not self._opened:
                await self._record(Gebeurtenis.GEOPEND, cmd.actor, geopend_op=workflow.now())
            return self._state

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
            self._check_form_complete()
            return await self._record(
                Gebeurtenis.INGEDIEND, cmd.actor, status=Status.BIJ_OUDERS, ingediend_op=workflow.now()
            )

    @submit.validator
    def _validate_submit(self, cmd: Submit) -> None:
        self._check(Stap.INDIENEN)
        self._check_form_complete()

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
    async def record_consent(self, cmd: RecordConsent) -> HandoverState:
        async with self._step(Stap.TOESTEMMING):
            if cmd.besluit is Besluit.GEWEIGERD:
                return await self._record(Gebeurtenis.TOESTEMMING_GEWEIGERD, cmd.actor, status=Status.GEWEIGERD)
            school_known = self._state.school_id is not None
            return await self._record(
                Gebeurtenis.TOESTEMMING_GEGEVEN,
                cmd.actor,
                status=Status.GEREED_VOOR_VERZENDING if school_known else Status.WACHT_OP_SCHOOL,
                toestemming_op=workflow.now(),
            )

    @record_consent.validator
    def _validate_record_consent(self, cmd: RecordConsent) -> None:
        self._check(Stap.TOESTEMMING)

    @workflow.update
    async def send(self, cmd: Send) -> HandoverState:
        async with self._step(Stap.VERZENDEN):
            return await self._record(
                Gebeurtenis.VERZONDEN, cmd.actor, status=Status.VERZONDEN, verzonden_op=workflow.now()
            )

    @send.validator
    def _validate_send(self, cmd: Send) -> None:
        self._check(Stap.VERZENDEN)

    @workflow.update
    async def confirm_receipt(self, cmd: ConfirmReceipt) -> HandoverState:
        async with self._step(Stap.ONTVANGST_BEVESTIGEN):
            await self._record(
                Gebeurtenis.ONTVANGST_BEVESTIGD,
                cmd.actor,
                status=Status.ONTVANGEN,
                ontvangen_op=workflow.now(),
                eerste_schooldag=cmd.eerste_schooldag,
            )
            # Without a warme overdracht to hold, receipt completes the overdracht.
            return await self._record(Gebeurtenis.AFGEROND, None, status=Status.AFGEROND, afgerond_op=workflow.now())

    @confirm_receipt.validator
    def _validate_confirm_receipt(self, cmd: ConfirmReceipt) -> None:
        self._check(Stap.ONTVANGST_BEVESTIGEN)

    # Internals

    @property
    def _opened(self) -> bool:
        return self._state.geopend_op is not None

    def _check(self, stap: Stap) -> None:
        if not self._opened:
            reason: str | None = "De overdracht is nog niet geopend."
        else:
            reason = refusal(stap, self._state.status)
        if reason is not None:
            raise ApplicationError(reason, type=Weigering.STAP_NIET_TOEGESTAAN, non_retryable=True)

    def _check_form_complete(self) -> None:
        missing = self._formulier.ontbrekende_velden() if self._formulier else ["formulier"]
        if missing:
            raise ApplicationError(
                "Het formulier is nog niet volledig genoeg om aan de ouders voor te leggen.",
                missing,
                type=Weigering.FORMULIER_ONVOLLEDIG,
                non_retryable=True,
            )

    @asynccontextmanager
    async def _step(self, stap: Stap) -> AsyncIterator[None]:
        async with self._lock:
            self._check(stap)
            yield

    async def _record(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        status: Status | None = None,
        formulier: Formulier | None = None,
        **changes: object,
    ) -> HandoverState:
        """The one place a change is pushed to everything that shows it: the read model (through an
        idempotent activity) and the search attributes."""
        new = self._state.model_copy(
            update={"revisie": self._state.revisie + 1, "status": status or self._state.status, **changes}
        )
        event = TimelineEvent(
            revisie=new.revisie,
            gebeurtenis=gebeurtenis,
            status=new.status,
            tijdstip=workflow.now(),
            actor=actor,
        )
        await workflow.execute_activity_method(
            ReadModelActivities.record,
            RecordChange(state=new, event=event, formulier=formulier),
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
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
