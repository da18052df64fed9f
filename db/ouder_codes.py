"""Parents' one-time codes (minted when a message to them is delivered or a letter is printed, kept
only as a hash, redeemed once at POST /v1/ouder-sessies, removed once used or expired), the parents
they are for, the attempts to ask for a new one, and the keys that sign the tokens they are exchanged
for and hash the addresses asked with."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from db.pool import Connection

# 256 random bits, URL-safe (43 characters): far past guessing, so a plain SHA-256 suffices to store it.
CODE_BYTES = 32
OUDER_TOKEN_KEY = "ouder"
# Hashes the addresses a new code is asked for with (HMAC): a plain hash of an address is undone by
# hashing a list of addresses.
AANVRAAG_KEY = "ouder_code_aanvraag"
# The limits on asking for a new code count the attempts of the last hour.
AANVRAAG_VENSTER = timedelta(hours=1)
# Serialises counting and noting an attempt, across API processes (pg_advisory_xact_lock).
_AANVRAAG_LOCK = 0x6F75646572  # "ouder"


def code_hash(code: str) -> bytes:
    return hashlib.sha256(code.encode()).digest()


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


@dataclass(frozen=True)
class Parent:
    gebruiker_id: UUID
    email: str
    nummer: int = 1  # their place among the message's parents: their mail's Message-ID tells them apart


@dataclass(frozen=True)
class MintedCode:
    """A code in clear text, held only in memory between minting and sending it."""

    parent: Parent
    code: str
    expires_at: datetime

    @property
    def hash(self) -> bytes:
        return code_hash(self.code)


@dataclass(frozen=True)
class Redeemed:
    gebruiker_id: UUID
    kind_id: UUID


async def parents_to_invite(conn: Connection, bericht_id: UUID) -> list[Parent]:
    """The parents with custody of the message's child whose address it was queued for (the message
    goes to who was responsible then), one entry each, in a stable order, without codes yet; less those
    an earlier attempt reached (berichten.partly_sent)."""
    rows = await conn.fetch(
        "SELECT g.id, g.email, g.id = ANY(b.ouders_bereikt) AS bereikt FROM berichten b"
        " JOIN overdrachten o ON o.id = b.overdracht_id"
        " JOIN gebruikers g ON g.rol = 'ouder' AND g.kind_id = o.kind_id AND g.email = ANY(b.aan)"
        " WHERE b.id = $1 ORDER BY g.email, g.id",
        bericht_id,
    )
    return [
        Parent(gebruiker_id=r["id"], email=r["email"], nummer=n)
        for n, r in enumerate(rows, start=1)
        if not r["bereikt"]
    ]


async def mint(conn: Connection, bericht_id: UUID, parents: list[Parent], ttl: timedelta) -> list[MintedCode]:
    """A fresh code for each parent, stored as its hash. Call it in the transaction that marks the
    message's delivery as started: (bericht_id, gebruiker_id) is unique, so a second set for the same
    message cannot exist."""
    expires_at = await conn.fetchval("SELECT now() + $1::interval", ttl)
    minted = [MintedCode(parent=p, code=new_code(), expires_at=expires_at) for p in parents]
    await conn.executemany(
        "INSERT INTO ouder_codes (hash, gebruiker_id, kind_id, overdracht_id, bericht_id, expires_at)"
        " SELECT $1, $2, o.kind_id, o.id, b.id, $4"
        " FROM berichten b JOIN overdrachten o ON o.id = b.overdracht_id WHERE b.id = $3",
        [(m.hash, m.parent.gebruiker_id, bericht_id, expires_at) for m in minted],
    )
    return minted


async def revoke(conn: Connection | asyncpg.Pool, codes: list[MintedCode]) -> None:
    """Forget codes that certainly never reached their parent."""
    if codes:
        await conn.execute("DELETE FROM ouder_codes WHERE hash = ANY($1::bytea[])", [c.hash for c in codes])


async def redeem(pool: asyncpg.Pool, code: str) -> Redeemed | None:
    """Use the code, once: None when it is unknown, already used or expired (one atomic statement,
    so two requests racing with the same code cannot both win)."""
    row = await pool.fetchrow(
        "UPDATE ouder_codes SET used_at = now()"
        " WHERE hash = $1 AND used_at IS NULL AND expires_at > now()"
        " RETURNING gebruiker_id, kind_id",
        code_hash(code),
    )
    return Redeemed(gebruiker_id=row["gebruiker_id"], kind_id=row["kind_id"]) if row else None


async def token_key(pool: asyncpg.Pool) -> bytes:
    """The key that signs parents' tokens: made once per database from a cryptographic random source,
    so every API process shares it and no default value in the code can sign one."""
    return await named_key(pool, OUDER_TOKEN_KEY)


async def named_key(pool: asyncpg.Pool, naam: str) -> bytes:
    """The key for this purpose (`naam`): made once per database from a cryptographic random source."""
    key = await pool.fetchval("SELECT sleutel FROM token_sleutels WHERE naam = $1", naam)
    if key is None:
        await pool.execute(
            "INSERT INTO token_sleutels (naam, sleutel) VALUES ($1, $2) ON CONFLICT (naam) DO NOTHING",
            naam,
            secrets.token_bytes(32),
        )
        key = await pool.fetchval("SELECT sleutel FROM token_sleutels WHERE naam = $1", naam)
    return bytes(key)


# Codes without a message: the printed letter


async def expiry(pool: asyncpg.Pool, ttl: timedelta) -> datetime:
    """When a code made now expires, by the database's clock (the one `redeem` compares with)."""
    expires_at: datetime = await pool.fetchval("SELECT now() + $1::interval", ttl)
    return expires_at


