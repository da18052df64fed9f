"""P2 of issue 14: the time of saving the draft form (`PUT /v1/overdrachten/{id}/formulier`), one at a time
and 8 at a time, against the bare baseline's update latency at the same concurrency.

    python -m bench.formulier           # 200 saves one at a time, 8 × 50 at once
    python -m bench.formulier --tiny    # a few: that it runs

It starts its own stack with the demo data (bench.own_stack: the worker runs in the bench process),
serves the API in-process (httpx's ASGI transport: the app's own time, without uvicorn or a network),
and opens 8 fresh overdrachten of made-up children through the placements import (bench/imports.py).
De Boomhut's pedagogisch medewerker then saves their forms: each save is a Temporal update with a
validator (the workflow records it: read model, timeline, form) and answers the overdracht's detail.
Sequentially, the saves go round the 8 overdrachten; at concurrency 8 each of 8 lanes saves its own
overdracht (two saves of one overdracht at once would wait for each other in the workflow's lock, which
is not what is measured). Every save changes the form (a counter in a remark), and must answer 200.

Figures: p50/p99 of each, and the p99 as a ratio to the bare update's p99 (bench/bare.py) at the same
concurrency. Goals (a full run exits 1 when one is missed): ≤ 1.5× sequential, ≤ 2× at concurrency 8."""

import asyncio
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx

from bench import (
    BenchError,
    Latency,
    api_client,
    arguments,
    bearer,
    fail,
    in_lanes,
    log_to_file,
    own_stack,
    ratio,
    write_results,
)
from bench import bare as bare_bench
from bench.imports import IMPORTER, import_children
from core.settings import Settings
from overdracht import demo

NAME = "formulier"
CONCURRENT = bare_bench.CONCURRENT
SEQUENTIAL, TINY_SEQUENTIAL = 200, 8
PER_LANE, TINY_PER_LANE = 50, 2
WARMUP = 2  # saves per overdracht before measuring
GOAL_SEQUENTIAL, GOAL_CONCURRENT = 1.5, 2.0
PM = demo.PM_USER[demo.BOOMHUT]


def form(n: int) -> dict[str, Any]:
    """A partial draft (partial drafts may be saved), different each time."""
    return {
        "voorschool": {"sinds": "2024-09-01", "urenPerWeek": 16},
        "vve": {"indicatie": False},
        "ontwikkeling": {"taal": {"niveau": "zoals_verwacht", "toelichting": f"Opmerking {n}."}},
    }


async def opened_since(settings: Settings, since: datetime) -> list[UUID]:
    """The overdrachten opened (as concept) since `since`: the import's."""
    conn = await asyncpg.connect(settings.effective_database_url())
    try:
        rows = await conn.fetch(
            "SELECT id FROM overdrachten WHERE status = 'concept' AND geopend_op >= $1 ORDER BY id", since
        )
    finally:
        await conn.close()
    return [r["id"] for r in rows]


class Saver:
    def __init__(self, api: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.api, self.headers, self.n = api, headers, 0

    async def save(self, overdracht_id: UUID) -> None:
        self.n += 1
        r = await self.api.put(f"/v1/overdrachten/{overdracht_id}/formulier", headers=self.headers, json=form(self.n))
        if r.status_code != 200:
            raise BenchError(f"a save was answered HTTP {r.status_code}")


async def measure(saver: Saver, ids: list[UUID], sequential: int, per_lane: int) -> tuple[Latency, Latency]:
    await in_lanes(len(ids) * WARMUP, 1, lambda i: saver.save(ids[i % len(ids)]))
    one_at_a_time = await in_lanes(sequential, 1, lambda i: saver.save(ids[i % len(ids)]))
    at_once: list[float] = []

    async def lane(k: int) -> None:
        for _ in range(per_lane):
            began = time.perf_counter()
            await saver.save(ids[k])
            at_once.append(time.perf_counter() - began)

    await in_lanes(CONCURRENT, CONCURRENT, lane)
    return Latency.of(one_at_a_time), Latency.of(at_once)


async def main_async(argv: Sequence[str] | None = None) -> int:
    parser = arguments(NAME, __doc__.split("\n\n")[0] if __doc__ else None)
    args = parser.parse_args(argv)
    log_to_file(Settings(), args.out.with_suffix(".log"))
    try:
        async with own_stack(args.workdir, say=lambda _: None) as settings:
            async with api_client(settings) as api:
                since = datetime.now(UTC)
                await import_children(api, await bearer(api, IMPORTER), CONCURRENT, "formulier")
                ids = await opened_since(settings, since)
                if len(ids) != CONCURRENT:
                    raise BenchError(f"{len(ids)} overdrachten opened, not {CONCURRENT}")
                saver = Saver(api, await bearer(api, PM))
                sequential, concurrent = await measure(
                    saver,
                    ids,
                    TINY_SEQUENTIAL if args.tiny else SEQUENTIAL,
                    TINY_PER_LANE if args.tiny else PER_LANE,
                )
            bare = await bare_bench.measure(
                settings, tiny=args.tiny, concurrency=CONCURRENT, starts=None if args.tiny else 200
            )
    except BenchError as exc:
        return fail(str(exc))
    ratios = {
        "sequential": ratio(sequential.p99_ms, bare.update_sequential.p99_ms),
        "concurrent": ratio(concurrent.p99_ms, bare.update_concurrent.p99_ms),
    }
    # The p50's ratio too: on a busy machine the p99 is mostly the scheduler's, the p50 the service's.
    p50_ratios = {
        "sequential": ratio(sequential.p50_ms, bare.update_sequential.p50_ms),
        "concurrent": ratio(concurrent.p50_ms, bare.update_concurrent.p50_ms),
    }
    print(
        f"{'PUT …/formulier':<22} {'n':>4} {'p50 ms':>8} {'bare p50':>8} {'× bare':>7}"
        f" {'p99 ms':>8} {'bare p99':>8} {'× bare':>7}"
    )
    for label, mine, theirs, key in (
        ("sequential", sequential, bare.update_sequential, "sequential"),
        (f"concurrency {CONCURRENT}", concurrent, bare.update_concurrent, "concurrent"),
    ):
        print(
            f"{label:<22} {mine.n:>4} {mine.p50_ms:>8} {theirs.p50_ms:>8} {p50_ratios[key]!s:>7}"
            f" {mine.p99_ms:>8} {theirs.p99_ms:>8} {ratios[key]!s:>7}"
        )
    print(bare_bench.table(bare))
    missed = []
    if not args.tiny:
        if ratios["sequential"] is None or ratios["sequential"] > GOAL_SEQUENTIAL:
            missed.append(f"sequential p99 is {ratios['sequential']}× bare > {GOAL_SEQUENTIAL}×")
        if ratios["concurrent"] is None or ratios["concurrent"] > GOAL_CONCURRENT:
            missed.append(f"concurrency {CONCURRENT} p99 is {ratios['concurrent']}× bare > {GOAL_CONCURRENT}×")
    for goal in missed:
        print(f"GOAL MISSED: {goal}", file=sys.stderr)
    write_results(
        args.out,
        NAME,
        {
            "mode": "tiny" if args.tiny else "full",
            "served": "in-process (httpx ASGI transport)",
            "sequential": asdict(sequential),
            "concurrent": {"concurrency": CONCURRENT, **asdict(concurrent)},
            "ratio_p99_to_bare_update_p99": ratios,
            "ratio_p50_to_bare_update_p50": p50_ratios,
            "bare": bare_bench.as_json(bare),
            "goals_missed": missed,
        },
    )
    return 1 if missed else 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(argv))


if __name__ == "__main__":
    sys.exit(main())
