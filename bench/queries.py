"""How long the coordinator's and the lists' JSON pages take at a large read model (issue 14: p95 ≤ 25 ms
for every one of them at 1,000,000 overdrachten).

    python -m bench.queries            # 1,000,000 overdrachten, 100 requests per page; exits 1 over 25 ms p95
    python -m bench.queries --tiny     # a few thousand rows, 3 requests per page, no limits (the tests)

It starts a private PostgreSQL cluster (bench.LocalCluster, migrated; no Temporal: these pages only read
PostgreSQL, and the app connects to the engine lazily), and fills it directly with SQL (INSERT … SELECT
generate_series: no workflow writes a million rows in minutes) in realistic proportions: one gemeente
with Almere's shape (4 stadsdelen, 20 wijken, 100 locations, 60 schools), about 60 % of the overdrachten
closed (their content purged, as after the retention term), the open ones in every state with their
deadlines, next deadline and flags as the workflow writes them, nine school years, and children without
an overdracht for the coordinator's list of those. The rows go in through the table itself, so whatever
the database keeps up to date on a write (the monitoring's totals, migration 027) is kept here too.

Then it serves the app in-process (httpx's ASGI transport, as bench/pages.py) and asks every JSON page of
the monitoring and the list, with its filters and sorts, as the coordinator (the whole gemeente) and as
a pedagogisch medewerker of two locations (bearer tokens from /v1/dev/tokens): a few requests to warm up,
then N measured one at a time. Nothing of a child is printed or written: the data is made up, and the
results name pages by their query string of filters only."""

import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import asyncpg
import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from bench import BenchError, Summary, arguments, fail, free_port, log_to_file, write_results
from core.heap import freeze_startup_objects
from core.settings import API_ROLE, Environment, Settings
from db import protocol as protocols
from db.cluster import ClusterError, LocalCluster
from db.migrate import migrate
from protocol.loader import load as load_protocol

NAME = "queries"
ROWS, TINY_ROWS = 1_000_000, 3_000
REQUESTS, WARMUP = 100, 5
TINY_REQUESTS, TINY_WARMUP = 3, 1
LIMIT_P95_MS = 25.0

# The made-up gemeente's organisations and people, by fixed ids (uuid5 of a name in this namespace).
_NS = UUID("8d3c6a52-4f0e-4d8e-9a57-3b1f0f6a2c11")


def _id(name: str) -> UUID:
    return uuid5(_NS, name)


GEMEENTE = _id("gemeente")
COORDINATOR = _id("coordinator")
PM = _id("pm")
STADSDELEN, WIJKEN_PER_STADSDEEL, LOCATIES, SCHOLEN = 4, 5, 100, 60
PM_LOCATIES = (0, 1)  # the PM'er works at the first two locations


def locatie(n: int) -> UUID:
    return _id(f"locatie-{n}")


def school(n: int) -> UUID:
    return _id(f"school-{n}")


def wijk(n: int) -> UUID:
    return _id(f"wijk-{n}")


def stadsdeel(n: int) -> UUID:
    return _id(f"stadsdeel-{n}")


# Seeding


async def _organisations(conn: asyncpg.Connection) -> None:
    await conn.execute(
        "INSERT INTO gemeenten (id, naam, namespace) VALUES ($1, 'Gemeente Bench', 'gemeente-bench')", GEMEENTE
    )
    await conn.executemany(
        "INSERT INTO stadsdelen (id, gemeente_id, naam) VALUES ($1, $2, $3)",
        [(stadsdeel(i), GEMEENTE, f"Stadsdeel {i:02d}") for i in range(STADSDELEN)],
    )
    wijken = STADSDELEN * WIJKEN_PER_STADSDEEL
    await conn.executemany(
        "INSERT INTO wijken (id, stadsdeel_id, naam) VALUES ($1, $2, $3)",
        [(wijk(i), stadsdeel(i // WIJKEN_PER_STADSDEEL), f"Wijk {i:02d}") for i in range(wijken)],
    )
    await conn.executemany(
        "INSERT INTO locaties (id, wijk_id, naam) VALUES ($1, $2, $3)",
        [(locatie(i), wijk(i % wijken), f"Locatie {i:03d}") for i in range(LOCATIES)],
    )
    await conn.executemany(
        "INSERT INTO scholen (id, wijk_id, naam) VALUES ($1, $2, $3)",
        [(school(i), wijk(i % wijken), f"School {i:02d}") for i in range(SCHOLEN)],
    )
    await conn.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id) VALUES ($1, 'Coördinator', 'coordinator', $2)",
        COORDINATOR,
        GEMEENTE,
    )
    await conn.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, locatie_id)"
        " VALUES ($1, 'Medewerker', 'pedagogisch_medewerker', $2, $3)",
        PM,
        GEMEENTE,
        locatie(PM_LOCATIES[0]),
    )
    await conn.executemany(
        "INSERT INTO gebruiker_locaties (gebruiker_id, locatie_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [(PM, locatie(n)) for n in PM_LOCATIES],
    )


