"""BundelWorkflow: every hour (a Temporal Schedule, overdracht/schedules.py), the daily digests that are
due are made and delivered, each at most once, as every message is (activities/berichten.py)."""

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.berichten import BerichtActivities
    from activities.bundels import BundelActivities
    from workflows.options import DELIVER, RECORD, Options


# Making the day's digests is one transaction per reader, so it may take longer than recording one change.
MAKE: Options = {**RECORD, "start_to_close_timeout": timedelta(minutes=5)}


@workflow.defn(name="BundelWorkflow")
class BundelWorkflow:
    @workflow.run
    async def run(self) -> int:
        """How many digests it delivered (or found delivered)."""
        ids = await workflow.execute_activity_method(BundelActivities.make, **MAKE)
        delivered = 0
        for bericht_id in ids:
            try:
                await workflow.execute_activity_method(BerichtActivities.deliver, bericht_id, **DELIVER)
                delivered += 1
            except ActivityError:
                workflow.logger.warning("digest not delivered", extra={"bericht_id": str(bericht_id)})
        return delivered
