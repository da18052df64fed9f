"""How long every page of the web app takes to render on the server, and how many SQL queries it sends
(issue 10: under 100 ms p95 against the demo data, and no page with more than a handful of queries).

    python -m bench.pages            # 200 requests per page; exits 1 naming a page over a limit
    python -m bench.pages --tiny     # 3 per page, no limits: that it runs (tests/test_bench_pages.py)

By default it starts its own stack with the demo data (bench.own_stack) and serves the app in-process
through httpx's ASGI transport: the time is the app's own (routing, session, service calls, PostgreSQL,
the template), without a network. Each person signs in as in a browser (staff through the development
sign-in page, a parent with the code of a printed letter), then each of their pages is requested a few
times to warm up and N times measured, one request at a time. The queries are counted with asyncpg's
query logger on every connection the app takes from its pool; BEGIN/COMMIT, and asyncpg's own type
look-ups on a fresh connection, are counted apart.

`--base-url http://127.0.0.1:8000` measures a running `make run` instead (over HTTP, so the figures
include uvicorn and the loopback; the queries cannot be counted from outside). Note that every page
read by staff is written to the child's inzage-log: the benchmark adds thousands of rows there.

A page that answers 404 because its route does not exist (yet) is reported as missing, not as a
failure; any other answer but 200 fails the run. URLs carry opaque ids only; nothing of a child or a
parent is printed, written or logged."""

import asyncio
import io
import re
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from asyncpg.pool import PoolConnectionProxy
from fastapi import FastAPI
from pypdf import PdfReader
from starlette.routing import Match

from api.app import create_app
from bench import BenchError, Summary, arguments, fail, log_to_file, own_stack, write_results
from core.heap import freeze_startup_objects
from core.settings import Settings
from overdracht import demo
from schemas.ids import overdracht_id_for
from schemas.overdracht import Status

NAME = "pages"
REQUESTS, WARMUP = 200, 10
TINY_REQUESTS, TINY_WARMUP = 3, 1
# Issue 10's limits: the p95 of every page, and "a handful" of queries per render.
LIMIT_P95_MS = 100.0
LIMIT_QUERIES = 10
# A browser's request for a page (an error is answered as a page, not as problem+json).
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


# Who visits what: the demo's people and children (overdracht.demo), each page with the state its
# overdracht is in. Staff of De Boomhut and of the schools its children go to, the gemeente's
# coördinator (the longest lists), and two parents (one before consent, one after).


@dataclass(frozen=True)
class Person:
    key: str  # names the person in the results: a role, never a name
    rol: str
    user_id: UUID
    parent_of: int | None = None  # a parent: the demo child's number


@dataclass(frozen=True)
class Visit:
    person: Person
    page: str  # the route, as `/overdrachten/{id}/formulier`
    child: int | None = None  # the demo child whose overdracht it shows

    @property
    def path(self) -> str:
        return self.page if self.child is None else self.page.replace("{id}", str(overdracht_of(self.child)))

    @property
    def state(self) -> str:
        stage = _child(self.child).stage if self.child is not None else None
        return stage.value.lower() if stage is not None else ""


def _child(n: int) -> demo.DemoChild:
    return next(c for c in demo.CHILDREN if c.n == n)


def overdracht_of(n: int) -> UUID:
    return overdracht_id_for(_child(n).id)


PM = Person("pm", "pedagogisch medewerker", demo.PM_USER[demo.BOOMHUT])
LM = Person("lm", "locatiemanager", demo.LM_USER[demo.BOOMHUT])
SCHOOL = Person("school", "school (intern begeleider)", demo.SCHOOL_USER[demo.STER])
SCHOOL_VVE = Person("school-vve", "school (intern begeleider)", demo.SCHOOL_USER[demo.POLDER])
COORDINATOR = Person("coordinator", "coördinator", demo.COORDINATOR)  # sees the whole gemeente
BEHEERDER = Person("beheerder", "functioneel beheer", demo.STAFF_USERS[10].id)
OUDER = Person("ouder", "ouder", _child(12).parent_id, parent_of=12)
OUDER_NA_TOESTEMMING = Person("ouder-na-toestemming", "ouder", _child(18).parent_id, parent_of=18)

