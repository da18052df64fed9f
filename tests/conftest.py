"""The suite's servers, started once per session: a real PostgreSQL cluster and a real Temporal dev
server, and the time-skipping test server for tests of long timers.

`--temporal=local` (default) starts a dev server; `--temporal=HOST:PORT` uses one already running
(it must know the search attributes in workflows/search_attributes.py)."""

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from types import TracebackType
from uuid import UUID

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from pydantic import SecretStr
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from api.app import create_app
from core.settings import API_ROLE, Environment, Settings
from core.temporal import Engine, data_converter
from db.cluster import LocalCluster
from db.migrate import migrate
from db.pool import create_pool
from overdracht.demo import load_reference_data
from overdracht.devstack import temporal_binary
from overdracht.engine_setup import set_up_namespace
from overdracht.worker import build_worker
from workflows import search_attributes

# The tests' "today" is the service's: the day in Amsterdam. Between midnight there and midnight UTC
# `date.today()` on a machine in UTC is yesterday, and a test comparing it with the service's date fails
# for that hour. Only this process's clock: the servers the suite starts keep their own.
os.environ["TZ"] = "Europe/Amsterdam"
time.tzset()
del os.environ["TZ"]

TASK_QUEUE = "overdracht-test"
# Every log line of the run is searched for the children's names: tests/log_scan.py. Browser tests:
# tests/browser.py (live_server, browser, page, assert_accessible).
pytest_plugins = ["tests.log_scan", "tests.cases", "tests.browser"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--temporal", default="local", help="'local' (start a dev server) or HOST:PORT")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A fresh, migrated database; OVERDRACHT_TEST_DATABASE_URL points at an existing one instead."""
    if url := os.environ.get("OVERDRACHT_TEST_DATABASE_URL"):
        await migrate(url)
        yield url
        return
    cluster = LocalCluster(tmp_path_factory.mktemp("postgres") / "data", free_port(), durable=False)
    await cluster.start()
    try:
        await migrate(cluster.dsn)
        yield cluster.dsn
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url)
    await load_reference_data(pool, date.today())
    yield pool
    await pool.close()


# The suite's payload key, configured as in production (so a test may switch its settings to production);
# the development key's fallback is tested on its own (tests/test_codec.py).
PAYLOAD_KEYS = {"test-2026": SecretStr(base64.b64encode(b"overdracht-testsleutel-000000001").decode())}


def suite_data_converter() -> DataConverter:
    """The service's own converter (payloads encrypted), with the key the `settings` fixture gives the
    API and the workers."""
    return data_converter(Settings(environment=Environment.TEST, payload_keys=PAYLOAD_KEYS))


@pytest.fixture(scope="session")
async def env(request: pytest.FixtureRequest) -> AsyncIterator[WorkflowEnvironment]:
    target = request.config.getoption("--temporal")
    if target == "local":
        environment = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            search_attributes=search_attributes.ALL,
            data_converter=suite_data_converter(),
        )
    else:
        client = await Client.connect(target, data_converter=suite_data_converter())
        environment = WorkflowEnvironment.from_client(client)
    yield environment
    await environment.shutdown()


def time_skipping_server_path() -> str:
    return str(Path(sys.executable).parent / "temporal-test-server")


