"""Children placed at a voorschool location."""

from uuid import UUID

import asyncpg


async def placed_at(pool: asyncpg.Pool, kind_id: UUID, locatie_id: UUID) -> asyncpg.Record | None:
    """The child, if it is placed at this location (and so may be seen by its staff)."""
    return await pool.fetchrow(
        "SELECT k.id, k.locatie_id, k.aangemelde_school_id, k.geboortedatum, k.vve_indicatie,"
        " w.stadsdeel_id, sd.gemeente_id"
        " FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id"
        " WHERE k.id = $1 AND k.locatie_id = $2",
        kind_id,
        locatie_id,
    )


async def parents(pool: asyncpg.Pool, kind_id: UUID) -> list[UUID]:
    """The parents with custody who have an account for this child."""
    rows = await pool.fetch("SELECT id FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1 ORDER BY id", kind_id)
    return [r["id"] for r in rows]
