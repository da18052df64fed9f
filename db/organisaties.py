"""Organisations: gemeenten, their stadsdelen and wijken, voorschool locations and schools."""

from uuid import UUID

import asyncpg


async def school_exists(pool: asyncpg.Pool, school_id: UUID) -> bool:
    return bool(await pool.fetchval("SELECT 1 FROM scholen WHERE id = $1", school_id))