D = "/overdrachten/{id}"  # an overdracht's page; its sub-pages below it
VISITS = [
    Visit(PM, "/"),
    Visit(PM, "/overdrachten"),
    *(Visit(PM, D, n) for n in (7, 12, 18, 21, 25, 34)),  # concept … afgerond, ingetrokken
    Visit(PM, D + "/formulier", 7),
    Visit(PM, D + "/school", 10),  # a concept without a school
    Visit(PM, D + "/ouders", 12),
    Visit(PM, D + "/afdruk", 25),
    Visit(PM, D + "/inzage", 25),
    Visit(LM, "/"),
    Visit(LM, D + "/mentor", 7),
    Visit(SCHOOL, "/"),
    Visit(SCHOOL, D, 21),
    Visit(SCHOOL, D, 25),
    Visit(SCHOOL, D + "/ontvangst", 21),
    Visit(SCHOOL, D + "/retour", 21),
    Visit(SCHOOL_VVE, D + "/warme-overdracht", 32),  # a VVE child, received
    Visit(COORDINATOR, "/"),  # the overview of the school year
    Visit(COORDINATOR, "/overdrachten"),
    Visit(COORDINATOR, "/coordinatie/achterstanden"),
    Visit(COORDINATOR, "/coordinatie/zonder-overdracht"),
    Visit(COORDINATOR, "/coordinatie/prognose"),
    Visit(COORDINATOR, D + "/deadline", 12),
    Visit(BEHEERDER, "/"),
    Visit(BEHEERDER, "/beheer/organisatie"),
    Visit(BEHEERDER, "/beheer/protocol"),
    Visit(LM, "/plaatsingen/import"),
    Visit(OUDER, D, 12),
    Visit(OUDER, D + "/ouder/reactie", 12),
    Visit(OUDER, D + "/ouder/toestemming", 12),
    Visit(OUDER, D + "/ouder/school", 12),
    Visit(OUDER, D + "/inzage", 12),
    Visit(OUDER_NA_TOESTEMMING, D, 18),
    Visit(OUDER_NA_TOESTEMMING, D + "/ouder/intrekken", 18),
]
assert _child(12).stage is Status.BIJ_OUDERS and _child(18).stage is Status.GEREED_VOOR_VERZENDING


# Counting the queries


@dataclass
class Counts:
    queries: int = 0  # statements the app sent, but for transaction control and asyncpg's own
    transactions: int = 0  # BEGIN (each with its COMMIT or ROLLBACK)
    connections: int = 0  # connections taken from the pool
    introspection: int = 0  # asyncpg's look-up of a type, once per new connection and type

    def copy(self) -> "Counts":
        return Counts(self.queries, self.transactions, self.connections, self.introspection)

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(
            self.queries - other.queries,
            self.transactions - other.transactions,
            self.connections - other.connections,
            self.introspection - other.introspection,
        )


_TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|START|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
# What asyncpg sends when a fresh connection first meets a type it has no codec for (its jit switch
# around the type query, asyncpg/connection.py _introspect_types): the connection's, not the page's.
_INTROSPECTION = re.compile(r"\s*(WITH RECURSIVE typeinfo_tree\b|SELECT\s+(current_setting|set_config)\('jit')")


