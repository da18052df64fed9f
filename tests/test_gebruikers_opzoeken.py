"""Users are found by index, not by reading the table: a gemeente's table gains a parent or two for every
child ever imported, and a look-up that reads it all grows with it (migration 032; issue 14 measured the
parents' addresses at 1.1 ms a child on an import of 1,000 into a fresh database).

Each look-up is run for real against a database with thousands of parents, its statements caught on the
way (asyncpg's query logger), and each statement's plan asked of PostgreSQL: each look-up reads the users'
table, and none reads it from end to end."""

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import date
from typing import Any

import asyncpg
import pytest

from db import berichten, gebruikers, kinderen, ouder_codes
from db.pool import create_pool
from overdracht import demo
from schemas.bericht import Ontvanger
from tests.helpers import database_before

PARENTS = 4000


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
    pool = await create_pool(dsn, max_size=1)  # the look-ups' own pool: one connection, its statements caught
    try:
        caught: list[tuple[str, tuple[Any, ...]]] = []
        async with pool.acquire() as one:
            one.add_query_logger(lambda record: caught.append((record.query, record.args)))  # kept past release
        overdracht_id = await conn.fetchval("SELECT id FROM overdrachten WHERE kind_id = $1", kind_id)
        email = await conn.fetchval("SELECT email FROM gebruikers WHERE id = $1", ouder_id)

        async def plans(look_up: Callable[[], Awaitable[Any]]) -> tuple[Any, list[list[tuple[str, str]]]]:
            """What the look-up answers, and the tables each of its statements reads, by what."""
            del caught[:]
            answer = await look_up()
            explained = [await conn.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *args) for sql, args in caught]
            return answer, [_scans(json.loads(plan)[0]["Plan"]) for plan in explained]

        look_ups: list[tuple[Callable[[], Awaitable[Any]], Any]] = [
            (lambda: berichten.addresses(pool, overdracht_id, Ontvanger.OUDERS), [email]),
            (lambda: kinderen.parents(pool, kind_id), [ouder_id]),
            (lambda: _ids(ouder_codes.parents_of(pool, kind_id)), [ouder_id]),
            (lambda: _ids(ouder_codes.parent_of(pool, kind_id, ouder_id)), [ouder_id]),
            (lambda: _ids(ouder_codes.parents_by_address(pool, email.upper(), ["concept"]), "overdracht_id"),
             [overdracht_id]),
            (lambda: gebruikers.address_taken(pool, demo.ALMERE, email), False),
        ]  # fmt: skip
        for look_up, expected in look_ups:
            answer, scans = await plans(look_up)
            # Each look-up answers what it should (the index changes no answer) ...
            assert answer == expected
            # ... and reads the users it needs by an index.
            read = [scan for statement in scans for scan in statement]
            assert any(table == "gebruikers" for _, table in read), scans
            assert ("Seq Scan", "gebruikers") not in read, scans
    finally:
        await pool.close()
        await conn.close()


async def _ids(rows: Awaitable[Sequence[asyncpg.Record] | asyncpg.Record | None], key: str = "id") -> list[Any]:
    found = await rows
    if found is None:
        return []
    return [found[key]] if isinstance(found, asyncpg.Record) else [row[key] for row in found]