async def store_letter_code(
    pool: asyncpg.Pool, code: str, gebruiker_id: UUID, kind_id: UUID, overdracht_id: UUID, expires_at: datetime
) -> None:
    """A code printed in a letter: stored as its hash, with no message."""
    await pool.execute(
        "INSERT INTO ouder_codes (hash, gebruiker_id, kind_id, overdracht_id, expires_at) VALUES ($1, $2, $3, $4, $5)",
        code_hash(code), gebruiker_id, kind_id, overdracht_id, expires_at,
    )  # fmt: skip


# The parents a code is for


async def parents_of(pool: asyncpg.Pool, kind_id: UUID) -> list[asyncpg.Record]:
    """The child's parents with custody: (id, naam, email), by name."""
    return await pool.fetch(
        "SELECT id, naam, NULLIF(email, '') AS email FROM gebruikers WHERE rol = 'ouder' AND kind_id = $1"
        " ORDER BY naam, id",
        kind_id,
    )


async def parent_of(pool: asyncpg.Pool, kind_id: UUID, gebruiker_id: UUID) -> asyncpg.Record | None:
    """One of the child's parents: (id, naam, email), or None when this user is none."""
    return await pool.fetchrow(
        "SELECT id, naam, NULLIF(email, '') AS email FROM gebruikers WHERE id = $1 AND rol = 'ouder' AND kind_id = $2",
        gebruiker_id,
        kind_id,
    )


async def parents_by_address(pool: asyncpg.Pool, email: str, statussen: list[str]) -> list[asyncpg.Record]:
    """The parents with this address (any case) whose child's overdracht is in one of `statussen`, one
    row per overdracht: the user's fields, their address as stored, and the overdracht's id."""
    return await pool.fetch(
        "SELECT g.id, g.naam, g.rol, g.gemeente_id, g.kind_id, g.email, o.id AS overdracht_id"
        " FROM gebruikers g JOIN overdrachten o ON o.kind_id = g.kind_id"
        " WHERE g.rol = 'ouder' AND lower(g.email) = lower($1) AND o.status = ANY($2::text[])"
        " ORDER BY o.id, g.id",
        email,
        statussen,
    )


# Asking for a new code: the attempts, and their limits


async def address_hash(pool: asyncpg.Pool, email: str) -> bytes:
    """The address as the attempts table keeps it: an HMAC with a key only this database holds."""
    key = await named_key(pool, AANVRAAG_KEY)
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).digest()


async def note_request(pool: asyncpg.Pool, adres_hash: bytes, per_adres: int, totaal: int) -> str | None:
    """Note an attempt to ask for a new code and return None; when a limit of the last hour is reached,
    note nothing and return which (`adres`, `totaal`). Counting and noting happen under one lock, so
    concurrent attempts, from any API process, cannot pass a limit together."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _AANVRAAG_LOCK)
        row = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE adres_hash = $1) AS adres, count(*) AS totaal FROM ouder_code_aanvragen"
            " WHERE aangevraagd_op > now() - $2::interval",
            adres_hash,
            AANVRAAG_VENSTER,
        )
        assert row is not None  # an aggregate answers one row
        if row["adres"] >= per_adres:
            return "adres"
        if row["totaal"] >= totaal:
            return "totaal"
        await conn.execute("INSERT INTO ouder_code_aanvragen (adres_hash) VALUES ($1)", adres_hash)
    return None


# Cleaning up


async def delete_spent(pool: asyncpg.Pool) -> tuple[int, int]:
    """Delete the codes used or expired, and the attempts that no longer count: (codes, attempts)."""
    async with pool.acquire() as conn, conn.transaction():
        codes = await conn.fetchval(
            "WITH weg AS (DELETE FROM ouder_codes WHERE used_at IS NOT NULL OR expires_at <= now() RETURNING 1)"
            " SELECT count(*) FROM weg"
        )
        attempts = await conn.fetchval(
            "WITH weg AS (DELETE FROM ouder_code_aanvragen WHERE aangevraagd_op <= now() - $1::interval"
            " RETURNING 1) SELECT count(*) FROM weg",
            AANVRAAG_VENSTER,
        )
    return int(codes), int(attempts)