# The tables of numbers the SQL below picks from: location i's children go to 8 schools near it.
_ARRAYS = """
WITH org AS (
    SELECT array_agg(l ORDER BY n) AS locaties FROM unnest($1::uuid[]) WITH ORDINALITY AS x(l, n)
), sch AS (
    SELECT array_agg(s ORDER BY n) AS scholen FROM unnest($2::uuid[]) WITH ORDINALITY AS x(s, n)
)
"""

# The states of the open overdrachten, in proportion (they make up 40 % of the rows).
_OPEN_STATES = [
    ("concept", 12),
    ("bij_ouders", 10),
    ("wacht_op_school", 3),
    ("gereed_voor_verzending", 4),
    ("verzonden", 6),
    ("ontvangen", 2),
    ("warme_overdracht_gepland", 2),
    ("warme_overdracht_gehouden", 1),
]
# … and of the closed ones (60 %).
_CLOSED_STATES = [("afgerond", 45), ("geannuleerd", 8), ("geweigerd", 4), ("ingetrokken", 3)]
_STATES = _OPEN_STATES + _CLOSED_STATES  # out of 100


def _status_case() -> str:
    """CASE on `i % 100` naming the state of row i."""
    parts, upto = [], 0
    for status, share in _STATES:
        upto += share
        parts.append(f"WHEN i % 100 < {upto} THEN '{status}'")
    return "CASE " + " ".join(parts) + " END"


_OPEN = "('concept','bij_ouders','wacht_op_school','gereed_voor_verzending','verzonden','ontvangen'," \
    "'warme_overdracht_gepland','warme_overdracht_gehouden')"  # fmt: skip

