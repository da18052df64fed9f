"""The outbox's SQL: who a message goes to, queueing it once per key, its delivery status, and the
newest messages as development and tests read them."""

from uuid import UUID

import asyncpg

from db.gebruikers import ACTIEF, works_at, works_for
from db.pool import Executor
from db.scope import scoped
from schemas.bericht import BerichtAanvraag, BezorgStatus, Ontvanger
from schemas.gebruiker import Gebruiker

# Who receives a message, within the overdracht's scope (`o`), as a condition on the users (`g`): staff
# who work at its location or for its school (among others, perhaps), while their account is active.
_SCHOOL = f"g.rol = 'school' AND {works_for('g', 'o.school_id')} AND {ACTIEF.format('g')}"
RECIPIENTS = {
    Ontvanger.PEDAGOGISCH_MEDEWERKER: (
        f"g.rol = 'pedagogisch_medewerker' AND {works_at('g', 'o.locatie_id')} AND {ACTIEF.format('g')}"
    ),
    Ontvanger.LOCATIEMANAGER: f"g.rol = 'locatiemanager' AND {works_at('g', 'o.locatie_id')} AND {ACTIEF.format('g')}",
    Ontvanger.SCHOOL: _SCHOOL,
    Ontvanger.SCHOOLDIRECTIE: f"{_SCHOOL} AND g.functie = 'directie'",
    Ontvanger.SCHOOL_INTAKE: f"{_SCHOOL} AND g.functie = 'intern_begeleider'",
    Ontvanger.COORDINATOR: f"g.rol = 'coordinator' AND g.gemeente_id = o.gemeente_id AND {ACTIEF.format('g')}",
    Ontvanger.OUDERS: "g.rol = 'ouder' AND g.kind_id = o.kind_id",
}
# What is meant for the PM'er goes to the child's mentor, while they work at the location (else, and for a
# mentor without an address, to all the location's PM'ers).
_MENTOR = (
    "g.id = (SELECT k.mentor_id FROM kinderen k WHERE k.id = o.kind_id)"
    f" AND {RECIPIENTS[Ontvanger.PEDAGOGISCH_MEDEWERKER]}"
)


async def addresses(conn: Executor, overdracht_id: UUID, ontvanger: Ontvanger) -> list[str]:
    """The addresses of whoever is `ontvanger` for this overdracht now, sorted."""
    sql = (
        "SELECT DISTINCT g.email FROM gebruikers g JOIN overdrachten o ON o.id = $1"
        " WHERE {} AND g.email IS NOT NULL AND g.email <> '' ORDER BY g.email"
    )
    if ontvanger is Ontvanger.PEDAGOGISCH_MEDEWERKER and (
        mentor := await conn.fetch(sql.format(_MENTOR), overdracht_id)
    ):
        return [r["email"] for r in mentor]
    found = [r["email"] for r in await conn.fetch(sql.format(RECIPIENTS[ontvanger]), overdracht_id)]
    if ontvanger is Ontvanger.SCHOOL_INTAKE:
        # The school's own intake address, beside its intern begeleiders.
        intake = await conn.fetchval(
            "SELECT s.intake_email FROM scholen s JOIN overdrachten o ON o.school_id = s.id WHERE o.id = $1",
            overdracht_id,
        )
        found = sorted({*found, intake}) if intake else found
    if not found and ontvanger in (Ontvanger.SCHOOLDIRECTIE, Ontvanger.SCHOOL_INTAKE):
        # A school that marked no direction (no intake address, no intern begeleider) still hears of it.
        found = [r["email"] for r in await conn.fetch(sql.format(RECIPIENTS[Ontvanger.SCHOOL]), overdracht_id)]
    return found