@pytest.fixture
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping server: months pass in milliseconds while a workflow waits. It knows no
    custom search attributes, so workflows started here must not publish them.

    One per test (it starts in a tenth of a second). One server for the session, its workflows
    terminated after each test, sometimes stopped moving its clock for good on a busy machine: a later
    test's `sleep` then timed out although its workflow had no activity or task pending (the server
    keeps its clock still while it counts work in flight, and kept counting something of a test before).
    A fresh server owes nothing to the last."""
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=time_skipping_server_path(), data_converter=suite_data_converter()
    )
    yield environment
    await environment.shutdown()


def make_worker(client: Client, pool: asyncpg.Pool, settings: Settings, task_queue: str = TASK_QUEUE) -> Worker:
    # Any exception fails the workflow at once, so a nondeterminism bug fails the test instead of hanging.
    return build_worker(client, pool, settings, task_queue=task_queue, workflow_failure_exception_types=[Exception])


@asynccontextmanager
async def gemeente_worker(
    env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings, namespace: str
) -> AsyncIterator[Client]:
    """A gemeente's own namespace set up in the engine (as `overdracht setup-engine` does), and a worker
    polling it beside the suite's worker on the home namespace; yields that namespace's client."""
    await set_up_namespace(env.client, namespace)
    engine = Engine(env.client, settings)
    client = engine.client(namespace)
    async with build_worker(client, pool, settings, engine=engine, workflow_failure_exception_types=[Exception]):
        yield client


@pytest.fixture(scope="session")
async def worker(env: WorkflowEnvironment, pool: asyncpg.Pool, settings: Settings) -> AsyncIterator[Worker]:
    async with make_worker(env.client, pool, settings) as running:
        yield running


@pytest.fixture(scope="session")
def settings(database_url: str, env: WorkflowEnvironment) -> Settings:
    # No SMTP server: messages stay in the outbox; tests of delivery bring their own server.
    # The API connects as the role that may only append to the audit trail, as it does in `make run`:
    # the test cluster trusts local connections (an existing database names its URL in the environment).
    return Settings(
        environment=Environment.TEST,
        database_url=database_url,
        api_database_url=os.environ.get("OVERDRACHT_TEST_API_DATABASE_URL"),
        api_database_user=API_ROLE,
        temporal_address=env.client.service_client.config.target_host,
        task_queue=TASK_QUEUE,
        smtp_host=None,
        payload_keys=PAYLOAD_KEYS,
    )


@pytest.fixture(scope="session")
async def api(settings: Settings, worker: Worker, pool: asyncpg.Pool) -> AsyncIterator[httpx.AsyncClient]:
    """The API in-process, its lifespan run, talking to the real engine and database."""
    async with app_client(settings) as client:
        yield client


def app_client(settings: Settings) -> "AppClient":
    return AppClient(settings)


class AppClient:
    """An httpx client for an app built from `settings`, with the app's lifespan around it."""

    def __init__(self, settings: Settings) -> None:
        self._app = create_app(settings)

    async def __aenter__(self) -> httpx.AsyncClient:
        self._lifespan = LifespanManager(self._app)
        manager = await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://test")
        return self._client

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._client.aclose()
        await self._lifespan.__aexit__(exc_type, exc, tb)


Login = Callable[[UUID], Awaitable[dict[str, str]]]


@pytest.fixture(scope="session")
def login(api: httpx.AsyncClient) -> Login:
    """Headers with a bearer token for a seeded (or test-made) user."""

    async def headers_for(user_id: UUID) -> dict[str, str]:
        r = await api.post("/v1/dev/tokens", json={"gebruikerId": str(user_id)})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['accessToken']}"}

    return headers_for


@pytest.fixture(scope="session")
def live_api(database_url: str, env: WorkflowEnvironment, pool: asyncpg.Pool) -> Iterator[str]:
    """The API and a worker as the processes `make run` starts, on a task queue of their own, over real
    HTTP: for clients that are processes themselves (Schemathesis's CLI) or that speak to the API as an
    integrator's code would (tests/test_generated_client.py). The suite's in-process worker does not run
    while a plain (not async) test does; this one does. Their output goes nowhere (tests/log_scan.py)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OVERDRACHT_")} | {
        "OVERDRACHT_ENVIRONMENT": "test",
        "OVERDRACHT_DATABASE_URL": database_url,
        "OVERDRACHT_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "OVERDRACHT_TASK_QUEUE": "overdracht-live",
        "OVERDRACHT_API_PORT": str(port),
    }
    root = Path(__file__).resolve().parent.parent
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "overdracht", what], cwd=root, env=environment, stdout=subprocess.DEVNULL
        )
        for what in ("api", "worker")
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/v1/gezondheid", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base
    finally:
        for p in processes:
            p.terminate()
            p.wait(timeout=15)