# One row per overdracht i: its state, school year, dates and deadlines, derived from i. Open rows were
# opened in the last 300 days (their deadlines around now: some passed, some in the coming weeks), closed
# ones over nine school years. The deadlines are days after opening, as the protocol would set them.
_ROWS = f"""
, base AS (
    SELECT i, {_status_case()} AS status,
           (i % 100) < 40 AS open,
           (hashint4(i) & 2147483647) % {LOCATIES} AS loc,
           (hashint4(-i) & 2147483647) AS h,
           (i % 4 = 0) AS vve,
           (i % 10 = 3) AS extra_warm
    FROM generate_series($3::int, $4::int) AS i
), timed AS (
    SELECT b.*,
           CASE WHEN b.open THEN 2026 + (b.i % 5 < 2)::int ELSE 2019 + (b.i / 100) % 9 END AS jaar,
           CASE WHEN b.open THEN now() - make_interval(days => b.h % 300, hours => b.h % 24)
                ELSE make_timestamptz(2018 + (b.i / 100) % 9, 3, 1, 9, 0, 0, 'Europe/Amsterdam')
                     + make_interval(days => b.h % 300) END AS geopend
    FROM base b
), dated AS (
    SELECT t.*,
           t.geopend + make_interval(days => 20 + t.i % 50) AS toestemming,
           t.geopend + make_interval(days => 40 + t.i % 60) AS verzonden,
           t.geopend + make_interval(days => 70 + t.i % 130) AS ontvangen,
           date_trunc('day', t.geopend + interval '60 days') + interval '1 day' AS dl_toestemming,
           date_trunc('day', t.geopend + interval '90 days') + interval '1 day' AS dl_school,
           date_trunc('day', t.geopend + interval '120 days') + interval '1 day' AS dl_verzenden,
           date_trunc('day', t.geopend + interval '200 days') + interval '1 day' AS dl_bevestigen,
           date_trunc('day', t.geopend + interval '230 days') + interval '1 day' AS dl_warm,
           t.status IN ('concept', 'bij_ouders', 'geweigerd') AS voor_toestemming,
           t.status IN ('concept', 'bij_ouders', 'geweigerd', 'wacht_op_school', 'gereed_voor_verzending',
                        'geannuleerd') AS voor_verzenden,
           t.status IN ('concept', 'bij_ouders', 'geweigerd', 'wacht_op_school', 'gereed_voor_verzending',
                        'geannuleerd', 'verzonden', 'ingetrokken') AS voor_ontvangst
    FROM timed t
), full_row AS (
    SELECT d.*,
           CASE WHEN d.status = 'wacht_op_school' OR (d.status IN ('concept', 'bij_ouders') AND d.i % 2 = 0)
                THEN NULL ELSE sch.scholen[1 + ((d.loc * 3 + d.i % 8) % {SCHOLEN})] END AS school,
           CASE d.status
               WHEN 'concept' THEN d.dl_toestemming WHEN 'bij_ouders' THEN d.dl_toestemming
               WHEN 'wacht_op_school' THEN d.dl_school WHEN 'gereed_voor_verzending' THEN d.dl_verzenden
               WHEN 'verzonden' THEN d.dl_bevestigen
               WHEN 'ontvangen' THEN d.dl_warm WHEN 'warme_overdracht_gepland' THEN d.dl_warm
           END AS volgende,
           CASE d.status
               WHEN 'concept' THEN 'te_laat_toestemming' WHEN 'bij_ouders' THEN 'te_laat_toestemming'
               WHEN 'wacht_op_school' THEN 'school_onbekend' WHEN 'gereed_voor_verzending' THEN 'te_laat_verzenden'
               WHEN 'verzonden' THEN 'te_laat_bevestigen'
               ELSE 'te_laat_warme_overdracht'
           END AS vlag
    FROM dated d, sch
)
"""