class CountingPool:
    """Stands in for the app's asyncpg pool (app.state.pool): every connection taken from it carries a
    query logger while it is taken (asyncpg's Connection.add_query_logger), so the pool's own
    fetch/execute and the statements on an acquired connection, in a transaction or not, are all
    counted. Whatever else is asked of it goes to the pool itself."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.counts = Counts()
        self.statements: list[str] | None = None  # a list: the statements' SQL is kept (never their values)
        self._logger = self._count  # one callable, so that removing it finds it

    def _count(self, record: Any) -> None:
        query: str = record.query
        if self.statements is not None:
            self.statements.append(" ".join(query.split()))
        if _TRANSACTION_CONTROL.match(query):
            if query.lstrip()[:5].upper() in ("BEGIN", "START"):
                self.counts.transactions += 1
        elif _INTROSPECTION.match(query):
            self.counts.introspection += 1
        else:
            self.counts.queries += 1

    def _attach(self, conn: PoolConnectionProxy) -> PoolConnectionProxy:
        self.counts.connections += 1
        conn.add_query_logger(self._logger)
        return conn

    def _detach(self, conn: PoolConnectionProxy) -> None:
        conn.remove_query_logger(self._logger)

    def acquire(self, *, timeout: float | None = None) -> "_Acquire":
        return _Acquire(self, timeout)

    async def release(self, conn: PoolConnectionProxy, **kwargs: Any) -> None:
        self._detach(conn)
        await self.pool.release(conn, **kwargs)

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        async with self.acquire() as conn:
            status: str = await conn.execute(query, *args, **kwargs)
            return status

    async def executemany(self, command: str, args: Any, **kwargs: Any) -> None:
        async with self.acquire() as conn:
            await conn.executemany(command, args, **kwargs)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> list[asyncpg.Record]:
        async with self.acquire() as conn:
            return await conn.fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> asyncpg.Record | None:
        async with self.acquire() as conn:
            row: asyncpg.Record | None = await conn.fetchrow(query, *args, **kwargs)
            return row

    async def fetchval(self, query: str, *args: Any, **kwargs: Any) -> Any:
        async with self.acquire() as conn:
            return await conn.fetchval(query, *args, **kwargs)

    async def fetchmany(self, query: str, args: Any, **kwargs: Any) -> list[asyncpg.Record]:
        async with self.acquire() as conn:
            rows: list[asyncpg.Record] = await conn.fetchmany(query, args, **kwargs)
            return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pool, name)


class _Acquire:
    """`async with pool.acquire() as conn` and `conn = await pool.acquire()`, as asyncpg's own."""

    def __init__(self, counting: CountingPool, timeout: float | None) -> None:
        self._counting = counting
        self._timeout = timeout
        self._conn: PoolConnectionProxy | None = None

    async def _take(self) -> PoolConnectionProxy:
        return self._counting._attach(await self._counting.pool.acquire(timeout=self._timeout))

    def __await__(self) -> Any:
        return self._take().__await__()

    async def __aenter__(self) -> PoolConnectionProxy:
        self._conn = await self._take()
        return self._conn

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None
        conn, self._conn = self._conn, None
        await self._counting.release(conn)


# Serving the app: in-process (default) or a running one


@dataclass
class Target:
    """Where the pages are requested, and how to count their queries (None: they cannot be counted)."""

    client: Callable[[], httpx.AsyncClient]
    counting: CountingPool | None
    route_exists: Callable[[str], bool | None]  # None: cannot tell (a running app)
    origin: str


def _route_exists(app: FastAPI) -> Callable[[str], bool | None]:
    def exists(path: str) -> bool | None:
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}
        return any(route.matches(scope)[0] is Match.FULL for route in app.router.routes)

    return exists


@asynccontextmanager
async def in_process(settings: Settings) -> AsyncIterator[Target]:
    app = create_app(settings)
    freeze_startup_objects()  # as each API process does (api.app.create_app_from_env)
    async with LifespanManager(app) as manager:
        counting = CountingPool(app.state.pool)
        app.state.pool = counting
        try:
            # A page that raises is a 500 in the results (its traceback in the log), not the end of the run.
            transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
            yield Target(
                lambda: httpx.AsyncClient(transport=transport, base_url="http://bench", headers=BROWSER),
                counting,
                _route_exists(app),
                "http://bench",
            )
        finally:
            app.state.pool = counting.pool  # the lifespan closes the pool itself


@asynccontextmanager
async def running(base_url: str) -> AsyncIterator[Target]:
    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    yield Target(lambda: httpx.AsyncClient(base_url=origin, headers=BROWSER), None, lambda _: None, origin)


# Signing in, as a browser does


async def sign_in(target: Target, api: httpx.AsyncClient, person: Person) -> httpx.AsyncClient:
    """A client with this person's session cookie (the caller closes it)."""
    client = target.client()
    try:
        if person.parent_of is None:
            r = await client.post(
                "/aanmelden", data={"gebruikerId": str(person.user_id)}, headers={"Origin": target.origin}
            )
        else:
            code = await letter_code(api, person)
            r = await client.get("/ouder", params={"code": code})
        if r.status_code != 303 or "set-cookie" not in r.headers:
            raise BenchError(f"{person.key} could not sign in (HTTP {r.status_code})")
    except BaseException:
        await client.aclose()
        raise
    return client


_CODE = re.compile(r"\(((?:[A-Za-z0-9_-]{4} ){10}[A-Za-z0-9_-]{3})\) Tj")


