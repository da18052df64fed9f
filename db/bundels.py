"""The daily digests' SQL (migration 022): a reminder or escalation held for the people who take the
digest, and one digest per person per day made from what was held for them."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import asyncpg

from db.pool import Connection, Executor

# The outbox row of a digest: about no one overdracht (berichten_overdracht_of_uitnodiging).
AANLEIDING = "bundel"
ONTVANGER = "persoon"
# Whether a person takes the digest: their own choice, else their gemeente's.
_DAGELIJKS = "COALESCE(g.berichtvoorkeur, CASE WHEN gm.bundelen THEN 'dagelijks' ELSE 'direct' END) = 'dagelijks'"


async def hold(conn: Executor, bericht_id: UUID) -> list[str]:
    """Hold the message for those of its recipients (staff of its overdracht's gemeente, active) who
    take the digest; their addresses, which the message itself then skips. Safe to repeat."""
    rows = await conn.fetch(
        f"""
        WITH wie AS (
            SELECT g.id, g.email FROM berichten b
            JOIN overdrachten o ON o.id = b.overdracht_id
            JOIN gebruikers g ON g.gemeente_id = o.gemeente_id AND g.email = ANY (b.aan)
            JOIN gemeenten gm ON gm.id = g.gemeente_id
            WHERE b.id = $1 AND g.rol <> 'ouder' AND g.gedeactiveerd_op IS NULL AND {_DAGELIJKS}
        ), vast AS (
            INSERT INTO bundel_regels (bericht_id, gebruiker_id) SELECT $1, id FROM wie ON CONFLICT DO NOTHING
        )
        SELECT email FROM wie ORDER BY email
        """,
        bericht_id,
    )
    return [r["email"] for r in rows]


async def due(conn: Executor, dag: date, uur: int) -> list[asyncpg.Record]:
    """The people with messages held whose digest is due: their gemeente's hour has come on `dag`, and
    they have none for `dag` yet (what is held after it waits for the next day's)."""
    return await conn.fetch(
        """
        SELECT DISTINCT g.id, g.email FROM bundel_regels r
        JOIN gebruikers g ON g.id = r.gebruiker_id JOIN gemeenten gm ON gm.id = g.gemeente_id
        WHERE r.bundel_id IS NULL AND $2 >= gm.bundel_uur AND g.email IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM bundels b WHERE b.gebruiker_id = g.id AND b.dag = $1)
        ORDER BY g.id
        """,
        dag,
        uur,
    )


async def held(conn: Executor, gebruiker_id: UUID) -> list[asyncpg.Record]:
    """What is held for the person and not in a digest yet: each message's kind, step, overdracht."""
    return await conn.fetch(
        "SELECT b.id, b.soort, b.aanleiding, b.overdracht_id, b.deadline FROM bundel_regels r"
        " JOIN berichten b ON b.id = r.bericht_id WHERE r.gebruiker_id = $1 AND r.bundel_id IS NULL"
        " ORDER BY b.aanleiding, b.soort, b.aangemaakt_op, b.id",
        gebruiker_id,
    )


async def lock_person(conn: Connection, gebruiker_id: UUID, dag: date) -> bool:
    """Within the caller's transaction: the person locked, so no other digest of theirs is made at the
    same time; False when they have one for `dag` already."""
    await conn.execute("SELECT 1 FROM gebruikers WHERE id = $1 FOR UPDATE", gebruiker_id)
    return await conn.fetchval("SELECT 1 FROM bundels WHERE gebruiker_id = $1 AND dag = $2", gebruiker_id, dag) is None


async def record(
    conn: Connection,
    gebruiker_id: UUID,
    dag: date,
    bericht_id: UUID,
    regels: Sequence[UUID],
    bericht: tuple[str, str, str, str],
) -> None:
    """Within the caller's transaction: the digest's outbox row (`bericht`: address, subject, text,
    Message-ID), the person's digest of `dag`, and the messages in it no longer held."""
    aan, onderwerp, tekst, message_id = bericht
    await conn.execute(
        "INSERT INTO berichten (id, overdracht_id, sleutel, soort, aanleiding, ontvanger, aan, onderwerp, tekst,"
        " status, message_id) VALUES ($1, NULL, $2, 'herinnering', $3, $4, $5, $6, $7, 'wachtend', $8)",
        bericht_id, f"bundel:{gebruiker_id}:{dag.isoformat()}", AANLEIDING, ONTVANGER, [aan], onderwerp, tekst,
        message_id,
    )  # fmt: skip
    await conn.execute(
        "INSERT INTO bundels (gebruiker_id, dag, bericht_id) VALUES ($1, $2, $3)", gebruiker_id, dag, bericht_id
    )
    await conn.execute(
        "UPDATE bundel_regels SET bundel_id = $2 WHERE gebruiker_id = $1 AND bericht_id = ANY ($3::uuid[])",
        gebruiker_id,
        bericht_id,
        list(regels),
    )


async def undelivered(conn: Executor) -> list[UUID]:
    """Digests made but not delivered yet (their delivery stopped before it began)."""
    rows = await conn.fetch(
        "SELECT b.bericht_id FROM bundels b JOIN berichten m ON m.id = b.bericht_id"
        " WHERE m.status = 'wachtend' AND m.bezorging_gestart_op IS NULL ORDER BY b.dag, b.bericht_id"
    )
    return [r["bericht_id"] for r in rows]