_INSERT_OVERDRACHTEN = (
    _ARRAYS
    + _ROWS
    + """
INSERT INTO overdrachten (
    id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, formulier_compleet, geopend_op,
    ingediend_op, toestemming_op, verzonden_op, ontvangen_op, afgerond_op, geweigerd_op, ingetrokken_op,
    geannuleerd_op, inhoud_verwijderd_op, eerste_schooldag, bijgewerkt_op, protocol_versie, deadlines,
    volgende_deadline, vlaggen, open_vlaggen, achterstallig_sinds, warme_overdracht_vereist,
    warme_overdracht_gepland_op, warme_overdracht_gehouden_op, schooljaar, vve_indicatie)
SELECT
    md5('overdracht-' || r.i)::uuid,
    CASE WHEN r.open THEN md5('kind-' || r.i)::uuid END,
    $5, org.locaties[1 + r.loc], r.school, r.status, 10, NOT r.voor_toestemming, r.geopend,
    CASE WHEN r.status <> 'concept' THEN r.geopend + interval '10 days' END,
    CASE WHEN NOT r.voor_toestemming THEN r.toestemming END,
    CASE WHEN NOT r.voor_verzenden THEN r.verzonden END,
    CASE WHEN NOT r.voor_ontvangst THEN r.ontvangen END,
    CASE WHEN r.status = 'afgerond' THEN r.ontvangen + interval '20 days' END,
    CASE WHEN r.status = 'geweigerd' THEN r.toestemming END,
    CASE WHEN r.status = 'ingetrokken' THEN r.verzonden + interval '3 days' END,
    CASE WHEN r.status = 'geannuleerd' THEN r.geopend + interval '30 days' END,
    CASE WHEN NOT r.open THEN r.geopend + interval '400 days' END,
    CASE WHEN NOT r.voor_ontvangst THEN make_date(r.jaar, 8, 20) + r.i % 200 END,
    r.geopend + interval '1 day',
    1,
    jsonb_build_object('toestemming', r.dl_toestemming, 'school_bekend', r.dl_school,
                       'verzenden', r.dl_verzenden, 'bevestigen', r.dl_bevestigen)
        || CASE WHEN r.vve OR r.extra_warm THEN jsonb_build_object('warme_overdracht', r.dl_warm)
                ELSE '{}'::jsonb END,
    CASE WHEN r.open AND (r.status NOT IN ('ontvangen', 'warme_overdracht_gepland') OR r.vve OR r.extra_warm)
         THEN r.volgende END,
    CASE WHEN r.open AND r.volgende < now() THEN ARRAY[r.vlag]
         WHEN r.i % 10 = 7 THEN ARRAY['te_laat_toestemming'] ELSE '{}' END,
    CASE WHEN r.open AND r.volgende < now() THEN ARRAY[r.vlag] ELSE '{}' END,
    CASE WHEN r.open AND r.volgende < now() THEN r.volgende END,
    r.vve OR r.extra_warm,
    CASE WHEN r.status IN ('warme_overdracht_gepland') AND (r.vve OR r.extra_warm)
         THEN make_date(r.jaar, 9, 1) + r.i % 60 END,
    CASE WHEN r.status IN ('warme_overdracht_gehouden', 'afgerond') AND (r.vve OR r.extra_warm)
         THEN make_date(r.jaar, 8, 10) + r.i % 30 END,
    r.jaar || '-' || (r.jaar + 1),
    r.vve
FROM full_row r, org
"""
)

# The children of the open overdrachten (the closed ones' are purged), and children without any: one
# for every thousand overdrachten (placed, never opened, until the cleanup removes them at 5), half
# with a VVE-indicatie, born over three years (some past the start age).
_INSERT_KINDEREN = (
    _ARRAYS
    + """
INSERT INTO kinderen (id, locatie_id, voornaam, achternaam, geboortedatum, vve_indicatie)
SELECT md5('kind-' || i)::uuid, org.locaties[1 + (hashint4(i) & 2147483647) % 100], 'Kind', 'Bench' || i,
       (now() - make_interval(years => 3, months => 6) - make_interval(days => i % 200))::date, i % 4 = 0
FROM generate_series($3::int, $4::int) AS i, org
WHERE i % 100 < 40
UNION ALL
SELECT md5('los-' || i)::uuid, org.locaties[1 + (hashint4(i) & 2147483647) % 100], 'Kind', 'Los' || i,
       (now() - make_interval(years => 2) - make_interval(days => (i * 13) % 1100))::date, i % 2 = 0
FROM generate_series($3::int, $4::int, 1000) AS i, org
"""
)

BATCH = 100_000


async def seed(dsn: str, rows: int, say: Any = print) -> dict[str, int]:
    """The organisations, the protocol, the two people, the children and `rows` overdrachten; then
    VACUUM ANALYZE, as autovacuum would after a load. Returns what is in the tables."""
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await _organisations(conn)
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=1)
        try:
            await protocols.store(pool, GEMEENTE, load_protocol())
        finally:
            await pool.close()
        locaties = [locatie(i) for i in range(LOCATIES)]
        scholen = [school(i) for i in range(SCHOLEN)]
        started = time.perf_counter()
        for first in range(0, rows, BATCH):
            last = min(rows, first + BATCH) - 1
            async with conn.transaction():
                await conn.execute(_INSERT_KINDEREN, locaties, scholen, first, last)
                await conn.execute(_INSERT_OVERDRACHTEN, locaties, scholen, first, last, GEMEENTE)
            say(f"  {last + 1:>9,} rows ({time.perf_counter() - started:.0f} s)", flush=True)
        await conn.execute("VACUUM ANALYZE")
        return await _counts(conn)
    finally:
        await conn.close()