async def letter_code(api: httpx.AsyncClient, parent: Person) -> str:
    """A fresh one-time code for a parent: the letter their child's location prints for them (the API's
    POST …/ouders/{ouderId}/brieven), read from the PDF as a parent reads it off the page."""
    assert parent.parent_of is not None
    child = _child(parent.parent_of)
    token = await api.post("/v1/dev/tokens", json={"gebruikerId": str(demo.PM_USER[child.locatie_id])})
    if token.status_code != 200:
        raise BenchError(f"no development token (HTTP {token.status_code}): is this a development stack?")
    letter = await api.post(
        f"/v1/overdrachten/{overdracht_of(child.n)}/ouders/{parent.user_id}/brieven",
        headers={"Authorization": f"Bearer {token.json()['accessToken']}"},
    )
    if letter.status_code != 200:
        raise BenchError(f"no letter for {parent.key} (HTTP {letter.status_code}): is the demo data loaded?")
    contents = PdfReader(io.BytesIO(letter.content)).pages[0].get_contents()
    found = _CODE.findall(contents.get_data().decode("latin-1")) if contents is not None else []
    if len(found) != 1:
        raise BenchError("the letter's code could not be read")
    return str(found[0]).replace(" ", "")


# Measuring


@dataclass
class Result:
    role: str
    person: str
    page: str
    state: str
    path: str
    status: int
    missing: bool = False
    n: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    queries: int | None = None  # per render (the most seen, if renders differ)
    queries_min: int | None = None
    transactions: int | None = None
    connections: int | None = None
    introspection: int | None = None  # asyncpg's type look-ups in all the renders (fresh connections)
    over: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list, repr=False)

    def public(self) -> dict[str, Any]:
        answer = asdict(self)
        del answer["seconds"]
        return answer


async def measure(
    client: httpx.AsyncClient,
    target: Target,
    visit: Visit,
    requests: int,
    warmup: int,
    check_limits: bool,
    show_queries: bool = False,
) -> Result:
    result = Result(visit.person.rol, visit.person.key, visit.page, visit.state, visit.path, 0)
    first = await client.get(visit.path)
    result.status = first.status_code
    if first.status_code in (404, 405) and target.route_exists(visit.path) is not True:
        result.missing = True  # not built (yet): reported, not failed
        return result
    if first.status_code != 200:
        return result
    for _ in range(warmup):
        await client.get(visit.path)
    counts: list[Counts] = []
    for _ in range(requests):
        before = target.counting.counts.copy() if target.counting else None
        start = time.perf_counter()
        r = await client.get(visit.path)
        result.seconds.append(time.perf_counter() - start)
        if r.status_code != 200:
            result.status = r.status_code
            return result
        if target.counting is not None and before is not None:
            await asyncio.sleep(0)  # asyncpg hands the query logger its records with call_soon
            counts.append(target.counting.counts - before)
    summary = Summary.of(result.seconds)
    result.n, result.p50_ms, result.p95_ms, result.max_ms = summary.n, summary.p50_ms, summary.p95_ms, summary.max_ms
    if counts:
        result.queries = max(c.queries for c in counts)
        result.queries_min = min(c.queries for c in counts)
        result.transactions = max(c.transactions for c in counts)
        result.connections = max(c.connections for c in counts)
        result.introspection = sum(c.introspection for c in counts)
    if show_queries and target.counting is not None:
        target.counting.statements = []
        await client.get(visit.path)
        await asyncio.sleep(0)
        print(f"-- {visit.person.key} {visit.page} ({visit.state or 'no state'}): one render's statements")
        for statement in target.counting.statements:
            print(f"   {statement[:300]}")
        target.counting.statements = None
    if check_limits:
        result.over = over_limits(result)
    return result


def over_limits(result: Result) -> list[str]:
    """What of issue 10's limits this page passes: its p95, its queries per render."""
    over = []
    if result.p95_ms is not None and result.p95_ms > LIMIT_P95_MS:
        over.append(f"p95 {result.p95_ms:.1f} ms > {LIMIT_P95_MS:.0f} ms")
    if result.queries is not None and result.queries > LIMIT_QUERIES:
        over.append(f"{result.queries} queries > {LIMIT_QUERIES}")
    return over


async def run(
    target: Target,
    visits: Sequence[Visit],
    requests: int,
    warmup: int,
    check_limits: bool,
    show_queries: bool = False,
) -> list[Result]:
    results: list[Result] = []
    async with AsyncExitStack() as stack:
        api = await stack.enter_async_context(target.client())
        clients: dict[str, httpx.AsyncClient] = {}
        for visit in visits:
            person = visit.person
            if person.key not in clients:
                clients[person.key] = await sign_in(target, api, person)
                stack.push_async_callback(clients[person.key].aclose)
            result = await measure(clients[person.key], target, visit, requests, warmup, check_limits, show_queries)
            results.append(result)
            print(_row(result), flush=True)
    return results


