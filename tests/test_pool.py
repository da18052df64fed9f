"""The pool hands a connection back without the reset round trip (db/pool.py); what the reset was for
still holds for everything the service does with a connection."""

import asyncpg
import pytest

from db.pool import create_pool


async def test_a_connection_given_back_mid_transaction_comes_back_clean(database_url: str) -> None:
    pool = await create_pool(database_url, max_size=1)
    try:
        with pytest.raises(asyncpg.DivisionByZeroError):
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("CREATE TEMPORARY TABLE pool_probe (n int) ON COMMIT DROP")
                await conn.execute("SELECT pg_advisory_xact_lock(4242)")
                await conn.fetchval("SELECT 1 / 0")
        async with pool.acquire() as conn:  # the same connection: the pool holds one
            assert not conn.is_in_transaction()
            assert await conn.fetchval("SELECT to_regclass('pool_probe')") is None
            held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            assert await conn.fetchval(held) == 0
    finally:
        await pool.close()


@pytest.mark.parametrize("ours", [True, False])
async def test_a_release_sends_nothing_to_the_server(database_url: str, ours: bool) -> None:
    """asyncpg's own pool sends its reset query at every release; ours sends nothing."""
    seen: list[str] = []
    pool = (
        await create_pool(database_url, max_size=1)
        if ours
        else await asyncpg.create_pool(database_url, min_size=0, max_size=1)
    )
    try:
        async with pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
            conn.add_query_logger(lambda record: seen.append(record.query))
        if ours:
            assert seen == []
        else:
            assert len(seen) == 1 and "RESET ALL" in seen[0]
    finally:
        await pool.close()
