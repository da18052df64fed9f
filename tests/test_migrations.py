"""Migrations apply once each; running them again changes nothing."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg

from db.migrate import MIGRATIONS, migrate
from db.pool import create_pool
from overdracht import demo
from tests.happy_path import place_child
from tests.helpers import database_before


async def test_migrating_again_applies_nothing(database_url: str) -> None:
    assert await migrate(database_url) == []


def test_migrations_are_numbered_without_gaps() -> None:
    numbers = [int(p.name.split("_")[0]) for p in sorted(MIGRATIONS.glob("*.sql"))]
    assert numbers == list(range(1, len(numbers) + 1))


async def test_the_codes_migration_writes_stored_codes_in_small_letters_and_keeps_the_totals(
    database_url: str,
) -> None:
    """Migration 030 on a database written in the old spelling (AFGEROND): every status and event in
    small letters, the key figures and the forecast counted exactly as before, and kept right after."""
    async with database_before(database_url, "030") as dsn:
        conn = await asyncpg.connect(dsn)
        pool = await create_pool(dsn, max_size=2)
        try:
            await demo.load_reference_data(pool, date.today())
            soon = datetime.now(UTC) + timedelta(days=20)
            for status in ("CONCEPT", "VERZONDEN", "AFGEROND", "GEANNULEERD"):
                kind_id, _ = await place_child(pool)
                overdracht_id = uuid.uuid4()
                await conn.execute(
                    "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie,"
                    " geopend_op, bijgewerkt_op, schooljaar, deadlines) VALUES ($1, $2, $3, $4, $5, $6, 1, now(), now(),"
                    " '2026-2027', $7::jsonb)",
                    overdracht_id, kind_id, demo.ALMERE, demo.BOOMHUT, demo.STER, status,
                    json.dumps({"toestemming": soon.isoformat(), "bevestigen": soon.isoformat()}),
                )  # fmt: skip
                await conn.execute(
                    "INSERT INTO overdracht_gebeurtenissen (overdracht_id, revisie, gebeurtenis, status, tijdstip)"
                    " VALUES ($1, 1, 'GEOPEND', $2, now())",
                    overdracht_id, status,
                )  # fmt: skip
            totals_before = await _totals(conn)
            assert any(totals_before.values())

            await conn.execute((MIGRATIONS / "030_codes_in_kleine_letters.sql").read_text())

            assert sorted(r["status"] for r in await conn.fetch("SELECT status FROM overdrachten")) == [
                "afgerond", "concept", "geannuleerd", "verzonden",
            ]  # fmt: skip
            assert {r["g"] for r in await conn.fetch("SELECT DISTINCT gebeurtenis || '/' || status AS g FROM overdracht_gebeurtenissen")} == {
                "geopend/afgerond", "geopend/concept", "geopend/geannuleerd", "geopend/verzonden",
            }  # fmt: skip
            assert await _totals(conn) == totals_before
            # The planner learns the new spelling at once (stale statistics made a list by status slow).
            analysed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'overdrachten'"
            assert await conn.fetchval(analysed)
            # The triggers count in the new spelling: a row that is sent moves in the totals, and back.
            await conn.execute("UPDATE overdrachten SET status = 'ontvangen' WHERE status = 'verzonden'")
            assert await _totals(conn) != totals_before
            await conn.execute("UPDATE overdrachten SET status = 'verzonden' WHERE status = 'ontvangen'")
            assert await _totals(conn) == totals_before
        finally:
            await pool.close()
            await conn.close()


async def _totals(conn: asyncpg.Connection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every totals table (027, 029), in a fixed order."""
    tables = [
        r["t"] for r in await conn.fetch("SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'monitoring%'")
    ]
    return {t: sorted(tuple(r.values()) for r in await conn.fetch(f"SELECT * FROM {t}")) for t in sorted(tables)}
