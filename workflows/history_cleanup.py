"""HistoryCleanupWorkflow: one round of deleting purged overdrachten' histories from the engine, run
every hour by a Temporal Schedule (overdracht/schedules.py), never by hand; the round also keeps the
audit trail's monthly partitions (activities/history_cleanup.py `audit_partitions`)."""

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.history_cleanup import HistoryCleanupActivities
    from workflows.options import CALL

BATCH = 200


# Named as it was first deployed: the hourly Schedule starts it by this name.
@workflow.defn(name="EngineCleanupWorkflow")
class HistoryCleanupWorkflow:
    @workflow.run
    async def run(self) -> int:
        """How many histories it deleted this round."""
        ids = await workflow.execute_activity_method(HistoryCleanupActivities.purged, BATCH, **CALL)
        deleted = 0
        for overdracht_id in ids:
            deleted += await workflow.execute_activity_method(
                HistoryCleanupActivities.delete_history, overdracht_id, **CALL
            )
        # The same hourly round keeps the audit trail's partitions (the coming months', the retention term).
        # A few tries, and never at the cost of the round: its DEFAULT partition keeps every row meanwhile.
        if workflow.patched("audit-partities"):
            try:
                await workflow.execute_activity_method(
                    HistoryCleanupActivities.audit_partitions,
                    start_to_close_timeout=CALL["start_to_close_timeout"],
                    heartbeat_timeout=CALL["heartbeat_timeout"],
                    retry_policy=RetryPolicy(maximum_attempts=3),
                )
            except ActivityError:
                workflow.logger.warning("audit partitions not kept this round")
        return deleted
