"""The benchmarks: one module per scenario (`bench/pages.py`: every page's render time and queries).

Each scenario is run as `python -m bench.<name>` (`make bench` runs them all) and follows one pattern:

- it starts its own stack (`own_stack`: a private PostgreSQL cluster, the Temporal dev server, a worker,
  the demo data), as the test suite and `make run` do, or is pointed at a running one;
- `--tiny` runs it in a few seconds' worth of requests (tests/test_bench_<name>.py runs that, so it never
  rots) and checks nothing about time; a full run exits non-zero when a limit is passed, naming what;
- it prints a table and writes JSON (`--out`, default `bench/results/<name>.json`; the folder is not
  committed) with the machine it ran on (`machine()`), and logs to a file beside it, never to the
  terminal: the service's log lines are no part of a result.

This module holds what the scenarios share: the stack, the statistics, the machine and the results."""

import argparse
import asyncio
import json
import math
import os
import platform
import socket
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from asgi_lifespan import LifespanManager
from temporalio.testing import WorkflowEnvironment

from core.logs import configure as configure_logging
from core.settings import API_ROLE, Environment, Settings
from core.temporal import connect, data_converter
from db.cluster import ClusterError, LocalCluster
from db.migrate import migrate
from db.pool import create_pool
from overdracht.demo import seed
from overdracht.devstack import StackError, temporal_binary
from overdracht.worker import build_worker
from workflows import search_attributes

RESULTS = Path(__file__).resolve().parent / "results"
TASK_QUEUE = "overdracht-bench"


class BenchError(RuntimeError):
    """The benchmark could not run (its stack would not start, a sign-in failed): the message says why."""


def arguments(name: str, description: str | None) -> argparse.ArgumentParser:
    """The options every scenario has; a scenario adds its own."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}", description=description)
    parser.add_argument("--tiny", action="store_true", help="a few requests, no limits checked (the tests run this)")
    parser.add_argument("--out", type=Path, default=RESULTS / f"{name}.json", help="where the JSON goes")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the own stack keeps its database and logs (default: a temporary directory, removed after)",
    )
    return parser


def log_to_file(settings: Settings, path: Path) -> None:
    """The service's log lines (INFO, as in production: writing them is part of a request's cost) go to
    `path`; only what the benchmark prints reaches the terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    configure_logging(settings, stream=path.open("a", encoding="utf-8"))  # open until the process ends


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def own_stack(workdir: Path | None, *, say: Any = print) -> AsyncIterator[Settings]:
    """A private PostgreSQL cluster (migrated), the Temporal dev server with the search attributes, a
    worker, and the demo data loaded as `make run` loads it; everything stopped afterwards. Raises
    BenchError naming the part that did not start."""
    async with AsyncExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="overdracht-bench-")))
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            say("starting PostgreSQL…")
            cluster = LocalCluster(workdir / "postgres", free_port(), durable=False)
            stack.callback(cluster.stop)
            await cluster.start()
            await migrate(cluster.dsn)
            settings = Settings(
                environment=Environment.DEVELOPMENT,
                database_url=cluster.dsn,
                api_database_user=API_ROLE,  # the API's own role, as in `make run`
                task_queue=TASK_QUEUE,
                smtp_host=None,  # messages stay in the outbox
                data_dir=workdir,
            )
            say("starting the Temporal dev server…")
            env = await WorkflowEnvironment.start_local(
                dev_server_existing_path=temporal_binary(),
                search_attributes=search_attributes.ALL,
                data_converter=data_converter(settings),
                dev_server_log_level="error",
            )
            stack.push_async_callback(env.shutdown)
            settings = settings.model_copy(update={"temporal_address": env.client.service_client.config.target_host})
            pool = await create_pool(settings.effective_database_url())
            stack.push_async_callback(pool.close)
            await stack.enter_async_context(build_worker(await connect(settings), pool, settings))
            say("loading the demo data…")
            say(await seed(settings))
        except (ClusterError, StackError) as exc:
            raise BenchError(f"the stack did not start: {exc}") from exc
        except Exception as exc:
            raise BenchError(f"the stack did not start: {type(exc).__name__}: {exc}") from exc
        yield settings


# Statistics


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Summary:
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Summary":
        ms = [s * 1000 for s in seconds]
        return cls(len(ms), round(percentile(ms, 50), 2), round(percentile(ms, 95), 2), round(max(ms), 2))


# The machine and the results


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_1_5_15": [round(x, 2) for x in load] if load else None,
    }


