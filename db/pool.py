"""The asyncpg pool. It connects lazily, so a service can start (and say it is degraded) while the
database is still down."""

import asyncpg


async def create_pool(dsn: str, *, max_size: int = 10) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=0, max_size=max_size, command_timeout=10)
