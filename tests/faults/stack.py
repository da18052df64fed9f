"""The service as separate processes, each of which a scenario can kill and start again: PostgreSQL
(its own cluster), the Temporal dev server (on a SQLite file that outlives it), workers, and the API
(`overdracht api`, two processes); the SMTP server runs in this process."""

import asyncio
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from aiosmtpd.controller import Controller
from temporalio.client import Client

from core.settings import API_ROLE, Environment, Settings
from core.temporal import connect
from db.cluster import LocalCluster
from db.migrate import migrate
from db.pool import create_pool
from overdracht.demo import load_reference_data
from overdracht.devstack import temporal_binary
from tests.processes import ROOT, service_env
from workflows import search_attributes

READY_WITHIN = 60.0  # seconds for a piece to (re)start on a busy machine


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Sink:
    """The real SMTP server the worker delivers to: every message it accepted, by Message-ID."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        import email
        import email.policy

        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.message_ids.append(str(message["Message-ID"]))
        return "250 Message accepted"

    def twice(self) -> list[str]:
        return [mid for mid, n in Counter(self.message_ids).items() if n > 1]


class ApiExited(Exception):
    """The API process ended while it was awaited."""


class FaultStack:
    """Start with `async with FaultStack.running(workdir)`; every process is stopped at the end."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.cluster = LocalCluster(workdir / "postgres", free_port(), durable=True)
        self.engine_port, self.api_port, self.smtp_port = free_port(), free_port(), free_port()
        self.sink = Sink()
        self.settings = Settings(
            environment=Environment.DEVELOPMENT,  # dev tokens for the clients
            database_url=self.cluster.dsn,
            api_database_user=API_ROLE,
            temporal_address=f"127.0.0.1:{self.engine_port}",
            task_queue="overdracht-faults",
            api_port=self.api_port,
            api_workers=2,
            smtp_host="127.0.0.1",
            smtp_port=self.smtp_port,
            smtp_starttls=False,
            data_dir=workdir,
            # Short waits, so an outage is met within a client's patience rather than after it.
            engine_timeout_seconds=3.0,
            import_rijen_per_batch=10,
            import_batches_tegelijk=2,
        )
        self.engine_process: subprocess.Popen[bytes] | None = None
        self.api_process: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.kills: Counter[str] = Counter()

    @classmethod
    @asynccontextmanager
    async def running(cls, workdir: Path) -> AsyncIterator["FaultStack"]:
        stack = cls(workdir)
        async with AsyncExitStack() as cleanup:
            cleanup.callback(stack._stop_all)
            controller = Controller(stack.sink, hostname="127.0.0.1", port=stack.smtp_port)
            await asyncio.to_thread(controller.start)
            cleanup.push_async_callback(asyncio.to_thread, controller.stop)
            await stack.cluster.start()
            await migrate(stack.cluster.dsn)
            pool = await create_pool(stack.cluster.dsn)
            try:
                await load_reference_data(pool, date.today())
                # Every parent has an address: their invitation goes by mail.
                await pool.execute("UPDATE gebruikers SET email = 'ouder-' || id || '@example.org' WHERE rol = 'ouder'")
            finally:
                await pool.close()
            await stack.start_engine()
            stack.start_worker()
            await stack.start_api()
            yield stack

    # The pieces

    def _log(self, name: str) -> Any:
        return (self.workdir / f"{name}.log").open("ab")

    def _spawn(self, name: str, cmd: list[str]) -> subprocess.Popen[bytes]:
        with self._log(name) as out:
            return subprocess.Popen(cmd, cwd=ROOT, env=self._env(), stdout=out, stderr=out)

    def _env(self) -> dict[str, str]:
        return {
            **service_env(self.settings),
            "OVERDRACHT_ENVIRONMENT": "development",
            "OVERDRACHT_API_PORT": str(self.api_port),
            "OVERDRACHT_API_WORKERS": "2",
            "OVERDRACHT_ENGINE_TIMEOUT_SECONDS": str(self.settings.engine_timeout_seconds),
            "OVERDRACHT_IMPORT_RIJEN_PER_BATCH": str(self.settings.import_rijen_per_batch),
            "OVERDRACHT_IMPORT_BATCHES_TEGELIJK": str(self.settings.import_batches_tegelijk),
            "OVERDRACHT_LOG_FORMAT": "json",
        }

    async def start_engine(self) -> None:
        """The dev server on its SQLite file: what it held before a kill, it holds again."""
        cmd = [
            temporal_binary(), "server", "start-dev", "--headless",
            "--db-filename", str(self.workdir / "temporal.db"), "--sqlite-pragma", "journal_mode=wal",
            "--ip", "127.0.0.1", "--port", str(self.engine_port), "--log-level", "error",
        ]  # fmt: skip
        for key in search_attributes.ALL:
            cmd += ["--search-attribute", f"{key.name}=Keyword"]
        self.engine_process = self._spawn("temporal", cmd)
        await self._until("the engine", self._engine_answers)

    async def _engine_answers(self) -> bool:
        assert self.engine_process is not None
        if self.engine_process.poll() is not None:
            raise RuntimeError(f"the engine stopped at start: see {self.workdir / 'temporal.log'}")
        try:
            client = await connect(self.settings)
            await client.service_client.check_health()
            return True
        except RuntimeError:
            return False

    def kill_engine(self) -> None:
        assert self.engine_process is not None
        self.engine_process.kill()
        self.engine_process.wait()
        self.kills["engine"] += 1

    def start_worker(self) -> subprocess.Popen[bytes]:
        worker = self._spawn("worker", [sys.executable, "-m", "overdracht", "worker"])
        self.workers.append(worker)
        return worker

    def kill_worker(self) -> None:
        """kill -9 of every running worker: whatever they had in hand, they never finish."""
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
        self.kills["worker"] += 1

    async def start_api(self) -> None:
        """The API on a port chosen now, once the engine has taken the ports it takes: a port chosen at the
        start could meanwhile be one of them. Should it be taken all the same (the API exits at once,
        "address already in use"), on another."""
        for _ in range(3):
            self.api_port = self.settings.api_port = free_port()
            self.api_process = self._spawn("api", [sys.executable, "-m", "overdracht", "api"])
            try:
                await self.wait_api()
                return
            except ApiExited:
                continue
        raise RuntimeError(f"the API did not start on three ports; logs in {self.workdir}")

    async def wait_api(self) -> None:
        async def answers() -> bool:
            if self.api_process is not None and self.api_process.poll() is not None:
                raise ApiExited
            try:
                async with httpx.AsyncClient() as http:
                    return (await http.get(f"{self.base}/v1/gezondheid", timeout=3)).status_code == 200
            except httpx.TransportError:
                return False

        await self._until("the API and a worker", answers)

    def stop_database(self) -> None:
        """An immediate stop (as `pg_ctl stop -m immediate`): no transaction is finished, nothing flushed
        but what was committed."""
        self.cluster.stop(immediate=True)
        self.kills["database"] += 1

    async def start_database(self) -> None:
        await self.cluster.start()

    async def _until(self, what: str, ready: Any) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_WITHIN
        while not await ready():
            if loop.time() > deadline:
                raise RuntimeError(f"{what} did not come up within {READY_WITHIN:.0f} s; logs in {self.workdir}")
            await asyncio.sleep(0.2)

    def _stop_all(self) -> None:
        for proc in [self.api_process, *self.workers, self.engine_process]:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.cluster.stop()

    # What the checks read

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    async def engine(self) -> Client:
        return await connect(self.settings)

    async def pool(self) -> asyncpg.Pool:
        return await create_pool(self.cluster.dsn)
