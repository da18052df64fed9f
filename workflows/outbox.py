"""The workflow's messages: queued once in the outbox, noted in the timeline, delivered in the background."""

import asyncio
from datetime import datetime
from typing import Protocol
from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.berichten import BerichtActivities
    from schemas.bericht import Aanleiding, BerichtAanvraag, BerichtSoort, Ontvanger
    from schemas.overdracht import Gebeurtenis
    from schemas.workflow import Record
    from workflows.options import DELIVER, RECORD


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
    """Given the overdracht and how to record. `notify` is called under the workflow's lock, as every
    change is; the deliveries run apart from it."""

    def __init__(self, overdracht_id: UUID, record: Record) -> None:
        self._overdracht_id = overdracht_id
        self._record = record
        # The workflow awaits these before it ends.
        self.deliveries: list[asyncio.Task[None]] = []

    async def notify(
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
            overdracht_id=self._overdracht_id,
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
        self.deliveries.append(asyncio.create_task(self._deliver(bericht_id)))

    async def _deliver(self, bericht_id: UUID) -> None:
        try:
            await workflow.execute_activity_method(BerichtActivities.deliver, bericht_id, **DELIVER)
        except ActivityError:
            # Refused for good by the mail server: the outbox shows it; the overdracht goes on.
            workflow.logger.warning("message not delivered", extra={"bericht_id": str(bericht_id)})
