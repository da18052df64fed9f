"""Users, as the API's authentication needs them."""

from uuid import UUID

import asyncpg

from schemas.gebruiker import Gebruiker

_SELECT = "SELECT id, naam, rol, gemeente_id, locatie_id, school_id, kind_id FROM gebruikers"


async def get(pool: asyncpg.Pool, gebruiker_id: UUID) -> Gebruiker | None:
    row = await pool.fetchrow(f"{_SELECT} WHERE id = $1", gebruiker_id)
    return Gebruiker.model_validate(dict(row)) if row else None


async def get_by_extern_id(pool: asyncpg.Pool, extern_id: str) -> Gebruiker | None:
    """The user the identity provider names so (the claim OVERDRACHT_OIDC_USER_CLAIM of its tokens)."""
    row = await pool.fetchrow(f"{_SELECT} WHERE extern_id = $1", extern_id)
    return Gebruiker.model_validate(dict(row)) if row else None


async def staff(pool: asyncpg.Pool) -> list[Gebruiker]:
    """Everyone who signs in with an account (not the parents, who sign in with their code), by role."""
    rows = await pool.fetch(f"{_SELECT} WHERE rol <> 'ouder' ORDER BY rol, naam")
    return [Gebruiker.model_validate(dict(r)) for r in rows]
