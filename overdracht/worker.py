"""The worker process: runs the workflows and activities of the overdracht task queue.

No sandbox. The SDK's default runner imports a workflow's modules afresh for every run inside a
sandbox that checks, at run time, what the code calls (the clock, randomness, I/O). The project's
workflow modules were passed through that sandbox from early on (importing HandoverWorkflow's took ~150
ms of CPU per run), so the check no longer reached them; what was left of the sandbox was its cost: a
code string run with `exec` for every new run and for the serialization context of every payload the
codec visits (temporalio 1.35, workflow_sandbox/_runner.py), ~15 % of the worker's busy thread during an
import (docs/performance.md). The worker runs workflows without it (`UnsandboxedWorkflowRunner`). What
keeps the workflows deterministic: their modules hold only constants, the code reaches time and ids
through `workflow.*` only, and tests/test_replay.py replays every path's saved history in the SDK's
default, strict sandbox (the Replayer's runner), which fails on any call the sandbox forbids.

One thread runs the workflows' code (Settings.worker_workflow_threads). The SDK's default is a thread
per workflow task it may hold (20), but workflow code is pure Python and takes turns at the interpreter's
lock with every other thread: 20 threads run no faster than one, and contend for that lock with the
event loop that runs the activities and the engine's traffic. With one, an import of 3,000 children
costs a fifth less CPU in all processes together, and takes a fifth less time (docs/performance.md,
issue 14). A workflow task waits its turn in the thread's queue instead of at the lock, so
the SDK's deadlock timer (2 s for a task) is met as before: twenty tasks of 100 ms each end by 2 s
either way, and with one thread the first of them ends after 100 ms rather than all of them near 2 s.

The event loop is uvloop's: the worker's one thread spends much of an import in its sockets (PostgreSQL,
the engine's answers), which uvloop serves with less Python (docs/performance.md).

The cache (Settings.worker_max_cached_workflows) is what the worker's memory follows: a workflow past it
is evicted and replayed from its history at its next task, which costs milliseconds.
The concurrency limits keep a burst (an import opening hundreds at once) from holding more tasks than
two cores and the pool's 10 connections can serve."""

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import signal
from collections.abc import Sequence
from contextlib import AsyncExitStack

import asyncpg
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.berichten import BerichtActivities
from activities.bundels import BundelActivities
from activities.hartslag import Hartslag
from activities.history_cleanup import HistoryCleanupActivities
from activities.imports import ImportActivities
from activities.kinderen_opruimen import KinderenOpruimenActivities
from activities.ouder_codes import OuderCodeActivities
from activities.read_model import ReadModelActivities
from core.heap import freeze_startup_objects
from core.mailer import Mailer
from core.settings import Settings
from core.temporal import Engine, connect, namespace_exists
from db import namespaces
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


# No sandbox (see above); tests/test_replay.py replays in the strict one.
RUNNER = UnsandboxedWorkflowRunner()


# The name of each thread that runs workflows' code.
WORKFLOW_THREAD = "overdracht-workflows"


@functools.cache
def _workflow_threads(threads: int) -> concurrent.futures.ThreadPoolExecutor:
    """The threads that run the workflows' code (see above): one pool per process, whatever number of
    workers it builds (a test builds several); it lives as long as the process."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix=WORKFLOW_THREAD)


def build_worker(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    engine: Engine | None = None,
    task_queue: str | None = None,
    workflow_failure_exception_types: Sequence[type[BaseException]] = (),
) -> Worker:
    """The one place that decides what a worker runs; tests build theirs here too (and make any
    exception fail a workflow, with `workflow_failure_exception_types=[Exception]`).

    It polls `client`'s namespace; `engine` (default: `client` as the home namespace) is how its
    activities reach a gemeente's workflows in another one."""
    engine = engine or Engine(client, settings)
    berichten = BerichtActivities(pool, Mailer.from_settings(settings), settings)
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=list(WORKFLOWS),
        activities=[
            *ReadModelActivities(pool).all(),
            *berichten.all(),
            *BundelActivities(pool, settings).all(),
            *HistoryCleanupActivities(pool, engine).all(),
            *OuderCodeActivities(pool).all(),
            *KinderenOpruimenActivities(pool, engine).all(),
            *ImportActivities(Clients(pool, engine, settings)).all(),
        ],
        interceptors=[Hartslag()],
        workflow_failure_exception_types=workflow_failure_exception_types,
        workflow_runner=RUNNER,
        workflow_task_executor=_workflow_threads(settings.worker_workflow_threads),
        max_cached_workflows=settings.worker_max_cached_workflows,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.worker_max_concurrent_activities,
        max_concurrent_local_activities=settings.worker_max_concurrent_local_activities,
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


# How often a running worker looks for a gemeente namespace made since it started.
NAMESPACES_EVERY = 30.0


async def _poll_namespaces(
    engine: Engine, pool: asyncpg.Pool, settings: Settings, stack: AsyncExitStack, running: set[str]
) -> None:
    """A worker for every gemeente namespace the engine has and this process does not poll yet. One the
    engine does not have yet waits for `overdracht setup-engine` (or `overdracht beheerder`) to make it."""
    for namespace in await namespaces.of_gemeenten(pool):
        if namespace in running:
            continue
        if not await namespace_exists(engine.home, namespace):
            log.warning("gemeente namespace not in the engine yet: run `overdracht setup-engine`")
            continue
        await stack.enter_async_context(build_worker(engine.client(namespace), pool, settings, engine=engine))
        running.add(namespace)
        log.info("worker started on a gemeente namespace", extra={"namespaces": len(running)})


async def run_worker(settings: Settings) -> None:
    client = await _connect_when_ready(settings)
    engine = Engine(client, settings)
    pool = await create_pool(settings.effective_database_url())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(build_worker(client, pool, settings, engine=engine))
            freeze_startup_objects()  # the workflows and activities are loaded: core/heap.py
            log.info("worker started on task queue %s", settings.task_queue)
            running: set[str] = set()
            while not stop.is_set():
                try:
                    await _poll_namespaces(engine, pool, settings, stack, running)
                except Exception as exc:  # noqa: BLE001 - the database or engine is away: try again later
                    log.warning("gemeente namespaces not checked", extra={"error_type": type(exc).__name__})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), NAMESPACES_EVERY)
    finally:
        await pool.close()
    log.info("worker stopped")