async def _counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {
        "overdrachten": await conn.fetchval("SELECT count(*) FROM overdrachten"),
        "open": await conn.fetchval("SELECT count(*) FROM overdrachten WHERE kind_id IS NOT NULL"),
        "te_laat": await conn.fetchval("SELECT count(*) FROM overdrachten WHERE achterstallig_sinds IS NOT NULL"),
        "kinderen": await conn.fetchval("SELECT count(*) FROM kinderen"),
    }


async def _seeded(dsn: str) -> dict[str, int] | None:
    """What the database holds, or None when it holds no overdracht yet (then it is seeded)."""
    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT EXISTS (SELECT 1 FROM gemeenten WHERE id = $1)", GEMEENTE):
            return None
        return await _counts(conn)
    finally:
        await conn.close()


# The pages


@dataclass(frozen=True)
class Visit:
    person: str  # "coordinator" or "pm"
    path: str


_L0, _SD0 = locatie(0), stadsdeel(0)
_COMMON = [
    "/v1/monitoring/kengetallen",
    "/v1/monitoring/kengetallen?schooljaar=2026-2027&groepering=locatie",
    "/v1/monitoring/kengetallen?groepering=school",
    f"/v1/monitoring/kengetallen?stadsdeelId={_SD0}",
    "/v1/monitoring/trend",
    "/v1/monitoring/trend?schooljaar=2026-2027",
    "/v1/monitoring/prognose",
    "/v1/overdrachten",
    "/v1/overdrachten?teLaat=true",
    "/v1/overdrachten?teLaat=false",
    "/v1/overdrachten?sort=volgendeDeadline",
    "/v1/overdrachten?sort=achterstalligSinds",
    "/v1/overdrachten?sort=-geopendOp",
    "/v1/overdrachten?sort=-bijgewerktOp",
    "/v1/overdrachten?status=verzonden",
    "/v1/overdrachten?vlag=te_laat_toestemming",
    "/v1/overdrachten?schooljaar=2027-2028&sort=volgendeDeadline",
    "/v1/overdrachten?deadlineVoor=2027-01-31&sort=volgendeDeadline",
    f"/v1/overdrachten?locatieId={_L0}&teLaat=true",
]
VISITS = [
    *(Visit("coordinator", p) for p in _COMMON),
    Visit("coordinator", "/v1/monitoring/achterstanden"),
    Visit("coordinator", "/v1/monitoring/achterstanden?vlag=te_laat_bevestigen"),
    Visit("coordinator", f"/v1/monitoring/achterstanden?stadsdeelId={_SD0}"),
    Visit("coordinator", "/v1/monitoring/zonder-overdracht"),
    Visit("coordinator", f"/v1/overdrachten?stadsdeelId={_SD0}&sort=volgendeDeadline"),
    *(Visit("pm", p) for p in _COMMON),
]


@dataclass
class Result:
    person: str
    path: str
    status: int = 0
    n: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    seconds: list[float] = field(default_factory=list, repr=False)
    over: bool = False

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("seconds")
        return d


async def measure(api: httpx.AsyncClient, tokens: dict[str, str], visit: Visit, requests: int, warmup: int) -> Result:
    result = Result(visit.person, visit.path)
    headers = {"Authorization": f"Bearer {tokens[visit.person]}"}
    for n in range(warmup + requests):
        started = time.perf_counter()
        r = await api.get(visit.path, headers=headers)
        await r.aread()
        took = time.perf_counter() - started
        result.status = r.status_code
        if r.status_code != 200:
            return result
        if n >= warmup:
            result.seconds.append(took)
    s = Summary.of(result.seconds)
    result.n, result.p50_ms, result.p95_ms, result.max_ms = s.n, s.p50_ms, s.p95_ms, s.max_ms
    return result


