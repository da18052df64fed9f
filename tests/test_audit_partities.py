"""The audit trail at scale (issue 14): one row per request naming every subject it touched, found by a
child's inzage-log; partitioned by month, with partitions made ahead and dropped past the retention
term by the owner only; still append-only for the API's role; and the achterstanden CSV streamed, with
exactly one audit row for the whole download."""

import csv
import io
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import httpx
import pytest
from dateutil.relativedelta import relativedelta
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from core.settings import Settings
from db import audit
from db.migrate import MIGRATIONS
from services import monitoring
from tests.conftest import TASK_QUEUE, Login
from tests.helpers import database_before
from tests.test_monitoring import a_gemeente, an_overdracht
from workflows.history_cleanup import HistoryCleanupWorkflow

CSV_HEADERS = {"Accept": "text/csv"}
LATE = ("te_laat_toestemming",)


async def last_id(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT COALESCE(max(id), 0) FROM audit_log")


def first_of_month(moment: datetime, months: int = 0) -> datetime:
    first = moment.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first + relativedelta(months=months)


async def insert_row(pool: asyncpg.Pool, tijdstip: datetime, *, kind_id: UUID | None = None) -> int:
    """A row as the owner writes one, at a moment of choice (the API's rows take the clock's)."""
    row_id: int = await pool.fetchval(
        "INSERT INTO audit_log (tijdstip, gebruiker_id, rol, gemeente_id, kind_ids, actie, onderwerp, grondslag,"
        " resultaat) VALUES ($1, $2, 'coordinator', $2, $3, 'lezen', 'test.partitie', 'Test', 200) RETURNING id",
        tijdstip, uuid4(), [kind_id] if kind_id else [],
    )  # fmt: skip
    return row_id


async def partition_of(pool: asyncpg.Pool, row_id: int) -> str:
    name: str = await pool.fetchval("SELECT tableoid::regclass::text FROM audit_log WHERE id = $1", row_id)
    return name


async def partitions(pool: asyncpg.Pool) -> set[str]:
    rows = await pool.fetch("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'audit_log'::regclass")
    return {r[0] for r in rows}


# The achterstanden download


@pytest.mark.parametrize("batch", [4, monitoring.BATCH])
async def test_a_csv_download_of_n_rows_writes_one_audit_row_naming_all_n(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(monitoring, "BATCH", batch)  # several batches of the stream, or one
    g = await a_gemeente(pool)
    n = 11
    late = [
        await an_overdracht(
            pool, g, g.l1, open_vlaggen=LATE, achterstallig_sinds=datetime.now(UTC) - timedelta(days=30 - i)
        )
        for i in range(n)
    ]
    not_late = await an_overdracht(pool, g, g.l1)
    since = await last_id(pool)

    r = await api.get("/v1/monitoring/achterstanden", headers=await login(g.coordinator) | CSV_HEADERS)

    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="achterstanden-')
    lines = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert [UUID(line["Overdracht"]) for line in lines] == late  # oldest overdue first, each once
    rows = await pool.fetch("SELECT * FROM audit_log WHERE id > $1 AND gebruiker_id = $2", since, g.coordinator)
    assert len(rows) == 1
    [row] = rows
    assert (row["actie"], row["onderwerp"], row["grondslag"], row["resultaat"]) == (
        "lezen", "monitoring.achterstanden", "AchterstandenLezen", 200,
    )  # fmt: skip
    assert sorted(row["overdracht_ids"]) == sorted(late) and not_late not in row["overdracht_ids"]
    kinderen = await pool.fetch("SELECT kind_id FROM overdrachten WHERE id = ANY($1::uuid[])", late)
    assert sorted(row["kind_ids"]) == sorted(k["kind_id"] for k in kinderen)  # the children too, by id


async def test_an_empty_download_is_a_header_and_logs_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    since = await last_id(pool)

    r = await api.get("/v1/monitoring/achterstanden", headers=await login(g.coordinator) | CSV_HEADERS)

    assert r.status_code == 200
    assert r.content.decode("utf-8-sig").splitlines()[0].startswith("Overdracht;Status;")
    assert len(r.content.decode("utf-8-sig").splitlines()) == 1
    # Nobody's data went out: nothing to log, as for an empty page.
    assert not await pool.fetch("SELECT * FROM audit_log WHERE id > $1 AND gebruiker_id = $2", since, g.coordinator)


async def test_a_refused_download_writes_its_refusal_and_sends_nothing(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    await an_overdracht(pool, g, g.l1, open_vlaggen=LATE, achterstallig_sinds=datetime.now(UTC))
    since = await last_id(pool)

    r = await api.get("/v1/monitoring/achterstanden", headers=await login(g.pm1) | CSV_HEADERS)

    assert r.status_code == 403 and not r.headers["content-type"].startswith("text/csv")
    rows = await pool.fetch("SELECT * FROM audit_log WHERE id > $1 AND gebruiker_id = $2", since, g.pm1)
    assert [(x["resultaat"], x["overdracht_ids"], x["kind_ids"]) for x in rows] == [(403, [], [])]


# The inzage-log through a row that names many


async def test_a_childs_inzage_finds_a_read_done_through_a_row_naming_many(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    g = await a_gemeente(pool)
    mine = await an_overdracht(pool, g, g.l1, open_vlaggen=LATE, achterstallig_sinds=datetime.now(UTC))
    others = [
        await an_overdracht(pool, g, g.l2, open_vlaggen=LATE, achterstallig_sinds=datetime.now(UTC)) for _ in range(3)
    ]
    kind_id = await pool.fetchval("SELECT kind_id FROM overdrachten WHERE id = $1", mine)
    parent = await pool.fetchval("SELECT id FROM gebruikers WHERE kind_id = $1", kind_id)
    await pool.execute("UPDATE gebruikers SET gemeente_id = $2 WHERE id = $1", parent, g.id)

    assert (await api.get("/v1/monitoring/achterstanden", headers=await login(g.coordinator))).status_code == 200
    assert (
        await api.get("/v1/monitoring/achterstanden", headers=await login(g.coordinator) | CSV_HEADERS)
    ).status_code == 200
    [page, download] = await pool.fetch(
        "SELECT overdracht_ids FROM audit_log WHERE gebruiker_id = $1 ORDER BY id", g.coordinator
    )
    assert set(page["overdracht_ids"]) == set(download["overdracht_ids"]) == {mine, *others}

    r = await api.get(f"/v1/overdrachten/{mine}/inzage-log", headers=await login(parent), params={"pageSize": 25})

    assert r.status_code == 200, r.text
    reads = [e for e in r.json()["resultaten"] if e["onderwerp"] == "monitoring.achterstanden"]
    assert len(reads) == 2  # the page and the download: each one row, each found
    assert {(e["rol"], e["actie"], e["grondslag"]) for e in reads} == {("coordinator", "lezen", "AchterstandenLezen")}
    assert reads[0]["organisatie"] == {"id": str(g.id), "naam": "Monitorstad"}
    # The other children's overdrachten are not the parents' to see: the answer names none of them.
    assert not any(str(o) in r.text for o in others)
    # Found by the child's id too (a purged overdracht's child), through the GIN index.
    found = await audit.inzage(pool, kind_id, uuid4(), None, 25)
    assert {x["onderwerp"] for x in found} >= {"monitoring.achterstanden"}


async def test_a_list_by_staff_of_several_locations_names_each_location_with_its_own(
    api: httpx.AsyncClient, pool: asyncpg.Pool, login: Login
) -> None:
    """A PM'er of two locations reads a list of both: one row per location, each naming its own
    overdrachten, so a child's inzage-log names the location that read it."""
    g = await a_gemeente(pool)
    here = await an_overdracht(pool, g, g.l1)
    there = await an_overdracht(pool, g, g.l2)
    await pool.execute("INSERT INTO gebruiker_locaties VALUES ($1, $2)", g.pm1, g.l2)
    since = await last_id(pool)

    r = await api.get("/v1/overdrachten", headers=await login(g.pm1), params={"pageSize": 100})

    assert r.status_code == 200 and {here, there} <= {UUID(o["id"]) for o in r.json()["resultaten"]}
    rows = await pool.fetch("SELECT * FROM audit_log WHERE id > $1 AND gebruiker_id = $2 ORDER BY id", since, g.pm1)
    assert {(x["organisatie_id"], tuple(x["overdracht_ids"])) for x in rows} == {(g.l1, (here,)), (g.l2, (there,))}


# Partitions


async def test_a_row_lands_in_its_months_partition_and_the_coming_months_exist(pool: asyncpg.Pool) -> None:
    now = datetime.now(UTC)
    await audit.maintain(pool)
    for ahead in range(audit.MAANDEN_VOORUIT + 1):
        assert f"audit_log_{first_of_month(now, ahead):%Y_%m}" in await partitions(pool)
    assert "audit_log_default" in await partitions(pool)

    this_month = await insert_row(pool, now)
    next_month = await insert_row(pool, first_of_month(now, 1) + timedelta(days=3))

    assert await partition_of(pool, this_month) == f"audit_log_{now:%Y_%m}"
    assert await partition_of(pool, next_month) == f"audit_log_{first_of_month(now, 1):%Y_%m}"


async def test_a_row_of_a_month_without_a_partition_is_caught_and_moved_to_its_own(pool: asyncpg.Pool) -> None:
    far = first_of_month(datetime.now(UTC), 40) + timedelta(days=9, hours=3)
    row_id = await insert_row(pool, far)
    assert await partition_of(pool, row_id) == "audit_log_default"
    before = await pool.fetchrow("SELECT * FROM audit_log WHERE id = $1", row_id)

    await audit.maintain(pool)

    assert await partition_of(pool, row_id) == f"audit_log_{far:%Y_%m}"
    assert await pool.fetchrow("SELECT * FROM audit_log WHERE id = $1", row_id) == before  # the same row, its id
    assert not await pool.fetchval("SELECT count(*) FROM audit_log_default")


async def test_retention_drops_only_the_partitions_wholly_past_the_term(pool: asyncpg.Pool) -> None:
    cutoff = datetime.now(UTC) - relativedelta(months=audit.BEWAARTERMIJN_MAANDEN)
    kind_id = uuid4()
    past = await insert_row(pool, first_of_month(cutoff, -2) + timedelta(days=5), kind_id=kind_id)
    ends_before = await insert_row(pool, first_of_month(cutoff) - timedelta(microseconds=1), kind_id=kind_id)
    straddles = await insert_row(pool, first_of_month(cutoff) + timedelta(hours=1), kind_id=kind_id)
    await audit.maintain(pool, bewaren=10_000)  # their months' partitions made, nothing dropped
    assert await partition_of(pool, straddles) == f"audit_log_{cutoff:%Y_%m}"

    dropped = await audit.maintain(pool)

    assert f"audit_log_{first_of_month(cutoff, -2):%Y_%m}" in dropped
    assert f"audit_log_{first_of_month(cutoff, -1):%Y_%m}" in dropped
    assert f"audit_log_{cutoff:%Y_%m}" not in dropped  # it still holds rows younger than the term
    left = await pool.fetch("SELECT id FROM audit_log WHERE kind_ids @> ARRAY[$1::uuid]", kind_id)
    assert [r["id"] for r in left] == [straddles] and past != ends_before
    assert f"audit_log_{cutoff:%Y_%m}" in await partitions(pool)
    assert f"audit_log_{datetime.now(UTC):%Y_%m}" in await partitions(pool)


async def test_the_workers_hourly_round_makes_the_coming_months_partitions(
    env: WorkflowEnvironment, worker: Worker, pool: asyncpg.Pool
) -> None:
    """The hourly `overdracht-engine-opruimen` round (HistoryCleanupWorkflow) keeps the partitions too."""
    furthest = f"audit_log_{first_of_month(datetime.now(UTC), audit.MAANDEN_VOORUIT):%Y_%m}"
    await audit.maintain(pool)
    assert not await pool.fetchval(f"SELECT count(*) FROM {furthest}")  # nobody writes that far ahead
    await pool.execute(f"DROP TABLE {furthest}")
    assert furthest not in await partitions(pool)

    await env.client.execute_workflow(HistoryCleanupWorkflow.run, id=f"opruimen-{uuid4()}", task_queue=TASK_QUEUE)

    assert furthest in await partitions(pool)


# Append-only


async def test_the_api_role_cannot_change_truncate_drop_or_maintain_the_audit_trail(
    settings: Settings, pool: asyncpg.Pool
) -> None:
    row_id = await insert_row(pool, datetime.now(UTC))
    this_month = f"audit_log_{datetime.now(UTC):%Y_%m}"
    conn = await asyncpg.connect(settings.effective_api_database_url())
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_log WHERE id = $1", row_id) == 1
        for statement in (
            f"UPDATE audit_log SET resultaat = 500 WHERE id = {row_id}",
            f"DELETE FROM audit_log WHERE id = {row_id}",
            "TRUNCATE audit_log",
            f"UPDATE {this_month} SET resultaat = 500 WHERE id = {row_id}",
            f"DELETE FROM {this_month} WHERE id = {row_id}",
            f"TRUNCATE {this_month}",
            "TRUNCATE audit_log_default",
            f"DROP TABLE {this_month}",
            "DROP TABLE audit_log_default",
            "DROP TABLE audit_log",
            f"ALTER TABLE audit_log DETACH PARTITION {this_month}",
            f"ALTER TABLE {this_month} DISABLE TRIGGER ALL",
            "SELECT audit_log_drop_partitions(1)",
            "SELECT audit_log_ensure_partitions(1)",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
        # It still appends, through the partitioned table.
        await conn.execute(
            "INSERT INTO audit_log (gebruiker_id, rol, gemeente_id, actie, onderwerp, grondslag, resultaat)"
            " VALUES ($1, 'coordinator', $1, 'lezen', 'test.api', 'Test', 200)",
            uuid4(),
        )
    finally:
        await conn.close()
    assert await pool.fetchval("SELECT resultaat FROM audit_log WHERE id = $1", row_id) == 200


async def test_not_even_the_owner_can_change_or_truncate_a_partition(pool: asyncpg.Pool) -> None:
    row_id = await insert_row(pool, datetime.now(UTC))
    this_month = f"audit_log_{datetime.now(UTC):%Y_%m}"
    for statement in (
        f"UPDATE {this_month} SET resultaat = 500 WHERE id = {row_id}",
        f"DELETE FROM {this_month} WHERE id = {row_id}",
        f"TRUNCATE {this_month}",
        "TRUNCATE audit_log_default",
    ):
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await pool.execute(statement)
    assert await pool.fetchval("SELECT resultaat FROM audit_log WHERE id = $1", row_id) == 200


# The migration


async def test_the_migration_converts_the_old_table_and_keeps_its_rows(database_url: str) -> None:
    """Migration 028 on a database with rows in the old audit_log (one subject each): every row kept, with
    its id and moment, in its month's partition, its child and overdracht as one-element arrays."""
    async with database_before(database_url, "028") as dsn:
        conn = await asyncpg.connect(dsn)
        try:
            kind_id, overdracht_id, who = uuid4(), uuid4(), uuid4()
            for tijdstip, kind, overdracht in (
                (datetime(2024, 12, 31, 23, 30, tzinfo=UTC), kind_id, overdracht_id),
                (datetime(2025, 1, 1, 0, 30, tzinfo=UTC), None, overdracht_id),
                (datetime.now(UTC), None, None),
            ):
                await conn.execute(
                    "INSERT INTO audit_log (tijdstip, gebruiker_id, rol, gemeente_id, kind_id, overdracht_id, actie,"
                    " onderwerp, velden, grondslag, resultaat) VALUES ($1, $2, 'school', $2, $3, $4, 'lezen',"
                    " 'overdracht.detail', '{formulier}', 'OverdrachtLezen', 200)",
                    tijdstip, who, kind, overdracht,
                )  # fmt: skip
            before = await conn.fetch("SELECT id, tijdstip, kind_id, overdracht_id FROM audit_log ORDER BY id")

            await conn.execute((MIGRATIONS / "028_audit_partities.sql").read_text())

            after = await conn.fetch(
                "SELECT id, tijdstip, kind_ids, overdracht_ids, velden, tableoid::regclass::text AS partitie"
                " FROM audit_log ORDER BY id"
            )
            assert [(r["id"], r["tijdstip"]) for r in after] == [(r["id"], r["tijdstip"]) for r in before]
            assert [(r["kind_ids"], r["overdracht_ids"]) for r in after] == [
                ([kind_id], [overdracht_id]), ([], [overdracht_id]), ([], []),
            ]  # fmt: skip
            assert [r["partitie"] for r in after] == [
                "audit_log_2024_12", "audit_log_2025_01", f"audit_log_{datetime.now(UTC):%Y_%m}",
            ]  # fmt: skip
            assert all(r["velden"] == ["formulier"] for r in after)
            # The ids go on where they were.
            new_id = await conn.fetchval(
                "INSERT INTO audit_log (gebruiker_id, rol, gemeente_id, actie, onderwerp, grondslag, resultaat)"
                " VALUES ($1, 'school', $1, 'lezen', 'x', 'y', 200) RETURNING id",
                who,
            )
            assert new_id == before[-1]["id"] + 1
            assert not await conn.fetchval("SELECT to_regclass('audit_log_007')")
        finally:
            await conn.close()
