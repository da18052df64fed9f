"""The caller of a use case and what serving them needs: the database, the engine, the settings and
the audit trail of this one request (or page)."""

from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID

import asyncpg
from temporalio.client import Client

from core.settings import Settings
from core.temporal import Engine
from db import namespaces
from schemas.gebruiker import Gebruiker
from services.audit import AuditTrail


@dataclass(frozen=True)
class Clients:
    """What the process holds for every caller: made once, by the API's lifespan."""

    pool: asyncpg.Pool
    engine: Engine
    settings: Settings

    @property
    def temporal(self) -> Client:
        """The home namespace's client: the service's own workflows."""
        return self.engine.home

    async def temporal_of(self, gemeente_id: UUID) -> Client:
        """The client of the namespace the gemeente's workflows are in, with its keys."""
        if gemeente_id not in self.engine.namespace_of:
            self.engine.namespace_of[gemeente_id] = await namespaces.of_gemeente(self.pool, gemeente_id)
        return self.engine.client(self.engine.namespace_of[gemeente_id])


@dataclass(frozen=True)
class Context:
    user: Gebruiker
    clients: Clients
    audit: AuditTrail
    # The engine as the caller's gemeente has it: its namespace, its keys. Never another gemeente's.
    temporal: Client

    @classmethod
    async def of(cls, user: Gebruiker, clients: Clients, audit: AuditTrail) -> "Context":
        return cls(user, clients, audit, await clients.temporal_of(user.gemeente_id))

    @property
    def pool(self) -> asyncpg.Pool:
        return self.clients.pool

    @property
    def settings(self) -> Settings:
        return self.clients.settings


# The request's Idempotency-Key, made unique per caller (api/idempotency.py sets it): the engine's id for
# the step's update, so a repeat of an answer that never came attaches to the same update and gets its
# real outcome instead of taking the step again.
STEP_ID: ContextVar[str | None] = ContextVar("step_id", default=None)
