"""Writes the workflow's changes to the PostgreSQL read model, idempotently and in order, and purges
an overdracht's content when its retention term ends. The SQL is in db/read_model.py."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import asyncpg
from temporalio import activity

from db import read_model
from schemas.workflow import RecordChange


class ReadModelActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="record_change")
    async def record(self, change: RecordChange) -> None:
        """Apply one change, in one statement (atomic by itself: no transaction around it, one round
        trip). A retry, or a change older than what the read model already shows, changes nothing: rows
        carry the workflow's revision and only move forward."""
        await read_model.record(self._pool, change)

    @activity.defn(name="purge_content")
    async def purge_content(self, overdracht_id: UUID) -> None:
        """Destroy everything personal the service holds about this overdracht: the form, the
        parents' reactions, people's free-text reasons, the outbox (addresses) and parents' codes,
        stored answers to repeated requests that mention it, the parents' accounts and the child's own
        record. Keep the metadata the monitoring needs. Idempotent. (The engine's copy goes when the
        workflow has closed: workflows/history_cleanup.py.)"""
        async with self._pool.acquire() as conn, conn.transaction():
            await read_model.purge_content(conn, overdracht_id)

    def all(self) -> list[Callable[..., Any]]:
        """Every activity of this class, for the worker to register."""
        return [self.record, self.purge_content]
