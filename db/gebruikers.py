"""Users: as signing in needs them (only active accounts: a deactivated one signs in nowhere), where
they work (gebruiker_locaties, gebruiker_scholen: migration 019), and as the beheerder manages them,
with their invitations (a one-time code, kept only as its hash, minted when the invitation's message
is delivered)."""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from db import web_sessies
from db.pool import Connection, Executor
from schemas.gebruiker import Gebruiker

# Where each user works, the first (gebruikers.locatie_id / school_id) first.
_LOCATIES = (
    "ARRAY(SELECT gl.locatie_id FROM gebruiker_locaties gl WHERE gl.gebruiker_id = g.id"
    " ORDER BY gl.locatie_id IS DISTINCT FROM g.locatie_id, gl.locatie_id)"
)
_SCHOLEN = (
    "ARRAY(SELECT gs.school_id FROM gebruiker_scholen gs WHERE gs.gebruiker_id = g.id"
    " ORDER BY gs.school_id IS DISTINCT FROM g.school_id, gs.school_id)"
)
_SELECT = (
    "SELECT g.id, g.naam, g.rol, g.gemeente_id, g.locatie_id, g.school_id, g.kind_id,"
    f" {_LOCATIES} AS locatie_ids, {_SCHOLEN} AS school_ids FROM gebruikers g"
)
# Deactivated: no token, no session, no sign-in, no messages, no mentorship.
ACTIEF = "{}.gedeactiveerd_op IS NULL"


def works_at(alias: str, locatie: str) -> str:
    """SQL: the user `alias` works at the location `locatie` (a column or a parameter)."""
    return (
        f"EXISTS (SELECT 1 FROM gebruiker_locaties gl WHERE gl.gebruiker_id = {alias}.id AND gl.locatie_id = {locatie})"
    )


def works_for(alias: str, school: str) -> str:
    """SQL: the user `alias` works for the school `school` (a column or a parameter)."""
    return f"EXISTS (SELECT 1 FROM gebruiker_scholen gs WHERE gs.gebruiker_id = {alias}.id AND gs.school_id = {school})"


def _user(row: asyncpg.Record) -> Gebruiker:
    return Gebruiker.model_validate(
        {**dict(row), "locatie_ids": tuple(row["locatie_ids"]), "school_ids": tuple(row["school_ids"])}
    )


async def get(pool: asyncpg.Pool, gebruiker_id: UUID) -> Gebruiker | None:
    """The user, while their account is active (a token or session of a deactivated one names nobody)."""
    row = await pool.fetchrow(f"{_SELECT} WHERE g.id = $1 AND {ACTIEF.format('g')}", gebruiker_id)
    return _user(row) if row else None


async def get_by_extern_id(pool: asyncpg.Pool, extern_id: str) -> Gebruiker | None:
    """The active user the identity provider names so (the claim OVERDRACHT_OIDC_USER_CLAIM of its tokens)."""
    row = await pool.fetchrow(f"{_SELECT} WHERE g.extern_id = $1 AND {ACTIEF.format('g')}", extern_id)
    return _user(row) if row else None


async def staff(pool: asyncpg.Pool) -> list[Gebruiker]:
    """Everyone who signs in with an active account (not the parents, who sign in with their code), by role."""
    rows = await pool.fetch(f"{_SELECT} WHERE g.rol <> 'ouder' AND {ACTIEF.format('g')} ORDER BY g.rol, g.naam")
    return [_user(r) for r in rows]


# The beheerder's view: the gemeente's staff, whatever their state

