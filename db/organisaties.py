"""Organisations: gemeenten, their stadsdelen and wijken, voorschool locations and schools."""

from uuid import UUID

import asyncpg


async def school_exists(pool: asyncpg.Pool, school_id: UUID) -> bool:
    return bool(await pool.fetchval("SELECT 1 FROM scholen WHERE id = $1", school_id))


async def schools_in(pool: asyncpg.Pool, gemeente_id: UUID) -> list[asyncpg.Record]:
    """The gemeente's schools by name (id, naam): what a parent or the voorschool chooses from."""
    return await pool.fetch(
        """
        SELECT s.id, s.naam FROM scholen s
        JOIN wijken w ON w.id = s.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
        WHERE sd.gemeente_id = $1 ORDER BY s.naam, s.id
        """,
        gemeente_id,
    )
