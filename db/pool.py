"""The asyncpg pool. It connects lazily, so a service can start (and say it is degraded) while the
database is still down."""

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection as asyncpg hands it out: opened on its own, or acquired from the pool.
Connection = asyncpg.Connection | PoolConnectionProxy
# What runs a statement: the pool, or a connection (within a transaction).
Executor = asyncpg.Pool | Connection


class PooledConnection(asyncpg.Connection):
    """A connection that goes back to the pool without a round trip to the server.

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` at every
    release: one more round trip for every request and every activity. The service keeps no state in a
    session that would need it: its locks are transaction locks (`pg_advisory_xact_lock`), its cursors
    live in transactions, it listens to nothing and sets nothing outside a transaction
    (tests/test_architecture.py holds db/ to that). An open transaction is still rolled back at release:
    asyncpg does that itself, whatever the query."""

    def get_reset_query(self) -> str:
        return ""


async def create_pool(dsn: str, *, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn, min_size=0, max_size=max_size, command_timeout=10, connection_class=PooledConnection
    )


async def ping(pool: asyncpg.Pool) -> None:
    """Raises when the database cannot be reached (the health check)."""
    await pool.fetchval("SELECT 1")
