"""Is the service ready: can it reach the database (with every migration applied) and the engine, does a
worker poll the task queue, and has some gemeente an active protocol (without one nothing can be opened)?
Anyone may ask: no caller, no audit. Alive is less: the process answers (`live`)."""

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from db import migrate
from db import pool as database
from db import protocol as protocols
from schemas.api import Gezondheid, Onderdeel
from services.context import Clients

CHECK_TIMEOUT = 2.0
# A worker long-polls the task queue without pause; the engine remembers a poller for minutes after it
# died: one not seen this long is gone.
POLLER_SEEN_WITHIN = timedelta(minutes=2)


class NietKlaar(Exception):
    """A part answers, but is not ready; the message says why, in Dutch (it is in the health answer)."""


async def _check(probe: Awaitable[object]) -> Onderdeel:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except NietKlaar as exc:
        return Onderdeel(status="niet_klaar", detail=str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable
        return Onderdeel(status="onbereikbaar", detail=type(exc).__name__)
    return Onderdeel(status="ok")


async def _migrations(clients: Clients) -> None:
    if missing := await migrate.pending(clients.pool):
        raise NietKlaar(f"{len(missing)} migratie(s) nog niet uitgevoerd, de eerste: {missing[0]}")


async def _worker(clients: Clients) -> None:
    """A worker polls the task queue for workflow tasks, and was seen lately."""
    answer = await clients.temporal.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=clients.temporal.namespace,
            task_queue=TaskQueue(name=clients.settings.task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    since = datetime.now(UTC) - POLLER_SEEN_WITHIN
    if not any(p.last_access_time.ToDatetime(tzinfo=UTC) >= since for p in answer.pollers):
        raise NietKlaar("geen worker haalt werk op van de taakwachtrij")


async def _protocol(clients: Clients) -> None:
    if not await protocols.any_active(clients.pool):
        raise NietKlaar("geen gemeente heeft een actief protocol; stel er een in (`overdracht protocol`)")


def live() -> Gezondheid:
    """The process answers: that is all liveness asks (a restart would not cure a database that is down)."""
    return Gezondheid(status="ok", onderdelen={"api": Onderdeel(status="ok")})


async def check(clients: Clients) -> Gezondheid:
    """Each part's state; `ok` only when every part is."""
    db, engine, migraties, worker, protocol = await asyncio.gather(
        _check(database.ping(clients.pool)),
        _check(clients.temporal.service_client.check_health()),
        _check(_migrations(clients)),
        _check(_worker(clients)),
        _check(_protocol(clients)),
    )
    parts = {
        "api": Onderdeel(status="ok"),
        "database": db,
        "migraties": migraties,
        "engine": engine,
        "worker": worker,
        "protocol": protocol,
    }
    healthy = all(p.status == "ok" for p in parts.values())
    return Gezondheid(status="ok" if healthy else "verstoord", onderdelen=parts)
