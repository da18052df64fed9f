"""The faults, each while clients work: the worker killed twice during a placements import and the
message delivery it sets off, the worker killed twice during the clients' steps, the engine killed and
started again, the database stopped at once and started again. Each kill lands at a point of progress
(so many steps answered, so many rows done), never at a moment of the clock."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import asyncpg
import httpx

from overdracht import demo
from tests.faults.checks import SETTLE_WITHIN, Findings, check_load, check_mail
from tests.faults.load import STEPS, Clients, Load
from tests.faults.stack import FaultStack
from tests.happy_path import place_child
from tests.test_import import OLDER, URL, child, csv_file

DOWN_FOR = 3.0  # seconds the engine or the database stays away: clients meet the outage


@dataclass(frozen=True)
class Size:
    journeys: int  # children taken through their steps at once
    rows: int  # rows of the placements import


FULL = Size(journeys=60, rows=300)
SHORT = Size(journeys=6, rows=20)


@dataclass
class Result:
    fault: str
    findings: Findings
    seconds: float = 0.0


Fault = Callable[[FaultStack], Awaitable[None]]


async def _when(done: Callable[[], Awaitable[bool]]) -> None:
    """Until `done`: progress in another process or in the clients' answers, so looked at, not awaited."""
    while not await done():  # noqa: ASYNC110
        await asyncio.sleep(0.1)


async def _kill_worker(stack: FaultStack) -> None:
    stack.kill_worker()
    stack.start_worker()


async def _engine_away(stack: FaultStack) -> None:
    stack.kill_engine()
    await asyncio.sleep(DOWN_FOR)
    await stack.start_engine()


async def _database_away(stack: FaultStack) -> None:
    stack.stop_database()
    await asyncio.sleep(DOWN_FOR)
    await stack.start_database()


async def _with_clients(stack: FaultStack, pool: asyncpg.Pool, size: Size, fault: Fault, times: int) -> Findings:
    """`size.journeys` children taken through their steps while `fault` strikes `times` times, at even
    steps of the clients' progress; then the proof."""
    load = Load()
    clients = Clients(stack.base, load)
    children = [await place_child(pool) for _ in range(size.journeys)]
    for _, parent_id in children:
        await pool.execute(
            "UPDATE gebruikers SET email = $2 WHERE id = $1", parent_id, f"o-{uuid.uuid4().hex}@example.org"
        )
    steps = len(children) * len(STEPS)
    mails = len(stack.sink.message_ids)
    landed = []

    async def progress(share: float) -> bool:
        return load.answered() >= share * steps

    async with httpx.AsyncClient() as http:
        journeys = asyncio.gather(*(clients.journey(http, n, k, p) for n, (k, p) in enumerate(children)))
        for i in range(1, times + 1):
            await _when(partial(progress, i / (times + 1)))
            landed.append(load.answered())
            await fault(stack)
        await journeys
        token = await clients.headers(http, demo.COORDINATOR)
    findings = await check_load(load, await stack.engine(), pool, stack.base, token)
    findings.notes.append(f"{len(children)} journeys of {len(STEPS)} steps; the fault struck after"
                          f" {' and '.join(map(str, landed))} of {steps} steps were answered")  # fmt: skip
    findings.landed = [n < steps for n in landed]
    await check_mail(findings, stack.sink, pool, mails)
    return findings


