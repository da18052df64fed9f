"""`overdracht setup-engine`: what the engine needs before the service runs, made when missing and safe to
repeat. The home namespace's search attributes and Schedules; for every gemeente with a namespace of its
own (core/temporal.py), that namespace and its search attributes."""

import asyncio
import logging
from dataclasses import dataclass

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from core.settings import Settings
from core.temporal import connect, ensure_namespace, register_search_attributes
from db import namespaces
from db.pool import create_pool
from overdracht.schedules import ensure_schedules

log = logging.getLogger(__name__)

# A namespace just made is known to every part of the engine within seconds (its namespace cache).
KNOWN_WITHIN = 60.0


@dataclass(frozen=True)
class EngineSetup:
    search_attributes: list[str]
    namespaces: list[str]
    schedules: list[str]


async def set_up_namespace(client: Client, namespace: str) -> bool:
    """The gemeente's namespace and its search attributes, made when missing; whether it was new."""
    made = await ensure_namespace(client, namespace)
    loop = asyncio.get_running_loop()
    until = loop.time() + KNOWN_WITHIN
    while True:
        try:
            await register_search_attributes(client, namespace)
            return made
        except RPCError as exc:
            if exc.status is not RPCStatusCode.NOT_FOUND or loop.time() > until:
                raise
        await asyncio.sleep(1)


async def setup_engine(settings: Settings) -> EngineSetup:
    client = await connect(settings)
    added = await register_search_attributes(client, settings.temporal_namespace)
    pool = await create_pool(settings.effective_database_url())
    try:
        gemeenten = await namespaces.of_gemeenten(pool)
    finally:
        await pool.close()
    made = [namespace for namespace in gemeenten if await set_up_namespace(client, namespace)]
    return EngineSetup(added, made, await ensure_schedules(client, settings))
