"""Users, as the API's authentication needs them."""

from uuid import UUID

import asyncpg

from schemas.gebruiker import Gebruiker


async def get(pool: asyncpg.Pool, gebruiker_id: UUID) -> Gebruiker | None:
    row = await pool.fetchrow(
        "SELECT id, naam, rol, gemeente_id, locatie_id, school_id, kind_id FROM gebruikers WHERE id = $1",
        gebruiker_id,
    )
    return Gebruiker.model_validate(dict(row)) if row else None
