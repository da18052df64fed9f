"""Applies the numbered SQL files in db/migrations once each, in order, under an advisory lock."""

import logging
from pathlib import Path

import asyncpg

MIGRATIONS = Path(__file__).parent / "migrations"
# Any fixed number: it keeps two processes from migrating at once.
LOCK_ID = 7_203_118

log = logging.getLogger(__name__)


async def migrate(dsn: str) -> list[str]:
    """Apply what is not applied yet; returns the names applied now."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_ID)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations"
            " (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        applied = []
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name in done:
                continue
            async with conn.transaction():
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", path.name)
            log.info("migration applied", extra={"migration": path.name})
            applied.append(path.name)
        return applied
    finally:
        await conn.close()


async def pending(pool: asyncpg.Pool) -> list[str]:
    """The migration files not applied to this database (the readiness check)."""
    applied = {r["name"] for r in await pool.fetch("SELECT name FROM schema_migrations")}
    return [p.name for p in sorted(MIGRATIONS.glob("*.sql")) if p.name not in applied]
