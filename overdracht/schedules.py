"""The service's own Temporal Schedules: work the service does by itself on a clock, never by hand."""

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)

from core.settings import Settings
from workflows.history_cleanup import HistoryCleanupWorkflow

ENGINE_CLEANUP = "overdracht-engine-opruimen"


async def ensure_schedules(client: Client, settings: Settings) -> list[str]:
    """Create what is missing; returns the schedules created now. Safe to repeat."""
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            HistoryCleanupWorkflow.run, id=ENGINE_CLEANUP, task_queue=settings.task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(hours=1))]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
    )
    try:
        await client.create_schedule(ENGINE_CLEANUP, schedule)
    except ScheduleAlreadyRunningError:
        return []
    return [ENGINE_CLEANUP]
