"""The parents' codes outside an overdracht's own workflow: delivering a message with a new code that
the API queued in the outbox (a parent asked for one, or the voorschool sent one), exactly as the
overdracht's own messages are delivered; and the hourly removal of used and expired codes, started by
a Temporal Schedule (overdracht/schedules.py)."""

from uuid import UUID

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.berichten import BerichtActivities
    from activities.ouder_codes import OuderCodeActivities
    from schemas.bericht import BezorgStatus
    from workflows.options import CALL, DELIVER


def bezorging_id(bericht_id: UUID) -> str:
    """One delivery per message: starting it again reaches the same workflow."""
    return f"bericht-{bericht_id}"


@workflow.defn(name="BerichtBezorgingWorkflow")
class BerichtBezorgingWorkflow:
    @workflow.run
    async def run(self, bericht_id: UUID) -> BezorgStatus | None:
        """What became of the message; None when the mail server refused it for good (the outbox shows it)."""
        try:
            status: BezorgStatus = await workflow.execute_activity_method(
                BerichtActivities.deliver, bericht_id, **DELIVER
            )
        except ActivityError:
            workflow.logger.warning("message not delivered", extra={"bericht_id": str(bericht_id)})
            return None
        return status


@workflow.defn(name="OuderCodesOpruimenWorkflow")
class OuderCodesOpruimenWorkflow:
    @workflow.run
    async def run(self) -> int:
        """How many codes it removed this round."""
        removed: int = await workflow.execute_activity_method(OuderCodeActivities.remove_spent, **CALL)
        return removed