async def _import(stack: FaultStack, pool: asyncpg.Pool, size: Size, times: int) -> Findings:
    """A placements import of `size.rows` new children, the worker killed `times` times as its rows are
    stored (and their overdrachten opened, and their parents' invitations delivered)."""
    load = Load()
    clients = Clients(stack.base, load)
    tag = uuid.uuid4().hex[:6]
    rows = [child("Importkind", f"Fout-{tag}-{i:03}", OLDER, demo.LOCATIES[demo.BOOMHUT][1]) for i in range(size.rows)]
    names = [r["achternaam"] for r in rows]

    async def stored() -> int:
        return int(await pool.fetchval("SELECT count(*) FROM kinderen WHERE achternaam = ANY($1::text[])", names))

    mails = len(stack.sink.message_ids)
    landed = []
    async with httpx.AsyncClient(base_url=stack.base) as http:
        manager = await clients.headers(http, demo.LM_USER[demo.BOOMHUT])
        files = {"bestand": ("plaatsingen.csv", csv_file(*rows), "text/csv")}
        posted = await http.post(URL, headers={**manager, "Idempotency-Key": str(uuid.uuid4())}, files=files)
        if posted.status_code != 202:
            return Findings(load.by_status(), 0, 0, other=[f"the import was answered {posted.status_code}"])
        taak_id = uuid.UUID(posted.headers["location"].rsplit("/", 1)[-1])

        async def done() -> int:
            """Rows whose overdracht the job has seen open (or that needed none): each waits for its opening,
            so these come one lane at a time, where a batch's children are stored nearly at once."""
            sql = "SELECT count(*) FROM import_rijen WHERE taak_id = $1 AND overdracht IS NOT NULL"
            return int(await pool.fetchval(sql, taak_id))

        for i in range(1, times + 1):
            await _when(partial(_at_least, stored, i * size.rows // (times + 1)))
            landed.append((await stored(), await done()))
            await _kill_worker(stack)
        job = await _finished(http, posted.headers["location"], manager)
    findings = Findings(load.by_status(), 0, 0)
    findings.notes.append(
        f"the worker was killed after {' and '.join(str(s) for s, _ in landed)} of {size.rows} rows were stored,"
        f" {' and '.join(str(d) for _, d in landed)} of them done (their overdracht open)"
    )
    # A kill lands while the job has work left: rows to store, or overdrachten still to open (and their
    # parents' invitations to deliver) for rows stored.
    findings.landed = [d < size.rows for _, d in landed]
    result = job.get("resultaat") or {}
    if (job.get("status"), result.get("geimporteerd"), job.get("verwerkt")) != ("klaar", size.rows, size.rows):
        findings.lost.append(f"the import ended {job.get('status')}: {result}")
    if await stored() != size.rows:
        findings.duplicated.append(f"{await stored()} children stored for {size.rows} rows")
    opened = await pool.fetch(
        "SELECT count(e.*) AS keer FROM overdrachten o JOIN kinderen k ON k.id = o.kind_id"
        " JOIN overdracht_gebeurtenissen e ON e.overdracht_id = o.id AND e.gebeurtenis = 'geopend'"
        " WHERE k.achternaam = ANY($1::text[]) GROUP BY o.id",
        names,
    )
    if len(opened) != size.rows or any(r["keer"] != 1 for r in opened):
        findings.duplicated.append(f"{len(opened)} overdrachten opened for {size.rows} rows, some more than once")
    await check_mail(findings, stack.sink, pool, mails)
    return findings


async def _at_least(count: Callable[[], Awaitable[int]], n: int) -> bool:
    return await count() >= n


async def _finished(http: httpx.AsyncClient, location: str, headers: dict[str, str]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_WITHIN
    while True:
        r = await http.get(location, headers=headers)
        if r.status_code == 200 and r.json()["status"] in ("klaar", "mislukt"):
            return dict(r.json())
        if loop.time() > deadline:
            return {"status": "niet klaar", "verwerkt": r.json().get("verwerkt") if r.status_code == 200 else None}
        await asyncio.sleep(0.5)


async def run_all(stack: FaultStack, size: Size) -> list[Result]:
    pool = await stack.pool()
    faults: list[tuple[str, Callable[[], Awaitable[Findings]]]] = [
        ("worker kill -9 ×2 during a placements import", lambda: _import(stack, pool, size, 2)),
        ("worker kill -9 ×2 during steps and mail", lambda: _with_clients(stack, pool, size, _kill_worker, 2)),
        ("engine kill -9, restarted", lambda: _with_clients(stack, pool, size, _engine_away, 1)),
        ("database immediate stop, restarted", lambda: _with_clients(stack, pool, size, _database_away, 1)),
    ]
    results = []
    try:
        for name, scenario in faults:
            started = time.monotonic()
            findings = await scenario()
            results.append(Result(name, findings, time.monotonic() - started))
    finally:
        await pool.close()
    return results
