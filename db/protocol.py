"""Stored protocol versions: the current one of a gemeente, and storing a changed one as the next."""

from uuid import UUID

import asyncpg

from schemas.protocol import Protocol, ProtocolConfig


async def current(pool: asyncpg.Pool, gemeente_id: UUID) -> Protocol | None:
    row = await pool.fetchrow(
        "SELECT versie, inhoud FROM protocol_versies WHERE gemeente_id = $1 ORDER BY versie DESC LIMIT 1",
        gemeente_id,
    )
    return Protocol(versie=row["versie"], config=ProtocolConfig.model_validate_json(row["inhoud"])) if row else None


async def version(pool: asyncpg.Pool, gemeente_id: UUID, versie: int) -> ProtocolConfig | None:
    """The configuration an overdracht started with."""
    inhoud = await pool.fetchval(
        "SELECT inhoud FROM protocol_versies WHERE gemeente_id = $1 AND versie = $2", gemeente_id, versie
    )
    return ProtocolConfig.model_validate_json(inhoud) if inhoud else None


async def store(pool: asyncpg.Pool, gemeente_id: UUID, config: ProtocolConfig) -> Protocol:
    """Store `config` as the gemeente's next version, unless it equals the current one."""
    async with pool.acquire() as conn, conn.transaction():
        # One writer per gemeente at a time, so two loads cannot both claim the same version number.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(gemeente_id))
        row = await conn.fetchrow(
            "SELECT versie, inhoud FROM protocol_versies WHERE gemeente_id = $1 ORDER BY versie DESC LIMIT 1",
            gemeente_id,
        )
        if row and ProtocolConfig.model_validate_json(row["inhoud"]) == config:
            return Protocol(versie=row["versie"], config=config)
        versie = (row["versie"] if row else 0) + 1
        await conn.execute(
            "INSERT INTO protocol_versies (gemeente_id, versie, inhoud) VALUES ($1, $2, $3::jsonb)",
            gemeente_id,
            versie,
            config.model_dump_json(),
        )
        return Protocol(versie=versie, config=config)