# Reporting


HEADER = f"{'person':<21} {'page':<37} {'state':<23} {'status':>6} {'p50':>7} {'p95':>7} {'max':>7} {'queries':>7}"


def _ms(value: float | None) -> str:
    return f"{value:7.1f}" if value is not None else f"{'-':>7}"


def _row(r: Result) -> str:
    status = "missing" if r.missing else str(r.status)
    queries = "-" if r.queries is None else str(r.queries)
    line = f"{r.person:<21} {r.page:<37} {r.state:<23} {status:>6} {_ms(r.p50_ms)} {_ms(r.p95_ms)} {_ms(r.max_ms)} {queries:>7}"
    return line + ("   OVER: " + "; ".join(r.over) if r.over else "")


def report(results: list[Result], requests: int, warmup: int, mode: str, stack: str, out: Path) -> int:
    measured = [r for r in results if r.n]
    failed = [r for r in results if not r.missing and r.status != 200]
    over = [r for r in results if r.over]
    overall = Summary.of([s for r in measured for s in r.seconds]) if measured else None
    counted = [r.queries for r in measured if r.queries is not None]
    print(f"\n{'overall':<21} {'every measured page':<37} {'':<23} {'':>6} ", end="")
    if overall:
        print(f"{_ms(overall.p50_ms)} {_ms(overall.p95_ms)} {_ms(overall.max_ms)} {max(counted, default='-'):>7}")
    else:
        print("nothing measured")
    missing = [r for r in results if r.missing]
    if missing:
        print("missing (404, no such route yet): " + ", ".join(f"{r.person} {r.page}" for r in missing))
    write_results(
        out,
        NAME,
        {
            "mode": mode,
            "stack": stack,
            "requests_per_page": requests,
            "warmup_per_page": warmup,
            "limits": {"p95_ms": LIMIT_P95_MS, "queries": LIMIT_QUERIES, "checked": mode == "full"},
            "overall": {**asdict(overall), "max_queries": max(counted, default=None)} if overall else None,
            "pages": [r.public() for r in results],
            "missing": [f"{r.person} {r.page}" for r in missing],
            "failed": [f"{r.person} {r.page} answered {r.status}" for r in failed],
            "over_limits": [f"{r.person} {r.page} ({r.state or 'no state'}): {'; '.join(r.over)}" for r in over],
        },
    )
    print(f"results: {out}")
    for r in failed:
        print(f"FAILED: {r.person} {r.page} ({r.state or 'no state'}) answered {r.status}", file=sys.stderr)
    for r in over:
        print(f"OVER LIMIT: {r.person} {r.page} ({r.state or 'no state'}): {'; '.join(r.over)}", file=sys.stderr)
    return 1 if failed or over or not measured else 0


# The command


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--requests", type=int, default=None, help=f"per page (default {REQUESTS}; --tiny: {TINY_REQUESTS})"
    )
    parser.add_argument("--base-url", default=None, help="measure a running `make run` (e.g. http://127.0.0.1:8000)")
    parser.add_argument(
        "--show-queries", action="store_true", help="print the SQL (never the values) of one render of each page"
    )
    args = parser.parse_args(argv)
    requests = args.requests or (TINY_REQUESTS if args.tiny else REQUESTS)
    warmup = TINY_WARMUP if args.tiny else WARMUP
    mode = "tiny" if args.tiny else "full"
    out: Path = args.out
    log_to_file(Settings(), out.with_suffix(".log"))
    print(
        f"bench.pages ({mode}): {requests} requests per page after {warmup} to warm up; log: {out.with_suffix('.log')}"
    )

    async def measure_on(target: Target) -> list[Result]:
        print(HEADER, flush=True)
        return await run(target, VISITS, requests, warmup, not args.tiny, args.show_queries)

    try:
        if args.base_url:
            async with running(args.base_url) as target:
                results = await measure_on(target)
            stack = args.base_url
        else:
            async with own_stack(args.workdir) as settings, in_process(settings) as target:
                results = await measure_on(target)
            stack = "own (in-process, demo data)"
    except BenchError as exc:
        return fail(str(exc))
    except httpx.TransportError as exc:
        return fail(f"the app could not be reached: {type(exc).__name__}: {exc}")
    return report(results, requests, warmup, mode, stack, out)


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())