def report(results: list[Result], mode: str, seeded: dict[str, int], out: Path, requests: int) -> int:
    width = max(len(r.path) for r in results)
    print(f"\n{'person':<12} {'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for r in results:
        flag = "  OVER" if r.over else ("  FAILED" if r.status != 200 else "")
        print(f"{r.person:<12} {r.path:<{width}} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.max_ms:>8.1f}{flag}")
    failed = [f"{r.person} {r.path}: HTTP {r.status}" for r in results if r.status != 200]
    over = [f"{r.person} {r.path}: p95 {r.p95_ms} ms > {LIMIT_P95_MS:g} ms" for r in results if r.over]
    write_results(
        out,
        NAME,
        {
            "mode": mode,
            "requests_per_page": requests,
            "seeded": seeded,
            "limit_p95_ms": LIMIT_P95_MS,
            "pages": [r.public() for r in results],
            "failed": failed,
            "over_limits": over,
        },
    )
    for line in failed:
        print(f"FAILED: {line}", file=sys.stderr)
    for line in over:
        print(f"OVER LIMIT: {line}", file=sys.stderr)
    return 1 if failed or over else 0


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=None, help=f"overdrachten to seed (default {ROWS:,})")
    parser.add_argument("--requests", type=int, default=None, help=f"measured requests per page (default {REQUESTS})")
    parser.add_argument("--warmup", type=int, default=None, help=f"requests per page before those (default {WARMUP})")
    parser.add_argument("--only", default=None, help="only the pages whose path contains this")
    parser.add_argument("--skip", action="append", default=[], help="not the pages whose path contains this")
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="with --database-url: measure it as it is (the figures before a migration)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="measure this database instead of a cluster of its own (migrated; seeded when it has no overdrachten)",
    )
    args = parser.parse_args(argv)
    rows = args.rows or (TINY_ROWS if args.tiny else ROWS)
    requests = args.requests or (TINY_REQUESTS if args.tiny else REQUESTS)
    warmup = args.warmup if args.warmup is not None else (TINY_WARMUP if args.tiny else WARMUP)
    visits = [
        v
        for v in VISITS
        if (args.only is None or args.only in v.path) and not any(skip in v.path for skip in args.skip)
    ]
    async with AsyncExitStack() as stack:
        dsn = args.database_url
        if dsn is None:
            workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="overdracht-bench-")))
            workdir.mkdir(parents=True, exist_ok=True)
            try:
                print("starting PostgreSQL…", flush=True)
                cluster = LocalCluster(workdir / "postgres", free_port(), durable=False)
                stack.callback(cluster.stop)
                await cluster.start()
            except ClusterError as exc:
                return fail(f"the stack did not start: {exc}")
            dsn = cluster.dsn
        if not (args.no_migrate and args.database_url):
            await migrate(dsn)
        settings = Settings(
            environment=Environment.DEVELOPMENT,
            database_url=dsn,
            api_database_user=API_ROLE,
            data_dir=args.workdir or Path(tempfile.gettempdir()),
            smtp_host=None,
        )
        log_to_file(settings, args.out.with_suffix(".log"))
        seeded = await _seeded(dsn)
        if seeded is None:
            print(f"seeding {rows:,} overdrachten…", flush=True)
            started = time.perf_counter()
            seeded = await seed(dsn, rows)
            print(f"seeded in {time.perf_counter() - started:.0f} s: {seeded}", flush=True)
        else:
            print(f"the database holds {seeded}", flush=True)
        app = create_app(settings)
        freeze_startup_objects()  # as each API process does (api.app.create_app_from_env)
        results: list[Result] = []
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as api:
                tokens = {}
                for person, user_id in (("coordinator", COORDINATOR), ("pm", PM)):
                    r = await api.post("/v1/dev/tokens", json={"gebruikerId": str(user_id)})
                    if r.status_code != 200:
                        raise BenchError(f"no token for {person} (HTTP {r.status_code})")
                    tokens[person] = r.json()["accessToken"]
                for visit in visits:
                    result = await measure(api, tokens, visit, requests, warmup)
                    result.over = not args.tiny and result.p95_ms > LIMIT_P95_MS
                    results.append(result)
                    print(f"  {visit.person:<12} {visit.path}: p95 {result.p95_ms:.1f} ms", flush=True)
        return report(results, "tiny" if args.tiny else "full", seeded, args.out, requests)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return asyncio.run(main_async(argv))
    except BenchError as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
