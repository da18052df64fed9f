"""Users are found by index, not by reading the table: a gemeente's table gains a parent or two for every
child ever imported, and a look-up that reads it all grows with it (migration 032; issue 14 measured the
parents' addresses at 1.1 ms a child on an import of 1,000 into a fresh database).

Each look-up is run for real against a database with thousands of parents, its statements caught on the
way, and each statement's plan asked of PostgreSQL: none may read the users' table from end to end."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any, cast

import asyncpg
import pytest

from db import berichten, gebruikers, kinderen, ouder_codes
from db.pool import create_pool
from overdracht import demo
from schemas.bericht import Ontvanger
from tests.helpers import database_before

PARENTS = 4000


class Caught:
    """An Executor that runs every statement and keeps it with its arguments."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        self.statements.append((sql, args))
        return await self._conn.fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        self.statements.append((sql, args))
        return await self._conn.fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        self.statements.append((sql, args))
        return await self._conn.fetchval(sql, *args)


def _scans(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(node type, table) of every node of a plan that reads a table."""
    found = [(plan["Node Type"], plan["Relation Name"])] if "Relation Name" in plan else []
    for child in plan.get("Plans", []):
        found += _scans(child)
    return found


@pytest.fixture(scope="module")
async def many_parents(database_url: str) -> AsyncIterator[tuple[str, uuid.UUID, uuid.UUID]]:
    """A database of its own with every migration, the demo's organisations and PARENTS children each
    with a parent (made-up names, an address each); one child's overdracht open. (Its DSN, that child,
    its parent.)"""
    async with database_before(database_url, "999") as dsn:  # every migration
        pool = await create_pool(dsn, max_size=2)
        try:
            await demo.load_reference_data(pool, date.today())
            async with pool.acquire() as conn:
                await conn.execute(
                    """
                    WITH k AS (
                        INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum)
                        SELECT gen_random_uuid(), $1, 'Kind', 'Proef-' || n, current_date - 1300
                        FROM generate_series(1, $3) AS n
                        RETURNING id, achternaam
                    )
                    INSERT INTO gebruikers (id, naam, rol, gemeente_id, kind_id, email)
                    SELECT gen_random_uuid(), 'Ouder ' || achternaam, 'ouder', $2, id,
                           lower(achternaam) || '@ouders.example'
                    FROM k
                    """,
                    demo.BOOMHUT, demo.ALMERE, PARENTS,
                )  # fmt: skip
                ouder = await conn.fetchrow("SELECT kind_id, id FROM gebruikers WHERE rol = 'ouder' LIMIT 1")
                assert ouder is not None
                kind_id, ouder_id = ouder["kind_id"], ouder["id"]
                await conn.execute(
                    "INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie,"
                    " geopend_op, bijgewerkt_op, schooljaar, deadlines) VALUES ($1, $2, $3, $4, $5, 'concept', 1,"
                    " now(), now(), '2026-2027', $6::jsonb)",
                    uuid.uuid4(), kind_id, demo.ALMERE, demo.BOOMHUT, demo.STER, json.dumps({}),
                )  # fmt: skip
                await conn.execute("ANALYZE")
            yield dsn, kind_id, ouder_id
        finally:
            await pool.close()


async def test_no_look_up_of_a_user_reads_the_whole_table(many_parents: tuple[str, uuid.UUID, uuid.UUID]) -> None:
    dsn, kind_id, ouder_id = many_parents
    conn = await asyncpg.connect(dsn)
    try:
        caught = Caught(conn)
        # The look-ups take a pool or a connection; they call only what Caught has.
        pool = cast(asyncpg.Pool, caught)
        overdracht_id = await conn.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id)
        email = await conn.fetchval("SELECT email FROM gebruikers WHERE id = $1", ouder_id)

        # Each look-up answers what it should (the index changes no answer) ...
        assert await berichten.addresses(pool, overdracht_id, Ontvanger.OUDERS) == [email]
        assert await kinderen.parents(pool, kind_id) == [ouder_id]
        assert [r["id"] for r in await ouder_codes.parents_of(pool, kind_id)] == [ouder_id]
        assert (await ouder_codes.parent_of(pool, kind_id, ouder_id)) is not None
        by_address = await ouder_codes.parents_by_address(pool, email.upper(), ["concept"])
        assert [r["overdracht_id"] for r in by_address] == [overdracht_id]
        assert not await gebruikers.address_taken(pool, demo.ALMERE, email)
        assert len(caught.statements) == 6

        # ... and reads the users it needs by an index.
        for sql, args in caught.statements:
            plan = json.loads(await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args))[0]["Plan"]
            assert ("Seq Scan", "gebruikers") not in _scans(plan), sql
    finally:
        await conn.close()
