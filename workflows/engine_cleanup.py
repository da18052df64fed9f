"""EngineCleanupWorkflow: one round of deleting purged overdrachten' histories from the engine, run
every hour by a Temporal Schedule (overdracht/schedules.py), never by hand."""

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.engine_cleanup import EngineCleanupActivities

BATCH = 200
CALL = {"start_to_close_timeout": timedelta(minutes=1)}


@workflow.defn
class EngineCleanupWorkflow:
    @workflow.run
    async def run(self) -> int:
        """How many histories it deleted this round."""
        ids = await workflow.execute_activity_method(EngineCleanupActivities.purged, BATCH, **CALL)
        deleted = 0
        for overdracht_id in ids:
            deleted += await workflow.execute_activity_method(
                EngineCleanupActivities.delete_history, overdracht_id, **CALL
            )
        return deleted
