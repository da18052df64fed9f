"""The asyncpg pool. It connects lazily, so a service can start (and say it is degraded) while the
database is still down."""

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection as asyncpg hands it out: opened on its own, or acquired from the pool.
Connection = asyncpg.Connection | PoolConnectionProxy
# What runs a statement: the pool, or a connection (within a transaction).
Executor = asyncpg.Pool | Connection


async def create_pool(dsn: str, *, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=0, max_size=max_size, command_timeout=10)


async def ping(pool: asyncpg.Pool) -> None:
    """Raises when the database cannot be reached (the health check)."""
    await pool.fetchval("SELECT 1")
