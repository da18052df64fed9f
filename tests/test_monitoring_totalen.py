"""The monitoring's totals (migration 027: monitoring_cijfers, monitoring_trend, kinderen.heeft_overdracht)
stay exact: after every kind of write to the read model (a new row, a status change, a move, a school
named, a purge, an upsert, a delete, a rolled-back write, two writers at once), the key figures and the
trend summed from the totals are what counting the rows themselves gives, for every role's scope, every
grouping and every filter. db/monitoring.py keeps the count from the rows (`_kengetallen_uit_rijen`,
`_trend_uit_rijen`) for the scope the totals do not carry; here it is the reference.

Each test has a gemeente of its own, so its numbers are exact while other tests share the database."""

import asyncio
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from db import monitoring, overdrachten, read_model
from db.monitoring import Filters
from db.pool import Executor
from protocol.dates import end_of_day
from schemas.gebruiker import Gebruiker
from schemas.lijst import Filters as ListFilters
from schemas.lijst import Sort
from schemas.monitoring import Groepering
from schemas.overdracht import Rol, Status

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Stad:
    """A gemeente: stadsdelen A and B, a wijk in each, locations l1 and l2 (in A) and l3 (in B), schools s1
    and s2; its coordinator, a PM'er of l1 and l3, and the staff of school s1."""

    def __init__(self) -> None:
        self.id, self.sd_a, self.sd_b, self.w_a, self.w_b = (uuid4() for _ in range(5))
        self.l1, self.l2, self.l3, self.s1, self.s2 = (uuid4() for _ in range(5))
        self.coordinator = Gebruiker(id=uuid4(), naam="C", rol=Rol.COORDINATOR, gemeente_id=self.id)
        self.pm = Gebruiker(
            id=uuid4(), naam="P", rol=Rol.PEDAGOGISCH_MEDEWERKER, gemeente_id=self.id, locatie_ids=(self.l1, self.l3)
        )
        self.school = Gebruiker(id=uuid4(), naam="S", rol=Rol.SCHOOL, gemeente_id=self.id, school_id=self.s1)

    async def make(self, pool: asyncpg.Pool) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO gemeenten (id, naam) VALUES ($1, 'Totaalstad')", self.id)
            await conn.executemany(
                "INSERT INTO stadsdelen (id, gemeente_id, naam) VALUES ($1, $2, $3)",
                [(self.sd_a, self.id, "A"), (self.sd_b, self.id, "B")],
            )
            await conn.executemany(
                "INSERT INTO wijken (id, stadsdeel_id, naam) VALUES ($1, $2, $3)",
                [(self.w_a, self.sd_a, "Wa"), (self.w_b, self.sd_b, "Wb")],
            )
            await conn.executemany(
                "INSERT INTO locaties (id, wijk_id, naam) VALUES ($1, $2, $3)",
                [(self.l1, self.w_a, "L1"), (self.l2, self.w_a, "L2"), (self.l3, self.w_b, "L3")],
            )
            await conn.executemany(
                "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, $3)",
                [(self.s1, self.w_a, "S1"), (self.s2, self.w_b, "S2")],
            )


async def a_child(pool: asyncpg.Pool, locatie_id: UUID, *, vve: bool = False, born: date | None = None) -> UUID:
    kind_id = uuid4()
    await pool.execute(
        "INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie)"
        " VALUES ($1, $2, 'Testkind', 'Proef-Totaal', $3, $4)",
        kind_id, locatie_id, born or date(2022, 5, 1), vve,
    )  # fmt: skip
    return kind_id


_INSERT = """
INSERT INTO overdrachten (id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, geopend_op,
    toestemming_op, verzonden_op, ontvangen_op, eerste_schooldag, warme_overdracht_gehouden_op, bijgewerkt_op,
    deadlines, vlaggen, schooljaar, vve_indicatie)
VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11, $12, $7, $13::jsonb, $14::text[], $15, $16)
"""