_BEHEER = """
SELECT g.id, g.naam, NULLIF(g.email, '') AS email, g.rol, g.functie, g.extern_id IS NOT NULL AS gekoppeld,
       g.uitgenodigd_op, g.aangemeld_op, g.gedeactiveerd_op,
       ARRAY(SELECT l.id FROM gebruiker_locaties gl JOIN locaties l ON l.id = gl.locatie_id
             WHERE gl.gebruiker_id = g.id ORDER BY l.naam, l.id) AS locatie_ids,
       ARRAY(SELECT l.naam FROM gebruiker_locaties gl JOIN locaties l ON l.id = gl.locatie_id
             WHERE gl.gebruiker_id = g.id ORDER BY l.naam, l.id) AS locatie_namen,
       ARRAY(SELECT s.id FROM gebruiker_scholen gs JOIN scholen s ON s.id = gs.school_id
             WHERE gs.gebruiker_id = g.id ORDER BY s.naam, s.id) AS school_ids,
       ARRAY(SELECT s.naam FROM gebruiker_scholen gs JOIN scholen s ON s.id = gs.school_id
             WHERE gs.gebruiker_id = g.id ORDER BY s.naam, s.id) AS school_namen
FROM gebruikers g
"""
# The status as the beheerder reads it (schemas.gebruiker.GebruikerStatus).
_STATUS = (
    "CASE WHEN g.gedeactiveerd_op IS NOT NULL THEN 'gedeactiveerd'"
    " WHEN g.uitgenodigd_op IS NOT NULL AND g.aangemeld_op IS NULL THEN 'uitgenodigd' ELSE 'actief' END"
)


async def of_gemeente(
    pool: asyncpg.Pool,
    gemeente_id: UUID,
    *,
    rol: str | None = None,
    locatie_id: UUID | None = None,
    school_id: UUID | None = None,
    status: str | None = None,
) -> list[asyncpg.Record]:
    """The gemeente's staff (never parents), by role and name; each filter narrows it."""
    return await pool.fetch(
        _BEHEER
        + f"""WHERE g.gemeente_id = $1 AND g.rol <> 'ouder'
          AND ($2::text IS NULL OR g.rol = $2)
          AND ($3::uuid IS NULL OR {works_at("g", "$3")})
          AND ($4::uuid IS NULL OR {works_for("g", "$4")})
          AND ($5::text IS NULL OR {_STATUS} = $5)
        ORDER BY g.rol, g.naam, g.id""",
        gemeente_id,
        rol,
        locatie_id,
        school_id,
        status,
    )


async def of_gemeente_one(conn: Executor, gemeente_id: UUID, gebruiker_id: UUID) -> asyncpg.Record | None:
    """One of the gemeente's staff; None for a parent, or a user of another gemeente."""
    return await conn.fetchrow(
        _BEHEER + "WHERE g.id = $1 AND g.gemeente_id = $2 AND g.rol <> 'ouder'", gebruiker_id, gemeente_id
    )


async def lock(conn: Connection, gemeente_id: UUID, gebruiker_id: UUID) -> asyncpg.Record | None:
    """The gemeente's member of staff, locked until the transaction ends (one change at a time)."""
    return await conn.fetchrow(
        "SELECT id, rol, gedeactiveerd_op, aangemeld_op, NULLIF(email, '') AS email FROM gebruikers"
        " WHERE id = $1 AND gemeente_id = $2 AND rol <> 'ouder' FOR UPDATE",
        gebruiker_id,
        gemeente_id,
    )


async def organisations(pool: asyncpg.Pool, gemeente_id: UUID) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """The gemeente's voorschool locations and schools (id, naam, gesloten), by name: where its staff may work."""
    locaties = await pool.fetch(
        "SELECT l.id, l.naam, l.gesloten_op IS NOT NULL AS gesloten FROM locaties l JOIN wijken w ON w.id = l.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1 ORDER BY l.naam, l.id",
        gemeente_id,
    )
    scholen = await pool.fetch(
        "SELECT s.id, s.naam, s.gesloten_op IS NOT NULL AS gesloten FROM scholen s JOIN wijken w ON w.id = s.wijk_id"
        " JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE sd.gemeente_id = $1 ORDER BY s.naam, s.id",
        gemeente_id,
    )
    return locaties, scholen


async def foreign(conn: Executor, gemeente_id: UUID, locatie_ids: Sequence[UUID], school_ids: Sequence[UUID]) -> bool:
    """Whether any of these locations or schools is not the gemeente's (or does not exist)."""
    found = await conn.fetchval(
        "SELECT (SELECT count(*) FROM locaties l JOIN wijken w ON w.id = l.wijk_id"
        "        JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE l.id = ANY($2::uuid[]) AND sd.gemeente_id = $1)"
        " + (SELECT count(*) FROM scholen s JOIN wijken w ON w.id = s.wijk_id"
        "    JOIN stadsdelen sd ON sd.id = w.stadsdeel_id WHERE s.id = ANY($3::uuid[]) AND sd.gemeente_id = $1)",
        gemeente_id,
        list(set(locatie_ids)),
        list(set(school_ids)),
    )
    return int(found) != len(set(locatie_ids)) + len(set(school_ids))


