"""KinderenOpruimenWorkflow: one round of removing the records of children that never got an overdracht
and are past keeping (activities/kinderen_opruimen.py), run every day by a Temporal Schedule
(overdracht/schedules.py), never by hand."""

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.kinderen_opruimen import KinderenOpruimenActivities
    from workflows.options import CALL

# Per gemeente per round; a larger backlog is taken by the next rounds.
BATCH = 500


@workflow.defn(name="KinderenOpruimenWorkflow")
class KinderenOpruimenWorkflow:
    @workflow.run
    async def run(self) -> int:
        """How many children's records it removed this round."""
        ids = await workflow.execute_activity_method(KinderenOpruimenActivities.past_keeping, BATCH, **CALL)
        removed = 0
        for kind_id in ids:
            removed += await workflow.execute_activity_method(KinderenOpruimenActivities.remove, kind_id, **CALL)
        return removed
