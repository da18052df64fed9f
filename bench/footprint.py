"""P4 of issue 14: the memory of a worker process with 10,000 open overdrachten, and of an API process
after some requests.

    python -m bench.footprint               # 10,000 open overdrachten
    python -m bench.footprint --open 3000   # fewer
    python -m bench.footprint --tiny        # 100: that it runs

It starts its own stack with the demo data (bench.own_stack), then, on a task queue of their own, the
service's processes as production runs them: `overdracht worker` and `overdracht api` (one process:
OVERDRACHT_API_WORKERS=1), each a subprocess of the bench, so that their memory is theirs alone (the
stack's own worker, in the bench process, only loaded the demo data and polls another queue). The
overdrachten are opened as a gemeente opens them: De Boomhut's locatiemanager uploads a file of N
made-up children past 3½ to the API subprocess (`POST /v1/imports/plaatsingen`), and the worker
subprocess runs the job; each child's HandoverWorkflow then waits in CONCEPT (its timers set).

When the job is done, the worker is left until it is idle (under 5 % of a core for 3 s), and its RSS is
read from /proc (the process and any children). The API is then asked 300 reads (the PM'er's and the
coördinator's lists, a few overdrachten's details) and its RSS read likewise. Goals (a full run exits 1
when one is missed): worker ≤ 300 MB with 10,000 open, API ≤ 150 MB."""

import asyncio
import os
import sys
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

import httpx

from bench import BenchError, arguments, bearer, fail, log_to_file, own_stack, rss_mb, service_processes, write_results
from bench.imports import IMPORTER, import_children
from core.settings import Settings
from core.temporal import connect
from overdracht import demo

NAME = "footprint"
TASK_QUEUE = "overdracht-bench-footprint"
OPEN, TINY_OPEN = 10_000, 100
READS, TINY_READS = 300, 30
GOAL_WORKER_MB, GOAL_API_MB = 300.0, 150.0
IDLE_CPU, IDLE_SECONDS = 0.05, 3.0
READY_WITHIN = 120.0  # seconds for a process to start on a busy machine


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def until_idle(pid: int, within: float) -> float:
    """Wait until `pid` used under IDLE_CPU of a core for IDLE_SECONDS; the seconds waited."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        before = cpu_seconds(pid)
        await asyncio.sleep(IDLE_SECONDS)
        if (cpu_seconds(pid) - before) / IDLE_SECONDS < IDLE_CPU:
            break
    return round(time.monotonic() - began, 1)


async def open_workflows(settings: Settings) -> int | None:
    """The running workflows on the scenario's task queue, as the engine counts them (None: it cannot)."""
    try:
        client = await connect(settings)
        count = await client.count_workflows(f"TaskQueue = '{TASK_QUEUE}' AND ExecutionStatus = 'Running'")
        return count.count
    except Exception:  # noqa: BLE001 - a figure for the table, not the measurement: leave it out
        return None


async def reads(api: httpx.AsyncClient, count: int) -> None:
    """The PM'er's and the coördinator's lists, and the details of a page of overdrachten."""
    pm = await bearer(api, demo.PM_USER[demo.BOOMHUT])
    coordinator = await bearer(api, demo.COORDINATOR)
    listed = await api.get("/v1/overdrachten?pageSize=25", headers=pm)
    if listed.status_code != 200:
        raise BenchError(f"the list was answered HTTP {listed.status_code}")
    paths = [f"/v1/overdrachten/{o['id']}" for o in listed.json()["resultaten"]]
    asks = [("/v1/overdrachten?pageSize=25", pm), ("/v1/overdrachten?pageSize=100", coordinator)]
    asks += [(path, pm) for path in paths]
    for i in range(count):
        path, headers = asks[i % len(asks)]
        r = await api.get(path, headers=headers)
        if r.status_code != 200:
            raise BenchError(f"a read was answered HTTP {r.status_code}")


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--open", type=int, default=None, help=f"overdrachten to open (default {OPEN:,})")
    args = parser.parse_args(argv)
    n = args.open or (TINY_OPEN if args.tiny else OPEN)
    log = args.out.with_suffix(".log")
    log_to_file(Settings(), log)
    results: dict[str, Any] = {"mode": "tiny" if args.tiny else "full", "open_requested": n}
    try:
        async with AsyncExitStack() as stack:
            stack_settings = await stack.enter_async_context(own_stack(args.workdir, say=lambda _: None))
            services = await stack.enter_async_context(service_processes(stack_settings, TASK_QUEUE, log))
            settings, worker, api_proc, api = services.settings, services.worker, services.api_process, services.api
            await until_idle(worker.pid, READY_WITHIN)
            results["worker_rss_mb_at_start"] = rss_mb(worker.pid)
            results["api_rss_mb_at_start"] = rss_mb(api_proc.pid)
            run = await import_children(api, await bearer(api, IMPORTER), n, "footprint")
            results["import_seconds"] = run.seconds
            results["idle_after_s"] = await until_idle(worker.pid, 600)
            results["open_workflows"] = await open_workflows(settings)
            results["worker_rss_mb"] = rss_mb(worker.pid)
            # What bounds it: the workflows the worker keeps between their tasks (its default: the
            # subprocess gets no setting of its own). None: a tree from before that setting.
            results["worker_max_cached_workflows"] = getattr(settings, "worker_max_cached_workflows", None)
            await reads(api, TINY_READS if args.tiny else READS)
            results["api_reads"] = TINY_READS if args.tiny else READS
            results["api_rss_mb"] = rss_mb(api_proc.pid)
            if worker.returncode is not None:
                raise BenchError(f"`overdracht worker` ended with {worker.returncode}: see the log")
    except BenchError as exc:
        return fail(str(exc))
    print(f"{'process':<8} {'at start MB':>11} {'measured MB':>11} {'goal MB':>8}  when")
    print(
        f"{'worker':<8} {results['worker_rss_mb_at_start']:>11} {results['worker_rss_mb']:>11} {GOAL_WORKER_MB:>8}"
        f"  {n:,} overdrachten opened ({results['open_workflows']} running), idle"
    )
    print(
        f"{'api':<8} {results['api_rss_mb_at_start']:>11} {results['api_rss_mb']:>11} {GOAL_API_MB:>8}"
        f"  after the import and {results['api_reads']} reads (1 process)"
    )
    missed = []
    if not args.tiny:
        if results["worker_rss_mb"] > GOAL_WORKER_MB:
            missed.append(f"worker RSS {results['worker_rss_mb']} MB > {GOAL_WORKER_MB:g} MB")
        if results["api_rss_mb"] > GOAL_API_MB:
            missed.append(f"API RSS {results['api_rss_mb']} MB > {GOAL_API_MB:g} MB")
    for goal in missed:
        print(f"GOAL MISSED: {goal}", file=sys.stderr)
    write_results(args.out, NAME, {**results, "goals_missed": missed})
    return 1 if missed else 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())