async def an_overdracht(
    pool: Executor,
    stad: Stad,
    locatie_id: UUID,
    status: str,
    *,
    kind_id: UUID | None = None,
    school_id: UUID | None = None,
    toestemming_op: datetime | None = None,
    verzonden_op: datetime | None = None,
    ontvangen_op: datetime | None = None,
    deadlines: dict[str, datetime] | None = None,
    vlaggen: list[str] | None = None,
    schooljaar: str | None = "2026-2027",
    vve: bool = False,
    eerste_schooldag: date | None = None,
    warm_op: date | None = None,
) -> UUID:
    overdracht_id = uuid4()
    await pool.execute(
        _INSERT,
        overdracht_id, kind_id, stad.id, locatie_id, school_id, status, T0, toestemming_op, verzonden_op,
        ontvangen_op, eerste_schooldag, warm_op,
        json.dumps({k: v.isoformat() for k, v in (deadlines or {}).items()}), vlaggen or [], schooljaar, vve,
    )  # fmt: skip
    return overdracht_id


def _plain(rows: list[asyncpg.Record]) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]


def _forecast(rows: list[asyncpg.Record]) -> list[tuple[Any, ...]]:
    """The forecast's groups in one order (a GROUPING SETS answer has none)."""
    return sorted(tuple(str(v) for v in r.values()) for r in rows)


async def assert_totals_are_the_rows(pool: asyncpg.Pool, stad: Stad) -> int:
    """Every role, grouping and filter: the totals' answer is the rows' answer. Returns how many open
    deadlines the forecasts counted (summed over every question)."""
    counted = 0
    filters = [
        None,
        Filters(schooljaar="2026-2027"),
        Filters(stadsdeel_id=stad.sd_a),
        Filters(wijk_id=stad.w_b),
        Filters(locatie_id=stad.l1),
        Filters(school_id=stad.s1),
    ]
    for user in (stad.coordinator, stad.pm, stad.school):
        for groepering in Groepering:
            for f in filters:
                for schooljaar in (None, "2026-2027", "2027-2028"):
                    answer = await monitoring.kengetallen(pool, user, groepering, schooljaar, f)
                    counted_from_rows = await monitoring._kengetallen_uit_rijen(pool, user, groepering, schooljaar, f)
                    assert json.loads(answer) == json.loads(counted_from_rows), (user.rol, groepering, f, schooljaar)
        for f in filters:
            got = await monitoring.trend(pool, user, f or Filters())
            want = await monitoring._trend_uit_rijen(pool, user, f or Filters())
            assert _plain(got) == _plain(want), (user.rol, f)
        # The forecast (migration 029), seen from before, between and after the deadlines: a deadline
        # that has ended is no longer forecast, in the totals as in the rows.
        for now in (T0 - timedelta(days=3), T0 + timedelta(days=45), T0 + timedelta(days=100)):
            monday = now.date() - timedelta(days=now.weekday())
            for f in filters:
                got = await monitoring.prognose(pool, user, f or Filters(), now=now, monday=monday, weken=26)
                want = await monitoring._prognose_uit_rijen(
                    pool, user, f or Filters(), now=now, monday=monday, weken=26
                )
                assert _forecast(got) == _forecast(want), (user.rol, f, now)
                counted += sum(r["aantal"] for r in got if r["per_deadline"])
    # The stored totals themselves: one row per key, each the count of its rows.
    stored = await pool.fetch(
        "SELECT schooljaar, locatie_id, school_id, school_ziet, aantal, status_afgerond, school_onbekend"
        " FROM monitoring_cijfers WHERE gemeente_id = $1 AND aantal <> 0 ORDER BY 1, 2, 3, 4",
        stad.id,
    )
    fresh = await pool.fetch(
        "SELECT schooljaar, locatie_id, school_id,"
        " (verzonden_op IS NOT NULL AND status NOT IN ('ingetrokken', 'geannuleerd')) AS school_ziet,"
        " count(*)::int AS aantal, (count(*) FILTER (WHERE status = 'afgerond'))::int AS status_afgerond,"
        " (count(*) FILTER (WHERE 'school_onbekend' = ANY(vlaggen)))::int AS school_onbekend"
        " FROM overdrachten WHERE gemeente_id = $1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        stad.id,
    )
    assert _plain(stored) == _plain(fresh)
    # The forecast's totals per week (031) are its totals per moment (029), summed per week.
    for soort in ("locatie", "school"):
        per_week = await pool.fetch(
            f"SELECT week, schooljaar, {soort}_id, aantal FROM monitoring_prognose_{soort}_week"
            " WHERE gemeente_id = $1 AND aantal <> 0 ORDER BY 1, 2, 3",
            stad.id,
        )
        summed = await pool.fetch(
            f"SELECT monitoring_week(moment) AS week, schooljaar, {soort}_id, sum(aantal)::int AS aantal"
            f" FROM monitoring_prognose_{soort} WHERE gemeente_id = $1 GROUP BY 1, 2, 3 HAVING sum(aantal) <> 0"
            " ORDER BY 1, 2, 3",
            stad.id,
        )
        assert _plain(per_week) == _plain(summed), soort
    return counted