async def closed(conn: Executor, locatie_ids: Sequence[UUID], school_ids: Sequence[UUID]) -> tuple[bool, bool]:
    """Whether any of these locations, and any of these schools, is closed (organisation: migration 017)."""
    row = await conn.fetchrow(
        "SELECT EXISTS (SELECT 1 FROM locaties WHERE id = ANY($1::uuid[]) AND gesloten_op IS NOT NULL) AS locaties,"
        " EXISTS (SELECT 1 FROM scholen WHERE id = ANY($2::uuid[]) AND gesloten_op IS NOT NULL) AS scholen",
        list(locatie_ids),
        list(school_ids),
    )
    assert row is not None
    return bool(row["locaties"]), bool(row["scholen"])


async def address_taken(conn: Executor, gemeente_id: UUID, email: str, other_than: UUID | None = None) -> bool:
    """Whether another member of staff of the gemeente has this address (any case)."""
    found = await conn.fetchval(
        "SELECT 1 FROM gebruikers WHERE gemeente_id = $1 AND rol <> 'ouder' AND lower(email) = lower($2)"
        " AND ($3::uuid IS NULL OR id <> $3)",
        gemeente_id,
        email,
        other_than,
    )
    return found is not None


async def create(
    conn: Connection,
    gebruiker_id: UUID,
    gemeente_id: UUID,
    naam: str,
    email: str,
    rol: str,
    functie: str | None,
    locatie_ids: Sequence[UUID],
    school_ids: Sequence[UUID],
) -> None:
    """A new member of staff, invited now (call it in the transaction that queues the invitation)."""
    await conn.execute(
        "INSERT INTO gebruikers (id, naam, rol, gemeente_id, email, functie, locatie_id, school_id, uitgenodigd_op)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())",
        gebruiker_id, naam, rol, gemeente_id, email, functie,
        locatie_ids[0] if locatie_ids else None, school_ids[0] if school_ids else None,
    )  # fmt: skip
    await _place(conn, gebruiker_id, locatie_ids, school_ids)


async def set_role(
    conn: Connection,
    gebruiker_id: UUID,
    rol: str,
    functie: str | None,
    locatie_ids: Sequence[UUID],
    school_ids: Sequence[UUID],
) -> None:
    """The user's role and where they work, replacing what was. Their first location (school) stays
    first while they still work there."""
    await conn.execute(
        "UPDATE gebruikers SET rol = $2, functie = $3,"
        " locatie_id = CASE WHEN locatie_id = ANY($4::uuid[]) THEN locatie_id ELSE $4[1] END,"
        " school_id = CASE WHEN school_id = ANY($5::uuid[]) THEN school_id ELSE $5[1] END"
        " WHERE id = $1",
        gebruiker_id,
        rol,
        functie,
        list(locatie_ids),
        list(school_ids),
    )
    await _place(conn, gebruiker_id, locatie_ids, school_ids)


async def _place(conn: Connection, gebruiker_id: UUID, locatie_ids: Sequence[UUID], school_ids: Sequence[UUID]) -> None:
    """Exactly these locations and schools (the first one is there already: migration 019's trigger)."""
    await conn.execute(
        "DELETE FROM gebruiker_locaties WHERE gebruiker_id = $1 AND NOT locatie_id = ANY($2::uuid[])",
        gebruiker_id,
        list(locatie_ids),
    )
    await conn.execute(
        "INSERT INTO gebruiker_locaties (gebruiker_id, locatie_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
        gebruiker_id,
        list(locatie_ids),
    )
    await conn.execute(
        "DELETE FROM gebruiker_scholen WHERE gebruiker_id = $1 AND NOT school_id = ANY($2::uuid[])",
        gebruiker_id,
        list(school_ids),
    )
    await conn.execute(
        "INSERT INTO gebruiker_scholen (gebruiker_id, school_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
        gebruiker_id,
        list(school_ids),
    )