def write_results(path: Path, name: str, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "scenario": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **results,
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def fail(message: str) -> int:
    print(f"bench: {message}", file=sys.stderr, flush=True)
    return 2


# Shared by the engine scenarios (bench/bare.py, imports.py, formulier.py, footprint.py)


@dataclass(frozen=True)
class Latency:
    """A latency's median and 99th percentile (the issue's figures), in milliseconds."""

    n: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Latency":
        ms = [s * 1000 for s in seconds]
        return cls(len(ms), round(percentile(ms, 50), 2), round(percentile(ms, 99), 2), round(max(ms), 2))


async def in_lanes(count: int, concurrency: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    """`call(0)` … `call(count - 1)`, `concurrency` at a time (each lane takes the next number when its
    call returns): the seconds each call took, in the order they finished."""
    numbers = iter(range(count))
    seconds: list[float] = []

    async def lane() -> None:
        for i in numbers:
            began = time.perf_counter()
            await call(i)
            seconds.append(time.perf_counter() - began)

    await asyncio.gather(*(lane() for _ in range(max(1, min(concurrency, count)))))
    return seconds


def ratio(value: float, baseline: float) -> float | None:
    """`value / baseline`, rounded; None when the baseline was not measured."""
    return round(value / baseline, 2) if baseline else None


@asynccontextmanager
async def api_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API in this process (api.app.create_app with its lifespan), behind httpx's ASGI transport: the
    app's own time, without uvicorn or a network."""
    from api.app import create_app  # the API's modules only for the scenarios that serve it
    from core.heap import freeze_startup_objects

    app = create_app(settings)
    freeze_startup_objects()  # as each API process does (api.app.create_app_from_env)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            yield client


async def bearer(api: httpx.AsyncClient, user_id: UUID) -> dict[str, str]:
    """The Authorization header of a development token for `user_id` (a development stack's
    POST /v1/dev/tokens)."""
    r = await api.post("/v1/dev/tokens", json={"gebruikerId": str(user_id)})
    if r.status_code != 200:
        raise BenchError(f"no development token (HTTP {r.status_code}): is this a development stack?")
    return {"Authorization": f"Bearer {r.json()['accessToken']}"}


def rss_mb(pid: int) -> float:
    """The resident set of process `pid` and of all its descendants, in MB (from /proc)."""
    total_kb = 0
    for p in [pid, *_descendants(pid)]:
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as status:
                total_kb += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue  # gone meanwhile, or a zombie without memory
    return round(total_kb / 1024, 1)


def _descendants(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                children += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return children + [d for c in children for d in _descendants(c)]


@dataclass(frozen=True)
class Services:
    """The service's own processes beside a stack (`service_processes`)."""

    settings: Settings  # the stack's, on the processes' task queue
    workers: list[asyncio.subprocess.Process]  # the replicas of `overdracht worker`, on the one task queue
    api_process: asyncio.subprocess.Process
    api: httpx.AsyncClient  # to the API process, over the loopback

    @property
    def worker(self) -> asyncio.subprocess.Process:
        """The first worker (the only one, unless more were asked for)."""
        return self.workers[0]


SERVICE_READY_WITHIN = 120.0  # seconds for `overdracht api` to answer on a busy machine


@asynccontextmanager
async def service_processes(
    settings: Settings, task_queue: str, log: Path, *, workers: int = 1
) -> AsyncIterator[Services]:
    """`overdracht worker` (`workers` replicas) and `overdracht api` (one process) as production runs
    them, each a subprocess on `settings`' database and engine and on `task_queue` (a queue of their own:
    a stack's in-process worker polls another one), their output in `log`; an httpx client to the API
    once it answers. All are stopped at the end."""
    from bench.api_processes import ROOT, _env  # the one environment of a service process

    settings = settings.model_copy(update={"task_queue": task_queue})
    port = free_port()
    async with AsyncExitStack() as stack:
        replicas = [
            await stack.enter_async_context(_subprocess("worker", _env(settings, port, 1), ROOT, log))
            for _ in range(workers)
        ]
        api_process = await stack.enter_async_context(_subprocess("api", _env(settings, port, 1), ROOT, log))
        api = await stack.enter_async_context(httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120))
        deadline = time.monotonic() + SERVICE_READY_WITHIN
        while True:
            for name, proc in (*(("worker", w) for w in replicas), ("api", api_process)):
                if proc.returncode is not None:
                    raise BenchError(f"`overdracht {name}` ended with {proc.returncode}: see {log}")
            try:
                if (await api.get("/v1/gezondheid")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise BenchError(f"`overdracht api` did not answer within {SERVICE_READY_WITHIN:g} s")
            await asyncio.sleep(0.5)
        yield Services(settings, replicas, api_process, api)


@asynccontextmanager
async def _subprocess(
    command: str, env: dict[str, str], cwd: Path, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "overdracht", command, cwd=cwd, env=env, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        await stop_process(proc)


async def stop_process(proc: asyncio.subprocess.Process) -> None:
    """Stop a service process as an orchestrator would: SIGTERM, and SIGKILL after 30 s."""
    if proc.returncode is not None:
        return
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), 30)
    except TimeoutError:
        proc.kill()
        await proc.wait()