async def test_a_deadline_at_the_midnight_after_a_sunday_is_in_that_sundays_week(pool: asyncpg.Pool) -> None:
    """Migration 031's weeks are the forecast's (db/monitoring._weken): a deadline is in the week of the
    day it ends at the end of, in Amsterdam; one a microsecond later is in the next week."""
    stad = Stad()
    await stad.make(pool)
    sunday = date(2026, 3, 29)  # the clocks go forward that night: the end of the day is 22:00 UTC
    midnight = end_of_day(sunday)
    assert midnight == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    await an_overdracht(
        pool, stad, stad.l1, "concept", school_id=stad.s1,
        deadlines={"toestemming": midnight, "verzenden": midnight + timedelta(microseconds=1)},
    )  # fmt: skip

    weeks = await pool.fetch(
        "SELECT week, aantal FROM monitoring_prognose_locatie_week WHERE gemeente_id = $1 ORDER BY week", stad.id
    )

    assert [(r["week"], r["aantal"]) for r in weeks] == [(date(2026, 3, 23), 1), (date(2026, 3, 30), 1)]
    assert await assert_totals_are_the_rows(pool, stad) > 0


async def test_the_totals_equal_a_fresh_count_after_every_kind_of_write(pool: asyncpg.Pool) -> None:
    stad = Stad()
    await stad.make(pool)
    dl = {
        "school_bekend": T0 + timedelta(days=20),
        "toestemming": T0 + timedelta(days=30),
        "verzenden": T0 + timedelta(days=60),
        "bevestigen": T0 + timedelta(days=90),
        "warme_overdracht": T0 + timedelta(days=120),
    }
    kind1 = await a_child(pool, stad.l1, vve=True)
    o1 = await an_overdracht(pool, stad, stad.l1, "concept", kind_id=kind1, deadlines=dl, vve=True)
    o2 = await an_overdracht(
        pool, stad, stad.l1, "verzonden", school_id=stad.s1, toestemming_op=T0 + timedelta(days=10),
        verzonden_op=T0 + timedelta(days=70), deadlines=dl, vlaggen=["te_laat_verzenden"],
    )  # fmt: skip
    o3 = await an_overdracht(
        pool, stad, stad.l2, "afgerond", school_id=stad.s2, toestemming_op=T0 + timedelta(days=40),
        verzonden_op=T0 + timedelta(days=50), ontvangen_op=T0 + timedelta(days=95), deadlines=dl, vve=True,
        eerste_schooldag=date(2026, 8, 20), warm_op=date(2026, 8, 10), schooljaar="2027-2028",
    )  # fmt: skip
    o4 = await an_overdracht(
        pool, stad, stad.l3, "wacht_op_school", toestemming_op=T0 + timedelta(days=5), vlaggen=["school_onbekend"],
        schooljaar=None,
    )  # fmt: skip
    assert await assert_totals_are_the_rows(pool, stad) > 0  # the forecast put to the test

    # A status change with its dates, as the read model writes it: the row moves between totals.
    await pool.execute(
        "UPDATE overdrachten SET status = 'verzonden', school_id = $2, toestemming_op = $3, verzonden_op = $4"
        " WHERE id = $1",
        o1, stad.s1, T0 + timedelta(days=31), T0 + timedelta(days=40),
    )  # fmt: skip
    # A school named, and the school year known, for the one waiting for a school.
    await pool.execute("UPDATE overdrachten SET school_id = $2, schooljaar = '2026-2027' WHERE id = $1", o4, stad.s2)
    # The child moves: another location takes the overdracht over.
    await pool.execute("UPDATE overdrachten SET locatie_id = $2 WHERE id = $1", o2, stad.l3)
    # Withdrawn after sending: out of the school's sight.
    await pool.execute("UPDATE overdrachten SET status = 'ingetrokken' WHERE id = $1", o2)
    # A warm handover becomes required: its deadline is open from now on.
    await pool.execute("UPDATE overdrachten SET warme_overdracht_vereist = true WHERE id = $1", o1)
    # A write that changes no count (a new revision, a moved deadline).
    await pool.execute("UPDATE overdrachten SET revisie = revisie + 1, bijgewerkt_op = now() WHERE id = $1", o3)
    assert await assert_totals_are_the_rows(pool, stad) > 0

    # Refused and purged: the child's record goes, the row (kind_id NULL by the foreign key) stays counted.
    await pool.execute("UPDATE overdrachten SET status = 'geweigerd' WHERE id = $1", o1)
    async with pool.acquire() as conn, conn.transaction():
        await read_model.purge_content(conn, o1)
    assert await pool.fetchval("SELECT kind_id FROM overdrachten WHERE id = $1", o1) is None
    # An upsert as the read model's: one row new, one updated, in one statement.
    o5 = uuid4()
    await pool.execute(
        "INSERT INTO overdrachten (id, gemeente_id, locatie_id, status, geopend_op, bijgewerkt_op, schooljaar)"
        " VALUES ($1, $3, $4, 'bij_ouders', $5, $5, '2026-2027'), ($2, $3, $4, 'afgerond', $5, $5, '2026-2027')"
        " ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, ontvangen_op = EXCLUDED.geopend_op",
        o5, o3, stad.id, stad.l2, T0,
    )  # fmt: skip
    # Several rows in one statement, and a delete.
    await pool.execute("UPDATE overdrachten SET vlaggen = '{school_onbekend}' WHERE gemeente_id = $1", stad.id)
    await pool.execute("DELETE FROM overdrachten WHERE id = $1", o4)
    # A write rolled back leaves no count behind.
    try:
        async with pool.acquire() as conn, conn.transaction():
            await an_overdracht(conn, stad, stad.l1, "concept")
            await conn.execute("UPDATE overdrachten SET status = 'afgerond' WHERE id = $1", o5)
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    await assert_totals_are_the_rows(pool, stad)


