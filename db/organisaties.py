"""Organisations: gemeenten, their stadsdelen and wijken, voorschool locations and schools. Every read is
within one gemeente (another gemeente's row is not found); the writes of functioneel beheer run in
`transaction`, one gemeente at a time, so a check for a duplicate and the write after it see the same
organisation (services/organisatie.py)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from uuid import UUID

import asyncpg

from db.pool import Connection, Executor

# The first key of the gemeente's advisory lock (the second is the gemeente's): two-key locks never meet
# the one-key locks elsewhere (db/protocol.py).
LOCK_CLASS = 7_203_117


async def school_open(pool: asyncpg.Pool, school_id: UUID) -> bool | None:
    """Whether the school takes new overdrachten: None when there is no such school."""
    gesloten: bool | None = await pool.fetchval("SELECT gesloten_op IS NOT NULL FROM scholen WHERE id = $1", school_id)
    return None if gesloten is None else not gesloten


async def schools_in(pool: asyncpg.Pool, gemeente_id: UUID) -> list[asyncpg.Record]:
    """The gemeente's open schools by name (id, naam): what a parent or the voorschool chooses from."""
    return await pool.fetch(
        """
        SELECT s.id, s.naam FROM scholen s
        JOIN wijken w ON w.id = s.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
        WHERE sd.gemeente_id = $1 AND s.gesloten_op IS NULL ORDER BY s.naam, s.id
        """,
        gemeente_id,
    )


@asynccontextmanager
async def transaction(pool: asyncpg.Pool, gemeente_id: UUID) -> AsyncIterator[Connection]:
    """A transaction holding the gemeente's organisation lock: one change at a time per gemeente."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", LOCK_CLASS, str(gemeente_id))
        yield conn


# The gemeente


async def gemeente(db: Executor, gemeente_id: UUID) -> asyncpg.Record | None:
    return await db.fetchrow(
        "SELECT id, naam, gemeentecode, bundelen, bundel_uur FROM gemeenten WHERE id = $1", gemeente_id
    )


async def update_gemeente(
    db: Executor, gemeente_id: UUID, gemeentecode: str | None, bundelen: bool, bundel_uur: int
) -> None:
    await db.execute(
        "UPDATE gemeenten SET gemeentecode = $2, bundelen = $3, bundel_uur = $4 WHERE id = $1",
        gemeente_id, gemeentecode, bundelen, bundel_uur,
    )  # fmt: skip


# Reading, within one gemeente. `id` None: all of them; else that one (or nothing).

_STADSDELEN = """
SELECT sd.id, sd.naam, sd.gesloten_op FROM stadsdelen sd
WHERE sd.gemeente_id = $1 AND ($2::uuid IS NULL OR sd.id = $2)
ORDER BY lower(sd.naam), sd.id
"""

_WIJKEN = """
SELECT w.id, w.naam, w.gesloten_op, sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam
FROM wijken w JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
WHERE sd.gemeente_id = $1 AND ($2::uuid IS NULL OR w.id = $2)
ORDER BY lower(w.naam), w.id
"""

_LOCATIES = """
SELECT l.id, l.naam, l.lrk_nummer, l.gesloten_op, w.id AS wijk_id, w.naam AS wijk_naam,
       sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam
FROM locaties l JOIN wijken w ON w.id = l.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
WHERE sd.gemeente_id = $1 AND ($2::uuid IS NULL OR l.id = $2)
ORDER BY lower(l.naam), l.id
"""

_SCHOLEN = """
SELECT s.id, s.naam, s.brin, s.vestiging, s.intake_email, s.gesloten_op, w.id AS wijk_id, w.naam AS wijk_naam,
       sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam
FROM scholen s JOIN wijken w ON w.id = s.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
WHERE sd.gemeente_id = $1 AND ($2::uuid IS NULL OR s.id = $2)
ORDER BY lower(s.naam), s.brin, s.vestiging, s.id
"""


async def stadsdelen(db: Executor, gemeente_id: UUID, stadsdeel_id: UUID | None = None) -> list[asyncpg.Record]:
    return await db.fetch(_STADSDELEN, gemeente_id, stadsdeel_id)


async def wijken(db: Executor, gemeente_id: UUID, wijk_id: UUID | None = None) -> list[asyncpg.Record]:
    return await db.fetch(_WIJKEN, gemeente_id, wijk_id)


async def locaties(db: Executor, gemeente_id: UUID, locatie_id: UUID | None = None) -> list[asyncpg.Record]:
    return await db.fetch(_LOCATIES, gemeente_id, locatie_id)


async def scholen(db: Executor, gemeente_id: UUID, school_id: UUID | None = None) -> list[asyncpg.Record]:
    return await db.fetch(_SCHOLEN, gemeente_id, school_id)


# Duplicates within the gemeente (`behalve`: the one being changed)


async def naam_bezet(db: Executor, tabel: str, gemeente_id: UUID, naam: str, behalve: UUID | None) -> bool:
    """Whether another stadsdeel, wijk or location of the gemeente has this name (case and spacing aside)."""
    query = {"stadsdelen": _STADSDELEN, "wijken": _WIJKEN, "locaties": _LOCATIES}[tabel]
    sleutel = _naam_sleutel(naam)
    return any(
        r["id"] != behalve and _naam_sleutel(r["naam"]) == sleutel for r in await db.fetch(query, gemeente_id, None)
    )


def _naam_sleutel(naam: str) -> str:
    return " ".join(naam.split()).casefold()


async def lrk_bezet(db: Executor, gemeente_id: UUID, lrk_nummer: str, behalve: UUID | None) -> bool:
    return any(
        r["id"] != behalve and r["lrk_nummer"] == lrk_nummer for r in await db.fetch(_LOCATIES, gemeente_id, None)
    )


async def vestiging_bezet(db: Executor, gemeente_id: UUID, brin: str, vestiging: str, behalve: UUID | None) -> bool:
    return any(
        r["id"] != behalve and (r["brin"], r["vestiging"]) == (brin, vestiging)
        for r in await db.fetch(_SCHOLEN, gemeente_id, None)
    )


# Writing (in `transaction`)


async def insert_stadsdeel(db: Executor, stadsdeel_id: UUID, gemeente_id: UUID, naam: str) -> None:
    await db.execute(
        "INSERT INTO stadsdelen (id, gemeente_id, naam) VALUES ($1, $2, $3)", stadsdeel_id, gemeente_id, naam
    )


async def update_stadsdeel(db: Executor, stadsdeel_id: UUID, naam: str, gesloten_op: datetime | None) -> None:
    await db.execute("UPDATE stadsdelen SET naam = $2, gesloten_op = $3 WHERE id = $1", stadsdeel_id, naam, gesloten_op)


async def insert_wijk(db: Executor, wijk_id: UUID, stadsdeel_id: UUID, naam: str) -> None:
    await db.execute("INSERT INTO wijken (id, stadsdeel_id, naam) VALUES ($1, $2, $3)", wijk_id, stadsdeel_id, naam)


async def update_wijk(db: Executor, wijk_id: UUID, stadsdeel_id: UUID, naam: str, gesloten_op: datetime | None) -> None:
    await db.execute(
        "UPDATE wijken SET stadsdeel_id = $2, naam = $3, gesloten_op = $4 WHERE id = $1",
        wijk_id, stadsdeel_id, naam, gesloten_op,
    )  # fmt: skip


async def insert_locatie(db: Executor, locatie_id: UUID, wijk_id: UUID, naam: str, lrk_nummer: str | None) -> None:
    await db.execute(
        "INSERT INTO locaties (id, wijk_id, naam, lrk_nummer) VALUES ($1, $2, $3, $4)",
        locatie_id, wijk_id, naam, lrk_nummer,
    )  # fmt: skip


async def update_locatie(
    db: Executor, locatie_id: UUID, wijk_id: UUID, naam: str, lrk_nummer: str | None, gesloten_op: datetime | None
) -> None:
    await db.execute(
        "UPDATE locaties SET wijk_id = $2, naam = $3, lrk_nummer = $4, gesloten_op = $5 WHERE id = $1",
        locatie_id, wijk_id, naam, lrk_nummer, gesloten_op,
    )  # fmt: skip


async def insert_school(
    db: Executor,
    school_id: UUID,
    wijk_id: UUID,
    naam: str,
    brin: str | None,
    vestiging: str | None,
    intake_email: str | None = None,
) -> None:
    await db.execute(
        "INSERT INTO scholen (id, wijk_id, naam, brin, vestiging, intake_email) VALUES ($1, $2, $3, $4, $5, $6)",
        school_id, wijk_id, naam, brin, vestiging, intake_email,
    )  # fmt: skip


async def update_school(
    db: Executor,
    school_id: UUID,
    wijk_id: UUID,
    naam: str,
    brin: str | None,
    vestiging: str | None,
    gesloten_op: datetime | None,
    intake_email: str | None,
) -> None:
    await db.execute(
        "UPDATE scholen SET wijk_id = $2, naam = $3, brin = $4, vestiging = $5, gesloten_op = $6, intake_email = $7"
        " WHERE id = $1",
        school_id, wijk_id, naam, brin, vestiging, gesloten_op, intake_email,
    )  # fmt: skip
