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
from workflows.bundels import BundelWorkflow
from workflows.history_cleanup import HistoryCleanupWorkflow
from workflows.kinderen_opruimen import KinderenOpruimenWorkflow
from workflows.ouder_codes import OuderCodesOpruimenWorkflow

ENGINE_CLEANUP = "overdracht-engine-opruimen"
# Used and expired parents' codes (and old attempts to ask for one) are deleted every hour.
OUDER_CODES_CLEANUP = "overdracht-ouder-codes-opruimen"
# Children's records that never got an overdracht are removed once past keeping, every day.
KINDEREN_CLEANUP = "overdracht-kinderen-opruimen"
# The daily digests of reminders and escalations: every hour, each gemeente's go out at its hour.
DIGESTS = "overdracht-berichtbundels"
HOURLY, DAILY = timedelta(hours=1), timedelta(days=1)


async def ensure_schedules(client: Client, settings: Settings) -> list[str]:
    """Create what is missing; returns the schedules created now. Safe to repeat."""
    created = []
    for schedule_id, run, every in (
        (ENGINE_CLEANUP, HistoryCleanupWorkflow.run, HOURLY),
        (OUDER_CODES_CLEANUP, OuderCodesOpruimenWorkflow.run, HOURLY),
        (KINDEREN_CLEANUP, KinderenOpruimenWorkflow.run, DAILY),
        (DIGESTS, BundelWorkflow.run, HOURLY),
    ):
        schedule = Schedule(
            action=ScheduleActionStartWorkflow(run, id=schedule_id, task_queue=settings.task_queue),
            spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
            policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
        )
        try:
            await client.create_schedule(schedule_id, schedule)
        except ScheduleAlreadyRunningError:
            continue
        created.append(schedule_id)
    return created
