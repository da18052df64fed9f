"""The bare baseline every engine scenario is measured against: what the same Temporal server, in the same
run, does for a workflow that does nothing but wait for one update (issue 14). A scenario's figure is
then a ratio to this one, so that the machine's speed and load divide out.

    python -m bench.bare              # on its own stack: start+update/s at concurrency 16, update latencies
    python -m bench.bare --tiny       # a few of each: that it runs

`BareWorkflow` is defined here and runs on a task queue of its own (`overdracht-bench-bare`), with its
own Worker in the bench process, against the scenario's dev server and with the service's data
converter (payloads encrypted as the service's are). `measure` gives:

- start+update: `count` workflows, each started and sent its one update, `concurrency` at a time (as
  the service's `start_handover` does: start_workflow, then execute_update): workflows per second;
- the update's latency (execute_update on a started workflow past its first task, until its answer):
  p50/p99 one at a time and 8 at a time."""

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from typing import Any
from uuid import uuid4

from temporalio import workflow
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from bench import BenchError, Latency, arguments, fail, in_lanes, own_stack, write_results
from core.settings import Settings
from core.temporal import connect

NAME = "bare"
TASK_QUEUE = "overdracht-bench-bare"
CONCURRENT = 8  # the "at concurrency 8"
# Full and tiny sizes: workflows for the start+update rate, and updates per latency measurement.
STARTS, TINY_STARTS = 1000, 16
UPDATES, TINY_UPDATES = 400, 8


@workflow.defn(name="BenchBare", sandboxed=False)  # nothing to guard: it only waits
class BareWorkflow:
    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def step(self, n: int) -> int:
        self._done = True
        return n

    @workflow.query
    def started(self) -> bool:
        """Answered once the run's first task has run (bench.bare's update_latency waits for it)."""
        return True


@dataclass(frozen=True)
class Bare:
    concurrency: int  # of the start+update rate
    starts: int
    start_update_per_s: float
    update_sequential: Latency
    update_concurrent: Latency  # at CONCURRENT


@asynccontextmanager
async def bare_worker(settings: Settings) -> AsyncIterator[Client]:
    """A client with the service's data converter, and BareWorkflow's worker on its own task queue."""
    client = await connect(settings)
    async with Worker(client, task_queue=TASK_QUEUE, workflows=[BareWorkflow]):
        yield client


async def _start(client: Client) -> WorkflowHandle[BareWorkflow, None]:
    return await client.start_workflow(BareWorkflow.run, id=f"bench-bare-{uuid4()}", task_queue=TASK_QUEUE)


async def start_update_rate(client: Client, count: int, concurrency: int) -> float:
    """Workflows started and updated per second, `concurrency` at a time."""

    async def one(i: int) -> None:
        handle = await _start(client)
        await handle.execute_update(BareWorkflow.step, i)

    began = time.perf_counter()
    await in_lanes(count, concurrency, one)
    return round(count / (time.perf_counter() - began), 1)


async def update_latency(client: Client, count: int, concurrency: int) -> Latency:
    """execute_update's time on workflows started beforehand, each past its first task (neither the start
    nor that task is timed): as a scenario's updates go to overdrachten opened long before. An update to
    a run whose first task has not run yet waits for it: measured 2026-12-03, 8 at a time, p99 1.55–1.96 s
    against 0.12–0.13 s once each had answered a query (docs/performance.md)."""
    handles: list[WorkflowHandle[BareWorkflow, None]] = []

    async def start(_: int) -> None:
        handle = await _start(client)
        await handle.query(BareWorkflow.started)
        handles.append(handle)

    await in_lanes(count, CONCURRENT, start)
    return Latency.of(await in_lanes(count, concurrency, lambda i: handles[i].execute_update(BareWorkflow.step, i)))


async def measure(settings: Settings, *, tiny: bool, concurrency: int, starts: int | None = None) -> Bare:
    """The baseline on `settings`' engine: start+update/s at `concurrency`, update p50/p99 at 1 and 8."""
    starts = starts or (TINY_STARTS if tiny else STARTS)
    updates = TINY_UPDATES if tiny else UPDATES
    async with bare_worker(settings) as client:
        await start_update_rate(client, min(starts, 2 * concurrency), concurrency)  # to warm up
        rate = await start_update_rate(client, starts, concurrency)
        sequential = await update_latency(client, updates, 1)
        concurrent = await update_latency(client, updates, CONCURRENT)
    return Bare(concurrency, starts, rate, sequential, concurrent)


def as_json(bare: Bare) -> dict[str, Any]:
    return asdict(bare)


def table(bare: Bare) -> str:
    return "\n".join(
        [
            f"bare baseline: {bare.starts} workflows started+updated at concurrency {bare.concurrency}:"
            f" {bare.start_update_per_s}/s",
            f"bare update latency, sequential:    p50 {bare.update_sequential.p50_ms} ms"
            f"  p99 {bare.update_sequential.p99_ms} ms  (n {bare.update_sequential.n})",
            f"bare update latency, concurrency {CONCURRENT}: p50 {bare.update_concurrent.p50_ms} ms"
            f"  p99 {bare.update_concurrent.p99_ms} ms  (n {bare.update_concurrent.n})",
        ]
    )


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--concurrency", type=int, default=16, help="of the start+update rate (default 16)")
    args = parser.parse_args(argv)
    try:
        async with own_stack(args.workdir, say=lambda _: None) as settings:
            bare = await measure(settings, tiny=args.tiny, concurrency=args.concurrency)
    except BenchError as exc:
        return fail(str(exc))
    print(table(bare))
    write_results(args.out, NAME, {"mode": "tiny" if args.tiny else "full", "bare": as_json(bare)})
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())
