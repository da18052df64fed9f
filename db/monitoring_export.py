"""The achterstanden as a download: the ids first (one cheap query, for the audit row that names every
overdracht in it), then the rows streamed from a server-side cursor in batches, so that a list of any
length takes the memory of one batch. The same rows, scope and order as db/monitoring.py's page."""

from collections.abc import AsyncIterator
from datetime import datetime
from uuid import UUID

import asyncpg

from db.monitoring import _ACHTERSTANDEN, _ORGANISATIES, Filters, _filter
from db.scope import Where, scoped
from schemas.gebruiker import Gebruiker


def _where(user: Gebruiker, filters: Filters, after: tuple[datetime, UUID] | None) -> Where:
    """db/monitoring.py `achterstanden`'s conditions: the caller's scope, overdue now, the filters."""
    where = scoped(user)
    where.add("o.achterstallig_sinds IS NOT NULL")
    if filters.vlag:
        where.add("o.open_vlaggen && {}::text[]", [v.value for v in filters.vlag])
    _filter(where, filters)
    if after:
        where.add("(o.achterstallig_sinds, o.id) > ({}, {})", *after)
    return where


async def achterstanden_ids(
    pool: asyncpg.Pool, user: Gebruiker, filters: Filters, after: tuple[datetime, UUID] | None
) -> list[UUID]:
    """Every overdracht the download will hold (ids only, in no order)."""
    where = _where(user, filters, after)
    ids: list[UUID] = await pool.fetchval(
        "SELECT COALESCE(array_agg(o.id), '{}') " + _ORGANISATIES + where.sql(), *where.args
    )
    return ids


async def achterstanden_stream(
    pool: asyncpg.Pool,
    user: Gebruiker,
    filters: Filters,
    after: tuple[datetime, UUID] | None,
    ids: list[UUID],
    batch: int,
) -> AsyncIterator[list[asyncpg.Record]]:
    """The download's rows, oldest overdue first, `batch` at a time from a cursor in a read-only
    transaction (its own connection, released when the stream ends or is abandoned). Only the
    overdrachten of `ids`, the ones its audit row names: one that became overdue since is left out (it
    was not logged); one no longer overdue is left out too."""
    where = _where(user, filters, after)
    where.add("o.id = ANY({}::uuid[])", ids)
    sql = _ACHTERSTANDEN + where.sql() + " ORDER BY o.achterstallig_sinds, o.id"
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        cursor = await conn.cursor(sql, *where.args)
        while rows := await cursor.fetch(batch):
            yield rows