async def test_the_update_trigger_skips_only_writes_that_change_nothing_it_counts(pool: asyncpg.Pool) -> None:
    """Migration 033: the update trigger returns at once when no column it counts changed (a saved
    draft). The columns it checks must be exactly those it counts (every `r.<column>` of its sums, and
    kind_id for kinderen.heeft_overdracht): one counted but not checked would leave its total wrong
    whenever a write changed only that column. (That the totals stay exact is the test above.)"""
    definition = await pool.fetchval("SELECT pg_get_functiondef('monitoring_na_update'::regproc)")
    guard, sums = definition.split("WITH d AS MATERIALIZED", 1)
    checked = set(re.findall(r"\bn\.([a-z_]+)", guard)) - {"id"}
    counted = (set(re.findall(r"\br\.([a-z_]+)", sums)) - {"teken"}) | {"kind_id"}
    assert checked == counted


async def test_two_writers_of_the_same_total_lose_no_count(pool: asyncpg.Pool) -> None:
    stad = Stad()
    await stad.make(pool)
    first, second = await pool.acquire(), await pool.acquire()
    try:
        tx1, tx2 = first.transaction(), second.transaction()
        await tx1.start()
        await tx2.start()
        await an_overdracht(first, stad, stad.l1, "concept")  # holds the total's row until it commits
        waiting = asyncio.create_task(an_overdracht(second, stad, stad.l1, "concept"))  # same key: waits
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await tx1.commit()
        await waiting
        await tx2.commit()
    finally:
        await pool.release(first)
        await pool.release(second)
    aantal = await pool.fetchval(
        "SELECT sum(aantal) FROM monitoring_cijfers WHERE gemeente_id = $1 AND locatie_id = $2", stad.id, stad.l1
    )
    assert aantal == 2
    await assert_totals_are_the_rows(pool, stad)


