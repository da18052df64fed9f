"""HistoryCleanupWorkflow: one round of deleting purged overdrachten' histories from the engine, run
every hour by a Temporal Schedule (overdracht/schedules.py), never by hand."""

from temporalio import workflow

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
        return deleted
