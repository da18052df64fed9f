"""Stored protocol versions of a gemeente: uploaded as drafts, made active one at a time. The active
version (the one activated last) is what a new overdracht takes; a running one keeps the version it
started with; a draft is never taken before it is activated."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import asyncpg

from db.pool import Executor
from schemas.protocol import Protocol, ProtocolConfig

_ACTIVE = """
SELECT versie, inhoud FROM protocol_versies
WHERE gemeente_id = $1 AND geactiveerd_op IS NOT NULL
ORDER BY geactiveerd_op DESC, versie DESC LIMIT 1
"""


@dataclass(frozen=True)
class Versie:
    """One stored version, as the administration lists it."""

    versie: int
    config: ProtocolConfig
    geupload_op: datetime
    geupload_door: UUID | None
    geupload_door_naam: str | None
    geactiveerd_op: datetime | None
    actief: bool
    bestand: str | None


async def current(pool: Executor, gemeente_id: UUID) -> Protocol | None:
    """The gemeente's active version: what a new overdracht takes."""
    row = await pool.fetchrow(_ACTIVE, gemeente_id)
    return Protocol(versie=row["versie"], config=ProtocolConfig.model_validate_json(row["inhoud"])) if row else None


async def any_active(pool: Executor) -> bool:
    """Whether some gemeente has an active version: without one, no overdracht can be opened anywhere."""
    return bool(await pool.fetchval("SELECT EXISTS (SELECT 1 FROM protocol_versies WHERE geactiveerd_op IS NOT NULL)"))


async def version(pool: asyncpg.Pool, gemeente_id: UUID, versie: int) -> ProtocolConfig | None:
    """The configuration an overdracht started with."""
    inhoud = await pool.fetchval(
        "SELECT inhoud FROM protocol_versies WHERE gemeente_id = $1 AND versie = $2", gemeente_id, versie
    )
    return ProtocolConfig.model_validate_json(inhoud) if inhoud else None


async def _lock(conn: Executor, gemeente_id: UUID) -> None:
    # One writer per gemeente at a time: two uploads cannot claim the same number, nor two activations race.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", str(gemeente_id))


async def _insert(
    conn: Executor,
    gemeente_id: UUID,
    config: ProtocolConfig,
    *,
    bestand: str | None,
    door: UUID | None,
    activate: bool,
) -> int:
    versie: int = await conn.fetchval(
        "SELECT COALESCE(max(versie), 0) + 1 FROM protocol_versies WHERE gemeente_id = $1", gemeente_id
    )
    await conn.execute(
        "INSERT INTO protocol_versies (gemeente_id, versie, inhoud, bestand, geupload_door, geactiveerd_op)"
        " VALUES ($1, $2, $3::jsonb, $4, $5, CASE WHEN $6 THEN clock_timestamp() END)",
        gemeente_id,
        versie,
        config.model_dump_json(),
        bestand,
        door,
        activate,
    )
    return versie


async def store(pool: asyncpg.Pool, gemeente_id: UUID, config: ProtocolConfig, bestand: str | None = None) -> Protocol:
    """Store `config` (read from `bestand`, when given) as the gemeente's next version and activate it at
    once, unless it equals the active one (`overdracht seed`, `overdracht protocol`)."""
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, gemeente_id)
        active = await current(conn, gemeente_id)
        if active and active.config == config:
            return active
        versie = await _insert(conn, gemeente_id, config, bestand=bestand, door=None, activate=True)
        return Protocol(versie=versie, config=config)


async def upload(pool: asyncpg.Pool, gemeente_id: UUID, config: ProtocolConfig, bestand: str, door: UUID) -> int:
    """Store `config` (read from `bestand`) as the gemeente's next version, a draft: nothing changes
    until it is activated. Its number."""
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, gemeente_id)
        return await _insert(conn, gemeente_id, config, bestand=bestand, door=door, activate=False)


_LIST = """
WITH actief AS (
    SELECT versie FROM protocol_versies
    WHERE gemeente_id = $1 AND geactiveerd_op IS NOT NULL
    ORDER BY geactiveerd_op DESC, versie DESC LIMIT 1
)
SELECT p.versie, p.inhoud, p.vastgesteld_op, p.geupload_door, g.naam AS geupload_door_naam, p.geactiveerd_op,
       p.versie = (SELECT versie FROM actief) AS actief, {bestand} AS bestand
FROM protocol_versies p LEFT JOIN gebruikers g ON g.id = p.geupload_door
WHERE p.gemeente_id = $1 {where}
ORDER BY p.versie DESC
"""


def _versie(row: asyncpg.Record) -> Versie:
    return Versie(
        versie=row["versie"],
        config=ProtocolConfig.model_validate_json(row["inhoud"]),
        geupload_op=row["vastgesteld_op"],
        geupload_door=row["geupload_door"],
        geupload_door_naam=row["geupload_door_naam"],
        geactiveerd_op=row["geactiveerd_op"],
        actief=bool(row["actief"]),
        bestand=row["bestand"],
    )


async def versions(pool: asyncpg.Pool, gemeente_id: UUID) -> list[Versie]:
    """Every version of the gemeente, newest first (without their files)."""
    rows = await pool.fetch(_LIST.format(bestand="NULL::text", where=""), gemeente_id)
    return [_versie(r) for r in rows]


async def get(pool: Executor, gemeente_id: UUID, versie: int) -> Versie | None:
    """One version of the gemeente, with its file; none when the gemeente has no such version."""
    row = await pool.fetchrow(_LIST.format(bestand="p.bestand", where="AND p.versie = $2"), gemeente_id, versie)
    return _versie(row) if row else None


@dataclass(frozen=True)
class Activering:
    versie: Versie | None  # none: the gemeente has no such version
    gewijzigd: bool  # false: it was the active version already
    vorige: ProtocolConfig | None  # the configuration it replaced (none: none was active)


async def activate(pool: asyncpg.Pool, gemeente_id: UUID, versie: int) -> Activering:
    """Make `versie` the gemeente's active version: from now on, new overdrachten take it."""
    async with pool.acquire() as conn, conn.transaction():
        await _lock(conn, gemeente_id)
        found = await get(conn, gemeente_id, versie)
        if found is None or found.actief:
            return Activering(found, False, None)
        before = await current(conn, gemeente_id)
        await conn.execute(
            "UPDATE protocol_versies SET geactiveerd_op = clock_timestamp() WHERE gemeente_id = $1 AND versie = $2",
            gemeente_id,
            versie,
        )
        return Activering(await get(conn, gemeente_id, versie), True, before.config if before else None)
