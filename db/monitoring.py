"""Read-model queries of the monitoring: what is overdue, the key figures, and VVE children without an
overdracht. Metadata and aggregates only: no query here selects a child's name or the form, and the
one that needs a date of birth keeps it inside this module. Always within the caller's scope."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import asyncpg
from dateutil.relativedelta import relativedelta

from db.scope import scoped
from protocol.dates import age_reached
from schemas.gebruiker import Gebruiker
from schemas.monitoring import Groepering
from schemas.overdracht import Status, Vlag
from schemas.protocol import Leeftijd

# The location's wijk and stadsdeel: where the child goes to the voorschool.
_ORGANISATIES = """
FROM overdrachten o
JOIN locaties l ON l.id = o.locatie_id
JOIN wijken w ON w.id = l.wijk_id
JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
LEFT JOIN scholen s ON s.id = o.school_id
"""

_ACHTERSTANDEN = (
    """
SELECT o.id, o.status, o.open_vlaggen, o.achterstallig_sinds, o.deadlines, o.schooljaar,
       l.id AS locatie_id, l.naam AS locatie_naam, w.id AS wijk_id, w.naam AS wijk_naam,
       sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam, s.id AS school_id, s.naam AS school_naam
"""
    + _ORGANISATIES
)


@dataclass
class Filters:
    vlag: list[Vlag] | None = None
    locatie_id: UUID | None = None
    school_id: UUID | None = None
    wijk_id: UUID | None = None
    stadsdeel_id: UUID | None = None
    schooljaar: str | None = None


async def achterstanden(
    pool: asyncpg.Pool,
    user: Gebruiker,
    filters: Filters,
    after: tuple[datetime, UUID] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """What is overdue now, oldest first, keyset-paged on (achterstallig_sinds, id). The read model
    sets achterstallig_sinds exactly while a flag is open; for the coordinator the partial index on
    (gemeente_id, achterstallig_sinds) serves both the filter and the order."""
    where = scoped(user)
    where.add("o.achterstallig_sinds IS NOT NULL")
    if filters.vlag:
        where.add("o.open_vlaggen && {}::text[]", [v.value for v in filters.vlag])
    if filters.locatie_id:
        where.add("o.locatie_id = {}", filters.locatie_id)
    if filters.school_id:
        where.add("o.school_id = {}", filters.school_id)
    if filters.wijk_id:
        where.add("w.id = {}", filters.wijk_id)
    if filters.stadsdeel_id:
        where.add("sd.id = {}", filters.stadsdeel_id)
    if filters.schooljaar:
        where.add("o.schooljaar = {}", filters.schooljaar)
    if after:
        where.add("(o.achterstallig_sinds, o.id) > ({}, {})", *after)
    sql = _ACHTERSTANDEN + where.sql() + f" ORDER BY o.achterstallig_sinds, o.id LIMIT {int(limit)}"
    return await pool.fetch(sql, *where.args)


_GROEP_KOLOMMEN: dict[Groepering, tuple[str, str]] = {
    Groepering.STADSDEEL: ("sd.id", "sd.naam"),
    Groepering.WIJK: ("w.id", "w.naam"),
    Groepering.LOCATIE: ("l.id", "l.naam"),
    Groepering.SCHOOL: ("s.id", "s.naam"),
}

# A step counts once it is done: on time when done before its deadline (a deadline ends at the moment
# stored), late when at or after it. A step done without a deadline in the record had nothing to be
# late for and counts as on time.
STAPPEN: dict[str, str] = {"toestemming": "toestemming_op", "verzenden": "verzonden_op", "bevestigen": "ontvangen_op"}


def _tijdigheid(stap: str, gedaan: str) -> str:
    deadline = f"coalesce((o.deadlines->>'{stap}')::timestamptz, 'infinity')"
    return (
        f"count(*) FILTER (WHERE o.{gedaan} < {deadline}) AS {stap}_op_tijd,"
        f" count(*) FILTER (WHERE o.{gedaan} >= {deadline}) AS {stap}_te_laat"
    )


_CIJFERS = ",\n".join(
    [
        "count(*) AS aantal",
        *(f"count(*) FILTER (WHERE o.status = '{s.value}') AS \"status_{s.value}\"" for s in Status),
        *(_tijdigheid(stap, gedaan) for stap, gedaan in STAPPEN.items()),
        "count(*) FILTER (WHERE o.vve_indicatie AND o.ontvangen_op IS NOT NULL) AS vve_ontvangen",
        "count(*) FILTER (WHERE o.vve_indicatie AND o.ontvangen_op IS NOT NULL"
        " AND o.warme_overdracht_gehouden_op < o.eerste_schooldag) AS vve_warm_voor_start",
        f"count(*) FILTER (WHERE o.status = '{Status.GEWEIGERD.value}') AS geweigerd",
        f"count(*) FILTER (WHERE '{Vlag.SCHOOL_ONBEKEND.value}' = ANY(o.vlaggen)) AS school_onbekend",
    ]
)


async def kengetallen(
    pool: asyncpg.Pool, user: Gebruiker, groepering: Groepering, schooljaar: str | None
) -> list[asyncpg.Record]:
    """One row per (school year, group), and one per school year over the whole scope (`totaal`),
    in one pass: GROUPING SETS. For the coordinator with a school year the index on
    (gemeente_id, schooljaar) finds the rows."""
    groep_id, groep_naam = _GROEP_KOLOMMEN[groepering]
    where = scoped(user)
    if schooljaar:
        where.add("o.schooljaar = {}", schooljaar)
    sql = (
        f"SELECT o.schooljaar, GROUPING({groep_id}) = 1 AS totaal,"
        f" {groep_id} AS groep_id, {groep_naam} AS groep_naam,\n{_CIJFERS}\n"
        + _ORGANISATIES
        + where.sql()
        + f" GROUP BY GROUPING SETS ((o.schooljaar, {groep_id}, {groep_naam}), (o.schooljaar))"
        + f" ORDER BY o.schooljaar NULLS LAST, totaal DESC, {groep_naam} NULLS LAST, {groep_id}"
    )
    return await pool.fetch(sql, *where.args)


@dataclass(frozen=True)
class KindZonderOverdracht:
    """A child by its id and organisations: the date of birth stays in this module."""

    kind_id: UUID
    locatie_id: UUID
    locatie_naam: str
    wijk_id: UUID
    wijk_naam: str
    stadsdeel_id: UUID
    stadsdeel_naam: str
    maanden_na_startleeftijd: int


def months_past(birth: date, start: Leeftijd, today: date) -> int | None:
    """Whole months since the child reached the start age; None when it has not reached it yet."""
    reached = age_reached(birth, start.jaren, start.maanden)
    if reached > today:
        return None
    since = relativedelta(today, reached)
    return since.years * 12 + since.months


async def zonder_overdracht(
    pool: asyncpg.Pool, gemeente_id: UUID, start: Leeftijd, today: date
) -> list[KindZonderOverdracht]:
    """VVE children of the gemeente past the start age with no overdracht at all, longest past first."""
    # The SQL narrows to children born early enough, with a few days to spare: month ends clamp
    # (3½ after 31 August is the last day of February), so the exact test is age_reached's, below.
    born_by = today - relativedelta(years=start.jaren, months=start.maanden) + timedelta(days=4)
    rows = await pool.fetch(
        """
        SELECT k.id, k.geboortedatum, l.id AS locatie_id, l.naam AS locatie_naam,
               w.id AS wijk_id, w.naam AS wijk_naam, sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam
        FROM kinderen k
        JOIN locaties l ON l.id = k.locatie_id
        JOIN wijken w ON w.id = l.wijk_id
        JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
        WHERE sd.gemeente_id = $1 AND k.vve_indicatie AND k.geboortedatum <= $2
          AND NOT EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id)
        ORDER BY k.geboortedatum, k.id
        """,
        gemeente_id,
        born_by,
    )
    result = []
    for r in rows:
        months = months_past(r["geboortedatum"], start, today)
        if months is not None:
            result.append(
                KindZonderOverdracht(
                    kind_id=r["id"],
                    locatie_id=r["locatie_id"],
                    locatie_naam=r["locatie_naam"],
                    wijk_id=r["wijk_id"],
                    wijk_naam=r["wijk_naam"],
                    stadsdeel_id=r["stadsdeel_id"],
                    stadsdeel_naam=r["stadsdeel_naam"],
                    maanden_na_startleeftijd=months,
                )
            )
    return result
