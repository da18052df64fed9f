"""The placements import's jobs (migration 020): the job, its sealed upload, and one row per data row
of the file with its outcome. Sealing and unsealing are the service's (services/imports.py); this
module stores bytes."""

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg

from db.pool import Connection

_COLUMNS = (
    "t.id, t.gemeente_id, t.gebruiker_id, t.status, t.rijen, t.genegeerde_kolommen, t.reden, t.aangemaakt_op,"
    " t.klaar_op"
)
# Progress: the rows with their outcome (a good row once it is stored and started).
_VERWERKT = "(SELECT count(*) FROM import_rijen r WHERE r.taak_id = t.id AND r.overdracht IS NOT NULL)"


async def create(
    pool: asyncpg.Pool,
    taak_id: UUID,
    gemeente_id: UUID,
    gebruiker_id: UUID,
    rijen: int,
    genegeerde_kolommen: Sequence[str],
    sleutel_id: str,
    bestand: bytes,
) -> None:
    await pool.execute(
        "INSERT INTO import_taken (id, gemeente_id, gebruiker_id, rijen, genegeerde_kolommen, sleutel_id, bestand)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)",
        taak_id, gemeente_id, gebruiker_id, rijen, list(genegeerde_kolommen), sleutel_id, bestand,
    )  # fmt: skip


async def delete(pool: asyncpg.Pool, taak_id: UUID) -> None:
    """A job the engine never got: it is gone, as if never asked."""
    await pool.execute("DELETE FROM import_taken WHERE id = $1", taak_id)


async def get(pool: asyncpg.Pool, taak_id: UUID) -> asyncpg.Record | None:
    """The job with its progress (`verwerkt`): rows done, rejected rows included."""
    return await pool.fetchrow(
        f"SELECT {_COLUMNS}, {_VERWERKT} AS verwerkt FROM import_taken t WHERE t.id = $1", taak_id
    )


async def file(pool: asyncpg.Pool, taak_id: UUID) -> asyncpg.Record | None:
    """The sealed upload of a job still waiting to be read; None once it was."""
    return await pool.fetchrow(
        "SELECT gebruiker_id, sleutel_id, bestand FROM import_taken WHERE id = $1 AND status = 'wachtend'", taak_id
    )


@dataclass(frozen=True)
class GelezenRij:
    """One data row as checked: with its outcome (rejected, or its overdracht ended), or good: with its
    place in the order of processing, its child, and its fields sealed."""

    regel: int
    volgnummer: int | None = None
    kind_id: UUID | None = None
    sleutel_id: str | None = None
    plaatsing: bytes | None = None
    opgeslagen: str | None = None
    overdracht: str | None = None
    fouten: Sequence[dict[str, Any]] = ()


async def checked(
    pool: asyncpg.Pool, taak_id: UUID, rijen: Sequence[GelezenRij], before: Callable[[Connection], Awaitable[None]]
) -> bool:
    """Record the checked rows and start the job, in one transaction with `before` (the audit trail's
    rows); the file is emptied. False when the job was checked already (a repeat does nothing)."""
    async with pool.acquire() as conn, conn.transaction():
        started = await conn.fetchval(
            "UPDATE import_taken SET status = 'bezig', sleutel_id = NULL, bestand = NULL"
            " WHERE id = $1 AND status = 'wachtend' RETURNING true",
            taak_id,
        )
        if not started:
            return False
        await before(conn)
        await conn.copy_records_to_table(
            "import_rijen",
            records=[
                (
                    taak_id,
                    r.regel,
                    r.volgnummer,
                    r.kind_id,
                    r.sleutel_id,
                    r.plaatsing,
                    r.opgeslagen,
                    r.overdracht,
                    json.dumps(list(r.fouten)),
                )
                for r in rijen
            ],  # fmt: skip
            columns=(
                "taak_id",
                "regel",
                "volgnummer",
                "kind_id",
                "sleutel_id",
                "plaatsing",
                "opgeslagen",
                "overdracht",
                "fouten",
            ),  # fmt: skip
        )
    return True


async def good_count(pool: asyncpg.Pool, taak_id: UUID) -> int:
    return int(
        await pool.fetchval("SELECT count(*) FROM import_rijen WHERE taak_id = $1 AND volgnummer IS NOT NULL", taak_id)
    )