async def queue(
    conn: Executor,
    bericht_id: UUID,
    aanvraag: BerichtAanvraag,
    aan: list[str],
    onderwerp: str,
    tekst: str,
    message_id: str,
) -> UUID:
    """Add the message to the outbox as `bericht_id`, unless one with its key is there: then that one's id."""
    inserted: UUID | None = await conn.fetchval(
        """
        INSERT INTO berichten (id, overdracht_id, sleutel, soort, aanleiding, ontvanger, aan,
                               onderwerp, tekst, deadline, status, message_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        ON CONFLICT (overdracht_id, sleutel) DO NOTHING
        RETURNING id
        """,
        bericht_id, aanvraag.overdracht_id, aanvraag.sleutel, aanvraag.soort.value,
        aanvraag.aanleiding.value, aanvraag.ontvanger.value, aan, onderwerp, tekst, aanvraag.deadline,
        (BezorgStatus.WACHTEND if aan else BezorgStatus.GEEN_ADRES).value, message_id,
    )  # fmt: skip
    if inserted is not None:
        return inserted
    existing: UUID = await conn.fetchval(
        "SELECT id FROM berichten WHERE overdracht_id = $1 AND sleutel = $2", aanvraag.overdracht_id, aanvraag.sleutel
    )
    return existing


async def forget(conn: Executor, bericht_id: UUID) -> None:
    """Remove a message whose delivery was never started (it could not be handed to the worker)."""
    await conn.execute(
        "DELETE FROM berichten WHERE id = $1 AND bezorging_gestart_op IS NULL AND ouders_bereikt = '{}'", bericht_id
    )


async def lock_for_delivery(conn: Executor, bericht_id: UUID) -> asyncpg.Record | None:
    """The message, locked until the transaction ends, with what delivery needs."""
    return await conn.fetchrow(
        "SELECT overdracht_id, sleutel, soort, aanleiding, ontvanger, deadline, status,"
        " bezorging_gestart_op, ouders_bereikt, aan, onderwerp, tekst, message_id"
        " FROM berichten WHERE id = $1 FOR UPDATE",
        bericht_id,
    )


async def delivery_started(conn: Executor, bericht_id: UUID) -> None:
    await conn.execute("UPDATE berichten SET bezorging_gestart_op = now() WHERE id = $1", bericht_id)


async def nothing_sent(conn: Executor, bericht_id: UUID) -> None:
    """The mail server certainly accepted nothing: a later attempt may send it."""
    await conn.execute(
        "UPDATE berichten SET bezorging_gestart_op = NULL WHERE id = $1 AND status = $2",
        bericht_id,
        BezorgStatus.WACHTEND.value,
    )


async def partly_sent(conn: Executor, bericht_id: UUID, reached: list[UUID]) -> None:
    """The mail server took the messages to the `reached` parents and refused the others for now: a later
    attempt sends to the others only."""
    await conn.execute(
        "UPDATE berichten SET bezorging_gestart_op = NULL, ouders_bereikt = ouders_bereikt || $2::uuid[]"
        " WHERE id = $1 AND status = $3",
        bericht_id,
        reached,
        BezorgStatus.WACHTEND.value,
    )


async def set_status(conn: Executor, bericht_id: UUID, status: BezorgStatus) -> None:
    """A final status; the parents reached so far are no longer needed."""
    await conn.execute(
        "UPDATE berichten SET status = $2, ouders_bereikt = '{}' WHERE id = $1", bericht_id, status.value
    )


async def sent(conn: Executor, bericht_id: UUID) -> None:
    await conn.execute(
        "UPDATE berichten SET status = $2, verzonden_op = now(), ouders_bereikt = '{}' WHERE id = $1",
        bericht_id,
        BezorgStatus.VERZONDEN.value,
    )


async def newest(pool: asyncpg.Pool, user: Gebruiker, overdracht_id: UUID | None, limit: int) -> list[asyncpg.Record]:
    """The newest messages, of one overdracht or all. The read model's own scope: a message exists for
    the caller only when its overdracht does."""
    where = scoped(user)
    if overdracht_id is not None:
        where.add("b.overdracht_id = {}", overdracht_id)
    return await pool.fetch(
        "SELECT b.id, b.overdracht_id, b.soort, b.aanleiding, b.ontvanger, b.aan, b.onderwerp, b.tekst,"
        " b.deadline, b.status, b.aangemaakt_op, b.verzonden_op"
        " FROM berichten b JOIN overdrachten o ON o.id = b.overdracht_id"
        + where.sql()
        + f" ORDER BY b.aangemaakt_op DESC, b.id DESC LIMIT {int(limit)}",
        *where.args,
    )