async def test_a_child_has_an_overdracht_exactly_while_one_names_it(pool: asyncpg.Pool) -> None:
    stad = Stad()
    await stad.make(pool)
    kind = await a_child(pool, stad.l1, vve=True)

    async def heeft() -> bool:
        value: bool = await pool.fetchval("SELECT heeft_overdracht FROM kinderen WHERE id = $1", kind)
        return value

    assert not await heeft()
    o = await an_overdracht(pool, stad, stad.l1, "concept", kind_id=kind)
    assert await heeft()
    await pool.execute("DELETE FROM overdrachten WHERE id = $1", o)
    assert not await heeft()


async def test_a_pm_of_several_locations_pages_through_each_sort_as_one_list(pool: asyncpg.Pool) -> None:
    """db/overdrachten.page takes each location's first rows in the sort's order and pages their union:
    every page is what one sort of all the locations' rows gives (the lists' index per location)."""
    stad = Stad()
    await stad.make(pool)
    for n in range(24):
        o = await an_overdracht(
            pool, stad, (stad.l1, stad.l3, stad.l2)[n % 3], ("concept", "verzonden", "afgerond")[n % 2]
        )
        await pool.execute(
            "UPDATE overdrachten SET geopend_op = $2, bijgewerkt_op = $3, volgende_deadline = $4,"
            " achterstallig_sinds = $5, open_vlaggen = $6::text[] WHERE id = $1",
            o, T0 + timedelta(days=(n * 7) % 24), T0 + timedelta(hours=(n * 5) % 24),
            T0 + timedelta(days=n % 5) if n % 4 else None, T0 + timedelta(days=n % 3) if n % 3 == 0 else None,
            ["te_laat_verzenden"] if n % 3 == 0 else [],
        )  # fmt: skip
    for sort in Sort:
        for filters in (ListFilters(), ListFilters(te_laat=True), ListFilters(status=[Status.CONCEPT])):
            key, descending = overdrachten._SORTS[sort]
            want = [
                r["id"]
                for r in await pool.fetch(
                    f"SELECT o.id FROM overdrachten o WHERE o.locatie_id = ANY($1::uuid[])"
                    f" AND ($2::boolean IS NULL OR cardinality(o.open_vlaggen) > 0)"
                    f" AND ($3::text IS NULL OR o.status = $3)"
                    f" ORDER BY {key} {'DESC' if descending else 'ASC'}, o.id {'DESC' if descending else 'ASC'}",
                    [stad.l1, stad.l3],
                    filters.te_laat,
                    filters.status[0].value if filters.status else None,
                )  # fmt: skip
            ]
            got: list[UUID] = []
            after = None
            while page := await overdrachten.page(pool, stad.pm, filters, sort, after, 5):
                got += [r["id"] for r in page]
                after = (page[-1]["sort_key"], page[-1]["id"])
            assert got == want, (sort, filters)
