"""The caller of a use case and what serving them needs: the database, the engine, the settings and
the audit trail of this one request (or page)."""

from contextvars import ContextVar
from dataclasses import dataclass

import asyncpg
from temporalio.client import Client

from core.settings import Settings
from schemas.gebruiker import Gebruiker
from services.audit import AuditTrail


@dataclass(frozen=True)
class Clients:
    """What the process holds for every caller: made once, by the API's lifespan."""

    pool: asyncpg.Pool
    temporal: Client
    settings: Settings


@dataclass(frozen=True)
class Context:
    user: Gebruiker
    clients: Clients
    audit: AuditTrail

    @property
    def pool(self) -> asyncpg.Pool:
        return self.clients.pool

    @property
    def temporal(self) -> Client:
        return self.clients.temporal

    @property
    def settings(self) -> Settings:
        return self.clients.settings


# The request's Idempotency-Key, made unique per caller (api/idempotency.py sets it): the engine's id for
# the step's update, so a repeat of an answer that never came attaches to the same update and gets its
# real outcome instead of taking the step again.
STEP_ID: ContextVar[str | None] = ContextVar("step_id", default=None)