async def good_rows(pool: asyncpg.Pool, taak_id: UUID, van: int, tot: int) -> list[asyncpg.Record]:
    """The good rows numbered `van` up to `tot` that are not done yet."""
    return await pool.fetch(
        "SELECT regel, volgnummer, kind_id, sleutel_id, plaatsing, opgeslagen FROM import_rijen"
        " WHERE taak_id = $1 AND volgnummer >= $2 AND volgnummer < $3 AND overdracht IS NULL ORDER BY volgnummer",
        taak_id,
        van,
        tot,
    )


async def store_once(
    pool: asyncpg.Pool, taak_id: UUID, regels: Sequence[int], store: Callable[[Connection, int], Awaitable[str]]
) -> dict[int, str]:
    """Store each row's child with `store`, all in one transaction with recording that they were: a row
    stored already (before a crash) answers what it was then and is not stored again. Per row, what it was."""
    async with pool.acquire() as conn, conn.transaction():
        found = await conn.fetch(
            "SELECT regel, opgeslagen FROM import_rijen WHERE taak_id = $1 AND regel = ANY($2::int[])"
            " ORDER BY regel FOR UPDATE",
            taak_id,
            list(regels),
        )
        uitkomsten = {r["regel"]: str(r["opgeslagen"]) for r in found if r["opgeslagen"] is not None}
        nieuw = {regel: await store(conn, regel) for regel in regels if regel not in uitkomsten}
        if nieuw:
            await conn.execute(
                "UPDATE import_rijen r SET opgeslagen = u.opgeslagen"
                " FROM unnest($2::int[], $3::text[]) AS u(regel, opgeslagen) WHERE r.taak_id = $1 AND r.regel = u.regel",
                taak_id,
                list(nieuw),
                list(nieuw.values()),
            )
        return {**uitkomsten, **nieuw}


async def rows_done(pool: asyncpg.Pool, taak_id: UUID, uitkomsten: dict[int, str]) -> None:
    """The rows' outcomes for their overdracht (`geopend`, …): they are done, and their sealed fields go."""
    await pool.execute(
        "UPDATE import_rijen r SET overdracht = u.overdracht, fouten = '[]', sleutel_id = NULL, plaatsing = NULL"
        " FROM unnest($2::int[], $3::text[]) AS u(regel, overdracht) WHERE r.taak_id = $1 AND r.regel = u.regel",
        taak_id,
        list(uitkomsten),
        list(uitkomsten.values()),
    )


async def finish(pool: asyncpg.Pool, taak_id: UUID, status: str, reden: str | None = None) -> None:
    """The job ends: no sealed field is kept, whatever the outcome."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "UPDATE import_taken SET status = $2, reden = $3, klaar_op = now(), sleutel_id = NULL, bestand = NULL"
            " WHERE id = $1 AND status IN ('wachtend', 'bezig')",
            taak_id,
            status,
            reden,
        )
        await conn.execute(
            "UPDATE import_rijen SET sleutel_id = NULL, plaatsing = NULL WHERE taak_id = $1 AND plaatsing IS NOT NULL",
            taak_id,
        )


async def report(pool: asyncpg.Pool, taak_id: UUID) -> list[asyncpg.Record]:
    """Every row's outcome, by line number: line numbers, outcomes and reasons, never a value."""
    return await pool.fetch(
        "SELECT regel, opgeslagen, overdracht, fouten FROM import_rijen WHERE taak_id = $1 ORDER BY regel", taak_id
    )


async def counts(pool: asyncpg.Pool, taak_id: UUID) -> dict[str, int]:
    """How many rows had each outcome, stored (`nieuw`, …) and for the overdracht (`geopend`, …)."""
    rows = await pool.fetch(
        "SELECT opgeslagen AS uitkomst, count(*) AS n FROM import_rijen WHERE taak_id = $1 GROUP BY 1"
        " UNION ALL SELECT overdracht, count(*) FROM import_rijen WHERE taak_id = $1 GROUP BY 1",
        taak_id,
    )
    found: dict[str, int] = {}
    for r in rows:
        if r["uitkomst"] is not None:
            found[r["uitkomst"]] = found.get(r["uitkomst"], 0) + r["n"]
    return found
