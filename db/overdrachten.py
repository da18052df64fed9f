"""Read-model queries for the overdrachten, always within what the caller may see."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from db.kinderen import MENTOR_AT_LOCATION
from db.pool import Executor
from db.scope import scoped
from protocol.dates import end_of_day
from schemas.formulier import Formulier
from schemas.gebruiker import Gebruiker
from schemas.lijst import Filters, MentorFilter, Sort
from schemas.overdracht import Rol, Status

_SELECT = f"""
SELECT o.id, o.kind_id, o.status, o.revisie, o.formulier_compleet, o.schooljaar, o.vve_indicatie,
       o.geopend_op, o.ingediend_op, o.toestemming_op, o.verzonden_op, o.ontvangen_op,
       o.afgerond_op, o.geweigerd_op, o.ingetrokken_op, o.geannuleerd_op, o.papieren_kopie_op,
       o.inhoud_verwijderd_op, o.eerste_schooldag, o.bijgewerkt_op,
       o.protocol_versie, o.deadlines, o.volgende_deadline, o.vlaggen, o.open_vlaggen, o.achterstallig_sinds,
       o.warme_overdracht_vereist, o.warme_overdracht_gepland_op, o.warme_overdracht_gehouden_op,
       o.toestemming_voor, o.toestemming_school_id,
       l.id AS locatie_id, l.naam AS locatie_naam,
       w.id AS wijk_id, w.naam AS wijk_naam,
       sd.id AS stadsdeel_id, sd.naam AS stadsdeel_naam,
       s.id AS school_id, s.naam AS school_naam,
       k.voornaam, k.achternaam, k.geboortedatum, k.bsn,
       m.id AS mentor_id, m.naam AS mentor_naam
FROM overdrachten o
JOIN locaties l ON l.id = o.locatie_id
JOIN wijken w ON w.id = l.wijk_id
JOIN stadsdelen sd ON sd.id = w.stadsdeel_id
LEFT JOIN kinderen k ON k.id = o.kind_id  -- gone after the purge; the row stays
LEFT JOIN gebruikers m ON m.id = k.mentor_id AND {MENTOR_AT_LOCATION}
LEFT JOIN scholen s ON s.id = o.school_id
"""


async def get(pool: asyncpg.Pool, user: Gebruiker, overdracht_id: UUID) -> asyncpg.Record | None:
    where = scoped(user)
    where.add("o.id = {}", overdracht_id)
    return await pool.fetchrow(_SELECT + where.sql(), *where.args)


# The states an overdracht ends in (workflows/lifecycle.EINDSTATUSSEN), as the predicate of the partial
# index of the open rows (migration 027) writes them: a filter on open states adds it word for word.
_EINDE = {Status.AFGEROND, Status.GEWEIGERD, Status.INGETROKKEN, Status.GEANNULEERD}
_OPEN = "o.status NOT IN ('afgerond', 'geweigerd', 'ingetrokken', 'geannuleerd')"

# Each sort as (key expression, descending). Missing keys sort last: keyset paging needs a value. Each
# key is served in the caller's scope by an index on exactly this expression (migrations 001 and 027).
_NEVER = "'9999-12-31 00:00:00+00'::timestamptz"
_SORTS: dict[Sort, tuple[str, bool]] = {
    Sort.GEOPEND_OP: ("o.geopend_op", False),
    Sort.GEOPEND_OP_AFLOPEND: ("o.geopend_op", True),
    Sort.VOLGENDE_DEADLINE: (f"COALESCE(o.volgende_deadline, {_NEVER})", False),
    Sort.ACHTERSTALLIG_SINDS: (f"COALESCE(o.achterstallig_sinds, {_NEVER})", False),
    Sort.BIJGEWERKT_OP_AFLOPEND: ("o.bijgewerkt_op", True),
}


async def exists(conn: Executor, overdracht_id: UUID) -> bool:
    """Whether the overdracht has its row: it is open for readers."""
    return await conn.fetchval("SELECT 1 FROM overdrachten WHERE id = $1", overdracht_id) is not None


async def existing(conn: Executor, ids: list[UUID]) -> list[UUID]:
    """Which of `ids` have their row."""
    return [r["id"] for r in await conn.fetch("SELECT id FROM overdrachten WHERE id = ANY($1::uuid[])", ids)]


async def page(
    pool: asyncpg.Pool,
    user: Gebruiker,
    filters: Filters,
    sort: Sort,
    after: tuple[datetime, UUID] | None,
    limit: int,
    *,
    own_first: bool = False,
    after_rank: int = 0,
) -> list[asyncpg.Record]:
    """One page in the caller's scope, keyset-paged on (sort key, id); each row carries its `sort_key`.
    `own_first`: the caller's own mentees come first (rank 0, the others 1), each part sorted by `sort`;
    the page then continues after (`after_rank`, `after`), and each row carries its `sort_rank` too."""
    where = scoped(user)
    n_scope = len(where.clauses)
    if filters.status:
        where.add("o.status = ANY({})", [s.value for s in filters.status])
        if not set(filters.status) & _EINDE:
            where.add(_OPEN)  # implied: the partial index of the open rows serves it
    # Overdue now: `cardinality(o.open_vlaggen) > 0` is the predicate of the partial indexes of the open
    # flags (migration 027), written as they are so that the planner takes them; with a flag filter
    # too, which implies it.
    if filters.open_vlaggen or filters.te_laat:
        where.add("cardinality(o.open_vlaggen) > 0")
    if filters.open_vlaggen:
        where.add("o.open_vlaggen && {}::text[]", [v.value for v in filters.open_vlaggen])
    if filters.te_laat is False:
        where.add("cardinality(o.open_vlaggen) = 0")
    for column, value in (
        ("o.locatie_id", filters.locatie_id),
        ("o.school_id", filters.school_id),
        ("l.wijk_id", filters.wijk_id),
        ("w.stadsdeel_id", filters.stadsdeel_id),
        ("o.schooljaar", filters.schooljaar),
    ):
        if value is not None:
            where.add(f"{column} = {{}}", value)
    if filters.deadline_voor is not None:
        where.add("o.volgende_deadline IS NOT NULL")  # implied: its partial index serves it
        where.add("o.volgende_deadline <= {}", end_of_day(filters.deadline_voor))
    if filters.mentor is MentorFilter.IK:
        where.add("m.id = {}", user.id)
    key, descending = _SORTS[sort]
    order = "DESC" if descending else "ASC"
    cmp = "<" if descending else ">"
    columns, order_by = f"{key} AS sort_key", f"{key} {order}, o.id {order}"
    if own_first:
        rank = f"(CASE WHEN m.id = {where.param(user.id)}::uuid THEN 0 ELSE 1 END)"
        columns, order_by = f"{rank} AS sort_rank, {columns}", f"{rank}, {order_by}"
        if after:
            where.add(f"({rank} > {{}} OR ({rank} = {{}} AND ({key}, o.id) {cmp} ({{}}, {{}})))",
                      after_rank, after_rank, *after)  # fmt: skip
    elif after:
        where.add(f"({key}, o.id) {cmp} ({{}}, {{}})", *after)
    if (
        user.rol in (Rol.PEDAGOGISCH_MEDEWERKER, Rol.LOCATIEMANAGER)
        and not own_first
        and filters.wijk_id is None
        and filters.stadsdeel_id is None
        and filters.mentor is None
        and where.clauses[:n_scope] == ["o.locatie_id = ANY($1::uuid[])"]
    ):
        # Several locations: PostgreSQL 15 reads an index of (locatie_id, key) in key order for one
        # location at a time, so `locatie_id = ANY(…)` would read and sort every row of them. Instead
        # each location's first rows in that order (its index, LIMIT), then the page of their union:
        # the same rows, as every filter but the scope is on the overdracht's own columns.
        # The scope is the locations the inner query walks: scoped()'s own parameter, $1 (its only one).
        eigen = " AND ".join(["o.locatie_id = loc.id", *where.clauses[n_scope:]])
        where.clauses[:n_scope] = [
            "o.id = ANY(ARRAY(SELECT x.id FROM unnest($1::uuid[]) AS loc(id) CROSS JOIN LATERAL"
            f" (SELECT o.id FROM overdrachten o WHERE {eigen} ORDER BY {order_by} LIMIT {int(limit)}) AS x))"
        ]
    sql = (
        _SELECT.replace("SELECT ", f"SELECT {columns}, ", 1) + where.sql() + f" ORDER BY {order_by} LIMIT {int(limit)}"
    )
    return await pool.fetch(sql, *where.args)


async def form(pool: asyncpg.Pool, overdracht_id: UUID) -> Formulier | None:
    inhoud = await pool.fetchval("SELECT inhoud FROM formulieren WHERE overdracht_id = $1", overdracht_id)
    return Formulier.model_validate_json(inhoud) if inhoud else None


@dataclass(frozen=True)
class Inhoud:
    """What an overdracht's detail shows of its content, read in one statement (`inhoud`)."""

    formulier: Formulier | None
    reacties: list[dict[str, Any]]  # the parents' reactions, oldest first: eens, zienswijze, reden, tijdstip
    bijlagen: list[dict[str, Any]]  # without their files: soort, ouder_id, grootte, geupload_op
    versies: list[Formulier]  # the form as submitted to the parents, the last two times, newest first


