"""The read model's writes: the workflow's changes, the purge of content, the engine cleanup's marks."""

import json
import re
from collections.abc import Callable, Sequence
from enum import Enum
from uuid import UUID

import asyncpg

from db import idempotency
from db.pool import Executor
from schemas.overdracht import Gebeurtenis
from schemas.workflow import HandoverState, RecordChange


def _field(name: str) -> Callable[[RecordChange], object]:
    def value(change: RecordChange) -> object:
        v = getattr(change.state, name)
        return v.value if isinstance(v, Enum) else v

    return value


# Every column of `overdrachten` the workflow writes, and how its value is read from a change: each
# field of HandoverState is the column of the same name (a new field needs only its migration), and
# these are computed.
COLUMNS: dict[str, Callable[[RecordChange], object]] = {
    "id": lambda c: c.state.overdracht_id,
    **{name: _field(name) for name in HandoverState.model_fields if name != "overdracht_id"},
    "deadlines": lambda c: json.dumps({d.value: m.isoformat() for d, m in c.state.deadlines.items()}),
    "vlaggen": lambda c: sorted(v.value for v in c.state.vlaggen),
    "open_vlaggen": lambda c: [v.value for v in c.state.open_vlaggen],
    "achterstallig_sinds": lambda c: c.state.achterstallig_sinds,
    "bijgewerkt_op": lambda c: c.event.tijdstip,
}
# Set once, by the first change: who the overdracht is for and in which gemeente (the purge clears
# kind_id). The location changes when the child moves.
_FIXED = {"id", "kind_id", "gemeente_id"}
_UPSERT = f"""
    INSERT INTO overdrachten ({", ".join(COLUMNS)})
    VALUES ({", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))})
    ON CONFLICT (id) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c not in _FIXED)}
    WHERE overdrachten.revisie <= EXCLUDED.revisie
"""


async def record(conn: Executor, change: RecordChange) -> None:
    """Apply one change. A change older than the row (a late duplicate) changes nothing: rows carry the
    workflow's revision and only move forward. A change of the same revision replaces what is there: a
    retry writes the same again, and a step the engine forgot after its local write
    (workflows/recording.py) is overwritten by the change the workflow really made.

    One statement, so one round trip and atomic without a transaction of its own: the row, then what
    the change adds (`_entry`), each a data-modifying part of it. The parts write different tables (no
    row twice), and the only triggers, 027's and 029's on `overdrachten`, run after the statement."""
    parts: list[str] = []
    args: list[object] = []
    for sql, values in [_row(change), *_entry(change)]:
        # Each write's own $1, $2, … numbered on after the parameters of the writes before it.
        before = len(args)
        parts.append(_PARAMETER.sub(lambda m: f"${int(m.group(1)) + before}", sql))  # noqa: B023 (used at once)
        args.extend(values)
    statement = "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1])) + " " + parts[-1]
    await conn.execute(statement, *args)


async def record_all(conn: Executor, changes: Sequence[RecordChange]) -> None:
    """Apply changes the workflow made one after another (revisions in order), as `record` applies each,
    in the caller's transaction; but the overdracht's row is written once, as the last change leaves it
    (the state holds what the ones before it set). Each write of the row runs the key figures'
    triggers (migrations 027, 029, 031) on totals every overdracht of a location shares: an opening
    with its parents' message writes it once, not twice (issue 14)."""
    for sql, args in [_row(changes[-1]), *(write for change in changes for write in _entry(change))]:
        await conn.execute(sql, *args)


# A write: a statement with its parameters, numbered from $1.
Write = tuple[str, tuple[object, ...]]

_PARAMETER = re.compile(r"\$(\d+)")


def _row(change: RecordChange) -> Write:
    return _UPSERT, tuple(value(change) for value in COLUMNS.values())


