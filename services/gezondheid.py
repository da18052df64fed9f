"""Is the service up: can it reach the database and the engine? Anyone may ask: no caller, no audit."""

import asyncio
from collections.abc import Awaitable

from db import pool as database
from schemas.api import Gezondheid, Onderdeel
from services.context import Clients

CHECK_TIMEOUT = 2.0


async def _check(probe: Awaitable[object]) -> Onderdeel:
    try:
        await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable
        return Onderdeel(status="onbereikbaar", detail=type(exc).__name__)
    return Onderdeel(status="ok")


async def check(clients: Clients) -> Gezondheid:
    """Each part's state; `ok` only when every part is."""
    db, engine = await asyncio.gather(
        _check(database.ping(clients.pool)),
        _check(clients.temporal.service_client.check_health()),
    )
    parts = {"api": Onderdeel(status="ok"), "database": db, "engine": engine}
    healthy = all(p.status == "ok" for p in parts.values())
    return Gezondheid(status="ok" if healthy else "verstoord", onderdelen=parts)