_REACTIE = ("eens", "zienswijze", "reden", "tijdstip")
_BIJLAGE = ("soort", "ouder_id", "grootte", "geupload_op")


async def inhoud(pool: asyncpg.Pool, overdracht_id: UUID) -> Inhoud:
    """The content of the overdracht: one round trip, where one query for each part took four."""
    row = await pool.fetchrow(
        f"""
        SELECT (SELECT inhoud FROM formulieren WHERE overdracht_id = $1) AS formulier,
               ARRAY(SELECT ROW({", ".join(_REACTIE)}) FROM ouderreacties
                     WHERE overdracht_id = $1 ORDER BY tijdstip) AS reacties,
               ARRAY(SELECT ROW({", ".join(_BIJLAGE)}) FROM bijlagen
                     WHERE overdracht_id = $1 ORDER BY soort, geupload_op, ouder_id) AS bijlagen,
               ARRAY(SELECT inhoud FROM formulier_versies
                     WHERE overdracht_id = $1 ORDER BY revisie DESC LIMIT 2) AS versies
        """,
        overdracht_id,
    )
    assert row is not None  # a SELECT without FROM answers one row
    return Inhoud(
        formulier=Formulier.model_validate_json(row["formulier"]) if row["formulier"] else None,
        reacties=[dict(zip(_REACTIE, r, strict=True)) for r in row["reacties"]],
        bijlagen=[dict(zip(_BIJLAGE, b, strict=True)) for b in row["bijlagen"]],
        versies=[Formulier.model_validate_json(v) for v in row["versies"]],
    )


async def timeline(pool: asyncpg.Pool, overdracht_id: UUID) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT revisie, gebeurtenis, status, tijdstip, actor_rol, details, toelichting"
        " FROM overdracht_gebeurtenissen WHERE overdracht_id = $1 ORDER BY revisie",
        overdracht_id,
    )
