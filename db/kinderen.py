"""Children placed at a voorschool location: their mentor, and the cleanup of those that never got an
overdracht."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg

from db.gebruikers import ACTIEF, works_at
from db.pool import Connection, Executor


async def placed_at(pool: asyncpg.Pool, kind_id: UUID, locatie_ids: Sequence[UUID]) -> asyncpg.Record | None:
    """The child, if it is placed at one of these locations (the caller's: so may be seen by its staff)."""
    return await pool.fetchrow(
        "SELECT k.id, k.locatie_id, k.aangemelde_school_id, k.geboortedatum, k.vve_indicatie,"
        " w.stadsdeel_id, sd.gemeente_id"
        " FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id"
        " WHERE k.id = $1 AND k.locatie_id = ANY($2::uuid[])",
        kind_id,
        list(locatie_ids),
    )


async def parents(pool: asyncpg.Pool, kind_id: UUID) -> list[UUID]:
    """The parents with custody who have an account for this child."""
    rows = await pool.fetch("SELECT id FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1 ORDER BY id", kind_id)
    return [r["id"] for r in rows]


# The mentor: one PM'er of the child's location (migration 011). One who no longer works there (or
# whose account is deactivated) is no mentor: the condition below leaves them out everywhere (the list,
# the reminders).
MENTOR_AT_LOCATION = f"m.rol = 'pedagogisch_medewerker' AND {works_at('m', 'k.locatie_id')} AND {ACTIEF.format('m')}"


async def is_pm_at(pool: asyncpg.Pool, gebruiker_id: UUID, locatie_id: UUID) -> bool:
    """Whether this user is a pedagogisch medewerker of this location (and so may be a mentor there)."""
    found = await pool.fetchval(
        f"SELECT 1 FROM gebruikers g WHERE g.id = $1 AND g.rol = 'pedagogisch_medewerker' AND {works_at('g', '$2')}"
        f" AND {ACTIEF.format('g')}",
        gebruiker_id,
        locatie_id,
    )
    return found is not None


async def pms_at(pool: asyncpg.Pool, locatie_id: UUID) -> list[asyncpg.Record]:
    """The location's pedagogisch medewerkers (id, naam) by name: who may be a child's mentor there."""
    return await pool.fetch(
        f"SELECT g.id, g.naam FROM gebruikers g WHERE g.rol = 'pedagogisch_medewerker' AND {works_at('g', '$1')}"
        f" AND {ACTIEF.format('g')} ORDER BY g.naam, g.id",
        locatie_id,
    )


async def set_mentor(pool: asyncpg.Pool, kind_id: UUID, mentor_id: UUID) -> None:
    await pool.execute("UPDATE kinderen SET mentor_id = $2 WHERE id = $1", kind_id, mentor_id)


async def set_mentor_if_none(pool: asyncpg.Pool, kind_id: UUID, mentor_id: UUID) -> None:
    """Make this user the child's mentor, unless it has one (who still works at its location)."""
    await pool.execute(
        "UPDATE kinderen k SET mentor_id = $2 WHERE k.id = $1 AND NOT EXISTS"
        f" (SELECT 1 FROM gebruikers m WHERE m.id = k.mentor_id AND {MENTOR_AT_LOCATION})",
        kind_id,
        mentor_id,
    )


# The cleanup of children without an overdracht (activities/kinderen_opruimen.py).


async def gemeenten(pool: asyncpg.Pool) -> list[UUID]:
    """The gemeenten with children placed at one of their locations."""
    rows = await pool.fetch(
        "SELECT DISTINCT sd.gemeente_id FROM kinderen k JOIN locaties l ON l.id = k.locatie_id"
        " JOIN wijken w ON w.id = l.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id ORDER BY sd.gemeente_id"
    )
    return [r["gemeente_id"] for r in rows]


# Past the age (its birthday before today), or its placement ended longer ago than the term: $2 the
# age in months, $3 the term in months, $4 today (Amsterdam). Month ends clamp, as the protocol's ages.
_EXPIRED = (
    "((k.geboortedatum + make_interval(months => $2::int))::date < $4::date"
    " OR (k.plaatsing_beeindigd_op + make_interval(months => $3::int))::date < $4::date)"
)


async def without_overdracht_expired(
    pool: asyncpg.Pool, gemeente_id: UUID, tot_leeftijd_maanden: int, na_einde_maanden: int, today: date, limit: int
) -> list[UUID]:
    """Children of this gemeente that never got an overdracht and are past keeping: see `_EXPIRED`."""
    rows = await pool.fetch(
        "SELECT k.id FROM kinderen k JOIN locaties l ON l.id = k.locatie_id JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id"
        f" WHERE sd.gemeente_id = $1 AND {_EXPIRED}"
        " AND NOT EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id)"
        " ORDER BY k.id LIMIT $5",
        gemeente_id, tot_leeftijd_maanden, na_einde_maanden, today, limit,
    )  # fmt: skip
    return [r["id"] for r in rows]


async def lock_expired_without_overdracht(
    conn: Connection, kind_id: UUID, tot_leeftijd_maanden: int, na_einde_maanden: int, today: date
) -> bool:
    """Lock the child's record (in a transaction) when it is still past keeping and still has no
    overdracht. Two statements on purpose: once the row is locked, no overdracht can be recorded for it
    until the transaction ends (the read model's foreign key waits for the lock), and the second
    statement sees one recorded just before."""
    locked = await conn.fetchval(
        f"SELECT 1 FROM kinderen k WHERE k.id = $1 AND {_EXPIRED} FOR UPDATE",
        kind_id, tot_leeftijd_maanden, na_einde_maanden, today,
    )  # fmt: skip
    if locked is None:
        return False
    opened = await conn.fetchval("SELECT 1 FROM overdrachten WHERE kind_id = $1", kind_id)
    return opened is None


async def delete(conn: Executor, kind_id: UUID) -> None:
    """The child's record; its parents' accounts and their codes go with it (foreign keys)."""
    await conn.execute("DELETE FROM kinderen WHERE id = $1", kind_id)


async def gemeente_of(pool: asyncpg.Pool, kind_id: UUID) -> UUID | None:
    """The gemeente of the child's location; None when the child is not (or no longer) known."""
    found: UUID | None = await pool.fetchval(
        "SELECT sd.gemeente_id FROM kinderen k JOIN locaties l ON l.id = k.locatie_id"
        " JOIN wijken w ON w.id = l.wijk_id JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE k.id = $1",
        kind_id,
    )
    return found


async def end_placement(pool: asyncpg.Pool, kind_id: UUID, datum: date) -> None:
    """The child's placement ended on `datum` (the first date recorded stays: a repeat changes nothing)."""
    await pool.execute(
        "UPDATE kinderen SET plaatsing_beeindigd_op = $2 WHERE id = $1 AND plaatsing_beeindigd_op IS NULL",
        kind_id,
        datum,
    )


async def move(pool: asyncpg.Pool, kind_id: UUID, locatie_id: UUID) -> None:
    """The child is placed at `locatie_id` now; its mentor was a PM'er of the old location."""
    await pool.execute("UPDATE kinderen SET locatie_id = $2, mentor_id = NULL WHERE id = $1", kind_id, locatie_id)


async def location_in(pool: asyncpg.Pool, locatie_id: UUID, gemeente_id: UUID) -> bool:
    """Whether `locatie_id` is an open voorschool location of the gemeente (a closed one takes no new child)."""
    return bool(
        await pool.fetchval(
            "SELECT EXISTS (SELECT 1 FROM locaties l JOIN wijken w ON w.id = l.wijk_id"
            " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE l.id = $1 AND sd.gemeente_id = $2"
            " AND l.gesloten_op IS NULL)",
            locatie_id,
            gemeente_id,
        )
    )


async def without_overdracht_at(pool: asyncpg.Pool, locatie_ids: Sequence[UUID]) -> list[asyncpg.Record]:
    """The children placed at these locations (the PM'er's; placement not ended) who have no overdracht
    yet, oldest first: those the PM'er may open one for."""
    return await pool.fetch(
        "SELECT k.id, k.voornaam, k.achternaam, k.geboortedatum FROM kinderen k"
        " WHERE k.locatie_id = ANY($1::uuid[]) AND k.plaatsing_beeindigd_op IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id)"
        " ORDER BY k.geboortedatum, k.id",
        list(locatie_ids),
    )