async def deactivate(conn: Connection, gebruiker_id: UUID) -> None:
    """No sign-in from now: the account's sessions end, its invitations are withdrawn (a token names an
    inactive user, which `get` does not find)."""
    await conn.execute("UPDATE gebruikers SET gedeactiveerd_op = now() WHERE id = $1", gebruiker_id)
    await web_sessies.delete_for_user(conn, gebruiker_id)
    await withdraw_invitations(conn, gebruiker_id)


async def reactivate(conn: Connection, gebruiker_id: UUID) -> None:
    await conn.execute("UPDATE gebruikers SET gedeactiveerd_op = NULL WHERE id = $1", gebruiker_id)


# Invitations

# Stand in the invitation's queued text for its link and the moment it expires: the code is minted,
# and put in, only as the message is delivered (activities/berichten.py), so no stored text holds it.
LINK = "[[uitnodigingslink]]"
GELDIG_TOT = "[[geldig tot]]"
AANLEIDING = "uitnodiging_medewerker"
ONTVANGER = "medewerker"
CODE_BYTES = 32  # 256 random bits, URL-safe: 43 characters


def code_hash(code: str) -> bytes:
    return hashlib.sha256(code.encode()).digest()


async def queue_invitation(
    conn: Connection,
    bericht_id: UUID,
    gebruiker_id: UUID,
    gemeente_id: UUID,
    geldig: timedelta,
    aan: str,
    onderwerp: str,
    tekst: str,
    message_id: str,
) -> None:
    """The invitation's message in the outbox (about no overdracht), and the invitation that waits for
    its code. Earlier invitations of the same person are withdrawn: only the newest link works."""
    await withdraw_invitations(conn, gebruiker_id)
    await conn.execute(
        "INSERT INTO berichten (id, overdracht_id, sleutel, soort, aanleiding, ontvanger, aan, onderwerp, tekst,"
        " status, message_id) VALUES ($1, NULL, $2, 'uitnodiging', $3, $4, $5, $6, $7, 'wachtend', $8)",
        bericht_id, f"uitnodiging:{bericht_id}", AANLEIDING, ONTVANGER, [aan], onderwerp, tekst, message_id,
    )  # fmt: skip
    await conn.execute(
        "INSERT INTO uitnodigingen (bericht_id, gebruiker_id, gemeente_id, geldig) VALUES ($1, $2, $3, $4)",
        bericht_id,
        gebruiker_id,
        gemeente_id,
        geldig,
    )
    await conn.execute("UPDATE gebruikers SET uitgenodigd_op = now() WHERE id = $1", gebruiker_id)


async def withdraw_invitations(conn: Executor, gebruiker_id: UUID) -> None:
    """Every unused invitation of this person stops working (its hash is forgotten)."""
    await conn.execute(
        "UPDATE uitnodigingen SET hash = NULL, verloopt_op = least(verloopt_op, now())"
        " WHERE gebruiker_id = $1 AND gebruikt_op IS NULL",
        gebruiker_id,
    )


@dataclass(frozen=True)
class MintedInvitation:
    """A code in clear text, held only in memory between minting and sending it."""

    code: str
    expires_at: datetime


async def mint_invitation(conn: Connection, bericht_id: UUID) -> MintedInvitation | None:
    """The invitation's code, stored as its hash; None when the message is no invitation that still
    waits for one (withdrawn, or its person deactivated). Call it in the transaction that marks the
    message's delivery as started, so a retry mints nothing new."""
    code = secrets.token_urlsafe(CODE_BYTES)
    row = await conn.fetchrow(
        "UPDATE uitnodigingen u SET hash = $2, verloopt_op = now() + u.geldig"
        " FROM gebruikers g WHERE u.bericht_id = $1 AND g.id = u.gebruiker_id AND g.gedeactiveerd_op IS NULL"
        " AND u.hash IS NULL AND u.verloopt_op IS NULL AND u.gebruikt_op IS NULL"
        " RETURNING u.verloopt_op",
        bericht_id,
        code_hash(code),
    )
    return MintedInvitation(code, row["verloopt_op"]) if row else None


