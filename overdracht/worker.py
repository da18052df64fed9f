"""The worker process: runs the workflows and activities of the overdracht task queue."""

import asyncio
import logging
import signal
from collections.abc import Sequence

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from activities.berichten import BerichtActivities
from activities.bundels import BundelActivities
from activities.hartslag import Hartslag
from activities.history_cleanup import HistoryCleanupActivities
from activities.imports import ImportActivities
from activities.kinderen_opruimen import KinderenOpruimenActivities
from activities.ouder_codes import OuderCodeActivities
from activities.read_model import ReadModelActivities
from core.mailer import Mailer
from core.settings import Settings
from core.temporal import connect
from db.pool import create_pool
from services.context import Clients
from workflows.bundels import BundelWorkflow
from workflows.handover import HandoverWorkflow
from workflows.history_cleanup import HistoryCleanupWorkflow
from workflows.imports import PlaatsingenImportWorkflow
from workflows.kinderen_opruimen import KinderenOpruimenWorkflow
from workflows.ouder_codes import BerichtBezorgingWorkflow, OuderCodesOpruimenWorkflow

log = logging.getLogger(__name__)

WORKFLOWS: Sequence[type] = (
    HandoverWorkflow,
    HistoryCleanupWorkflow,
    BerichtBezorgingWorkflow,
    OuderCodesOpruimenWorkflow,
    KinderenOpruimenWorkflow,
    PlaatsingenImportWorkflow,
    BundelWorkflow,
)


def build_worker(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    task_queue: str | None = None,
    workflow_failure_exception_types: Sequence[type[BaseException]] = (),
) -> Worker:
    """The one place that decides what a worker runs; tests build theirs here too (and make any
    exception fail a workflow, with `workflow_failure_exception_types=[Exception]`)."""
    berichten = BerichtActivities(pool, Mailer.from_settings(settings), settings)
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=list(WORKFLOWS),
        activities=[
            *ReadModelActivities(pool).all(),
            *berichten.all(),
            *BundelActivities(pool, settings).all(),
            *HistoryCleanupActivities(pool, client).all(),
            *OuderCodeActivities(pool).all(),
            *KinderenOpruimenActivities(pool, client).all(),
            *ImportActivities(Clients(pool, client, settings)).all(),
        ],
        interceptors=[Hartslag()],
        workflow_failure_exception_types=workflow_failure_exception_types,
    )


async def _connect_when_ready(settings: Settings) -> Client:
    """In a fresh stack the engine may start after the worker: wait for it rather than crash."""
    delay = 0.5
    while True:
        try:
            return await connect(settings)
        except RuntimeError as exc:  # the SDK reports a refused connection as RuntimeError
            log.warning("engine not reachable yet, retrying", extra={"error": str(exc)[:200]})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)


async def run_worker(settings: Settings) -> None:
    client = await _connect_when_ready(settings)
    pool = await create_pool(settings.effective_database_url())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with build_worker(client, pool, settings):
            log.info("worker started on task queue %s", settings.task_queue)
            await stop.wait()
    finally:
        await pool.close()
    log.info("worker stopped")
