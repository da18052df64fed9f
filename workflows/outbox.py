"""The workflow's messages: queued once in the outbox and noted in the timeline (in one call, one
transaction, since Patch.LOKAAL_VASTLEGGEN), delivered in the background: by an activity of its own, or,
queued in the run's own first task (an opening by the import), in that task (Patch.BEZORGEN_IN_DE_TAAK)."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.berichten import BerichtActivities
    from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, Ontvanger
    from schemas.overdracht import Gebeurtenis
    from schemas.workflow import Actor, HandoverState, QueueAndRecord, Record, RecordChange
    from workflows import recording
    from workflows.options import DELIVER, DELIVER_LOCALLY, RECORD
    from workflows.patches import Patch


class Change(Protocol):
    """How the workflow computes a change without writing it (HandoverWorkflow._change)."""

    def __call__(
        self,
        gebeurtenis: Gebeurtenis,
        actor: Actor | None,
        *,
        details: dict[str, str] | None = None,
        van: HandoverState | None = None,
    ) -> RecordChange: ...


class Notify(Protocol):
    async def __call__(
        self,
        soort: BerichtSoort,
        aanleiding: Aanleiding,
        ontvanger: Ontvanger,
        key: str,
        deadline: datetime | None = None,
    ) -> None: ...


class Outbox:
    """Given the overdracht and how to record: a change written on its own (`record`), or computed
    (`change`) to be written with the message and then made the workflow's state (`commit`), and which
    patches the run has (`patched`: Patch.LOKAAL_VASTLEGGEN says whether it does the latter). `notify` is
    called under the workflow's lock, as every change is; the deliveries run apart from it."""

    def __init__(
        self,
        overdracht_id: UUID,
        record: Record,
        change: Change,
        commit: Callable[[HandoverState], object],
        patched: Callable[[str], bool],
    ) -> None:
        self._overdracht_id = overdracht_id
        self._record = record
        self._change = change
        self._commit = commit
        # Whether the run has a patch (workflows/patches.py), LOKAAL_VASTLEGGEN among them: it queues and
        # records in one local call.
        self._patched = patched
        # The workflow awaits these before it ends.
        self.deliveries: list[asyncio.Task[None]] = []

    async def notify(
        self,
        soort: BerichtSoort,
        aanleiding: Aanleiding,
        ontvanger: Ontvanger,
        key: str,
        deadline: datetime | None = None,
        *,
        na: RecordChange | None = None,
        direct: bool = False,
    ) -> None:
        """Queue a message (once per key, whatever retries or replays), note it in the timeline, and
        deliver it in the background so no step waits for the mail server. With `na`, a change not yet
        written (the opening) is written first, in the same call, and the message comes after it: by an
        ordinary activity once the engine has recorded the task, or with `direct` in this task (a local
        activity, workflows/recording.py), only for a change the engine cannot forget (made in the run
        itself, not in an update)."""
        aanvraag = BerichtAanvraag(
            overdracht_id=self._overdracht_id,
            sleutel=key,
            soort=soort,
            aanleiding=aanleiding,
            ontvanger=ontvanger,
            deadline=deadline,
        )
        details = {"soort": soort.value, "aanleiding": aanleiding.value, "ontvanger": ontvanger.value}
        here = False
        if na is not None:
            # Only runs with Patch.OPENEN_MET_BERICHT pass `na`: they queue after the engine accepted the
            # step, or (`direct`) in the run's own first task, which the engine cannot forget.
            change = self._change(Gebeurtenis.BERICHT, None, details=details, van=na.state)
            request = QueueAndRecord(aanvraag=aanvraag, change=change, eerder=[na])
            if direct:
                bericht_id = await recording.write(BerichtActivities.queue_and_record, request)
            else:
                bericht_id = await workflow.execute_activity_method(
                    BerichtActivities.queue_and_record, request, **RECORD
                )
            self._commit(change.state)
            # Queued in this task, which the engine cannot forget: delivered in it too, as a local
            # activity. An ordinary activity would cost the engine a task, its start and completion,
            # and a workflow task after it: most of an imported child's opening (issue 14).
            here = direct and self._patched(Patch.BEZORGEN_IN_DE_TAAK)
        elif self._patched(Patch.LOKAAL_VASTLEGGEN):
            change = self._change(Gebeurtenis.BERICHT, None, details=details)
            request = QueueAndRecord(aanvraag=aanvraag, change=change)
            if self._patched(Patch.BERICHT_NA_AANVAARDING):
                # An ordinary activity, scheduled once the engine has recorded the task that took the step:
                # a step the engine then forgets leaves no message queued that nobody delivers.
                bericht_id = await workflow.execute_activity_method(
                    BerichtActivities.queue_and_record, request, **RECORD
                )
            else:
                bericht_id = await recording.write(BerichtActivities.queue_and_record, request)
            self._commit(change.state)
        else:
            bericht_id = await workflow.execute_activity_method(BerichtActivities.queue, aanvraag, **RECORD)
            await self._record(Gebeurtenis.BERICHT, None, details=details)
        self.deliveries.append(asyncio.create_task(self._deliver(bericht_id, here=here)))

    async def _deliver(self, bericht_id: UUID, *, here: bool = False) -> None:
        """By an activity of its own; `here`, in this workflow task (recording.write: a local attempt,
        then DELIVER's). Either way at most once (BerichtActivities.deliver): should the task be run
        again, the delivery is too, and finds the message sent, or its start noted (ONZEKER)."""
        try:
            if here:
                await recording.write(BerichtActivities.deliver, bericht_id, locally=DELIVER_LOCALLY, then=DELIVER)
            else:
                await workflow.execute_activity_method(BerichtActivities.deliver, bericht_id, **DELIVER)
        except (ActivityError, ApplicationError):
            # Refused for good by the mail server: the outbox shows it; the overdracht goes on.
            workflow.logger.warning("message not delivered", extra={"bericht_id": str(bericht_id)})