async def revoke_invitation(conn: Executor, bericht_id: UUID) -> None:
    """Forget the code of an invitation that certainly never reached its person: a later delivery
    attempt mints a fresh one (one withdrawn meanwhile stays withdrawn)."""
    await conn.execute(
        "UPDATE uitnodigingen SET hash = NULL, verloopt_op = NULL"
        " WHERE bericht_id = $1 AND hash IS NOT NULL AND gebruikt_op IS NULL",
        bericht_id,
    )


_VALID = (
    "u.hash = $1 AND u.gebruikt_op IS NULL AND u.verloopt_op > now()"
    " AND g.id = u.gebruiker_id AND g.gemeente_id = u.gemeente_id AND g.gedeactiveerd_op IS NULL"
)


async def invitation(pool: asyncpg.Pool, code: str) -> asyncpg.Record | None:
    """Who a valid (unused, unexpired) invitation is for: (gebruiker_id, naam, rol, gemeente); None otherwise."""
    return await pool.fetchrow(
        "SELECT g.id AS gebruiker_id, g.naam, g.rol, gm.naam AS gemeente FROM uitnodigingen u"
        " JOIN gebruikers g ON g.id = u.gebruiker_id JOIN gemeenten gm ON gm.id = g.gemeente_id"
        f" WHERE {_VALID}",
        code_hash(code),
    )


async def redeem_invitation(conn: Executor, code: str) -> UUID | None:
    """Use the invitation, once: its person, or None when it is unknown, used, expired or withdrawn (one
    atomic statement: two requests racing with the same code cannot both win)."""
    found: UUID | None = await conn.fetchval(
        f"UPDATE uitnodigingen u SET gebruikt_op = now() FROM gebruikers g WHERE {_VALID} RETURNING u.gebruiker_id",
        code_hash(code),
    )
    if found is not None:
        await conn.execute("UPDATE gebruikers SET aangemeld_op = coalesce(aangemeld_op, now()) WHERE id = $1", found)
    return found


async def bind_subject(conn: Connection, gebruiker_id: UUID, extern_id: str) -> bool:
    """Store the identity provider's name for this person, once: False when the person is bound to
    another name already, or the name to another person."""
    try:
        async with conn.transaction():  # a savepoint: the name taken meanwhile undoes only this
            bound = await conn.fetchval(
                "UPDATE gebruikers SET extern_id = $2 WHERE id = $1 AND (extern_id IS NULL OR extern_id = $2)"
                " RETURNING 1",
                gebruiker_id,
                extern_id,
            )
    except asyncpg.UniqueViolationError:  # extern_id is unique: another person has this name
        return False
    return bound is not None


async def forget_new(conn: Connection, gebruiker_id: UUID, bericht_id: UUID) -> None:
    """Undo an invitation whose message could not be handed to the worker: the message (and with it
    the invitation) and the account made for it, unless its delivery started after all."""
    forgotten = await conn.fetchval(
        "DELETE FROM berichten WHERE id = $1 AND bezorging_gestart_op IS NULL RETURNING 1", bericht_id
    )
    if forgotten is not None:
        await conn.execute("DELETE FROM gebruikers WHERE id = $1 AND aangemeld_op IS NULL", gebruiker_id)


async def gemeente_naam(conn: Executor, gemeente_id: UUID) -> str:
    naam: str = await conn.fetchval("SELECT naam FROM gemeenten WHERE id = $1", gemeente_id)
    return naam


async def berichtvoorkeur(pool: asyncpg.Pool, gebruiker_id: UUID) -> asyncpg.Record | None:
    """The person's own choice of digest or not, and their gemeente's (`bundelen`, `bundel_uur`)."""
    return await pool.fetchrow(
        "SELECT g.berichtvoorkeur, gm.bundelen, gm.bundel_uur FROM gebruikers g JOIN gemeenten gm ON gm.id = g.gemeente_id"
        " WHERE g.id = $1",
        gebruiker_id,
    )


async def set_berichtvoorkeur(pool: asyncpg.Pool, gebruiker_id: UUID, voorkeur: str | None) -> None:
    await pool.execute("UPDATE gebruikers SET berichtvoorkeur = $2 WHERE id = $1", gebruiker_id, voorkeur)