def _entry(change: RecordChange) -> list[Write]:
    """What a change adds besides the row: its timeline entry, and the form or reaction it carries."""
    s, e = change.state, change.event
    writes: list[Write] = [
        (
            """
            INSERT INTO overdracht_gebeurtenissen
                (overdracht_id, revisie, gebeurtenis, status, tijdstip, actor_id, actor_rol, details, toelichting)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
            ON CONFLICT (overdracht_id, revisie) DO UPDATE SET
                gebeurtenis = EXCLUDED.gebeurtenis, status = EXCLUDED.status, tijdstip = EXCLUDED.tijdstip,
                actor_id = EXCLUDED.actor_id, actor_rol = EXCLUDED.actor_rol, details = EXCLUDED.details,
                toelichting = EXCLUDED.toelichting
            """,
            (
                s.overdracht_id, e.revisie, e.gebeurtenis.value, e.status.value, e.tijdstip,
                e.actor.gebruiker_id if e.actor else None, e.actor.rol.value if e.actor else None,
                json.dumps(e.details), e.toelichting,
            ),
        )
    ]  # fmt: skip
    if change.formulier is not None:
        inhoud = change.formulier.model_dump_json()
        writes.append(
            (
                """
                INSERT INTO formulieren (overdracht_id, inhoud, revisie, bijgewerkt_op)
                VALUES ($1, $2::jsonb, $3, $4)
                ON CONFLICT (overdracht_id) DO UPDATE
                    SET inhoud = EXCLUDED.inhoud, revisie = EXCLUDED.revisie, bijgewerkt_op = EXCLUDED.bijgewerkt_op
                    WHERE formulieren.revisie <= EXCLUDED.revisie
                """,
                (s.overdracht_id, inhoud, s.revisie, e.tijdstip),
            )
        )
        if e.gebeurtenis is Gebeurtenis.INGEDIEND:
            # The version the parents are shown: after a correction round, they see what changed.
            writes.append(
                (
                    """
                    INSERT INTO formulier_versies (overdracht_id, revisie, inhoud, ingediend_op)
                    VALUES ($1, $2, $3::jsonb, $4)
                    ON CONFLICT (overdracht_id, revisie) DO UPDATE
                        SET inhoud = EXCLUDED.inhoud, ingediend_op = EXCLUDED.ingediend_op
                    """,
                    (s.overdracht_id, s.revisie, inhoud, e.tijdstip),
                )
            )
    if (r := change.reactie) is not None:
        writes.append(
            (
                """
                INSERT INTO ouderreacties (overdracht_id, ouder_id, zienswijze, eens, reden, tijdstip)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (overdracht_id, ouder_id) DO UPDATE
                    SET zienswijze = EXCLUDED.zienswijze, eens = EXCLUDED.eens, reden = EXCLUDED.reden,
                        tijdstip = EXCLUDED.tijdstip
                    WHERE ouderreacties.tijdstip <= EXCLUDED.tijdstip
                """,
                (s.overdracht_id, r.ouder_id, r.zienswijze, r.eens.value, r.reden, e.tijdstip),
            )
        )
    return writes


async def purge_content(conn: Executor, overdracht_id: UUID) -> None:
    """Delete everything personal about this overdracht, keep the metadata; run it in a transaction.
    Idempotent."""
    for table in (
        "formulieren",
        "formulier_versies",
        "ouderreacties",
        "ouder_codes",
        "overdracht_codes",
        "berichten",
        "bijlagen",
    ):
        await conn.execute(f"DELETE FROM {table} WHERE overdracht_id = $1", overdracht_id)
    await conn.execute(
        "UPDATE overdracht_gebeurtenissen SET toelichting = NULL WHERE overdracht_id = $1", overdracht_id
    )
    await idempotency.forget_overdracht(conn, overdracht_id)
    # Last, the child: its parents' accounts go with it, the overdracht keeps a null kind_id.
    kind_id = await conn.fetchval("SELECT kind_id FROM overdrachten WHERE id = $1", overdracht_id)
    if kind_id is not None:
        await conn.execute("DELETE FROM kinderen WHERE id = $1", kind_id)


async def purged(pool: asyncpg.Pool, limit: int) -> list[UUID]:
    """Overdrachten whose content is purged and whose history the engine may still hold, oldest first."""
    rows = await pool.fetch(
        "SELECT id FROM overdrachten WHERE inhoud_verwijderd_op IS NOT NULL AND engine_verwijderd_op IS NULL"
        " ORDER BY inhoud_verwijderd_op LIMIT $1",
        limit,
    )
    return [r["id"] for r in rows]


async def history_deleted(pool: asyncpg.Pool, overdracht_id: UUID) -> None:
    await pool.execute(
        "UPDATE overdrachten SET engine_verwijderd_op = now() WHERE id = $1 AND engine_verwijderd_op IS NULL",
        overdracht_id,
    )
