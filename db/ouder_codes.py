"""Parents' one-time codes (minted when their invitation is delivered, kept only as a hash, redeemed
once at POST /v1/ouder-sessies) and the key that signs the tokens they are exchanged for."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import asyncpg

from db.pool import Connection

# 256 random bits, URL-safe (43 characters): far past guessing, so a plain SHA-256 suffices to store it.
CODE_BYTES = 32
OUDER_TOKEN_KEY = "ouder"


def code_hash(code: str) -> bytes:
    return hashlib.sha256(code.encode()).digest()


@dataclass(frozen=True)
class Parent:
    gebruiker_id: UUID
    email: str


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
    goes to who was responsible then), one entry each, in a stable order; without codes yet."""
    rows = await conn.fetch(
        "SELECT g.id, g.email FROM berichten b"
        " JOIN overdrachten o ON o.id = b.overdracht_id"
        " JOIN gebruikers g ON g.rol = 'ouder' AND g.kind_id = o.kind_id AND g.email = ANY(b.aan)"
        " WHERE b.id = $1 ORDER BY g.email, g.id",
        bericht_id,
    )
    return [Parent(gebruiker_id=r["id"], email=r["email"]) for r in rows]


async def mint(conn: Connection, bericht_id: UUID, parents: list[Parent], ttl: timedelta) -> list[MintedCode]:
    """A fresh code for each parent, stored as its hash. Call it in the transaction that marks the
    message's delivery as started: (bericht_id, gebruiker_id) is unique, so a second set for the same
    message cannot exist."""
    expires_at = await conn.fetchval("SELECT now() + $1::interval", ttl)
    minted = [MintedCode(parent=p, code=secrets.token_urlsafe(CODE_BYTES), expires_at=expires_at) for p in parents]
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
    key = await pool.fetchval("SELECT sleutel FROM token_sleutels WHERE naam = $1", OUDER_TOKEN_KEY)
    if key is None:
        await pool.execute(
            "INSERT INTO token_sleutels (naam, sleutel) VALUES ($1, $2) ON CONFLICT (naam) DO NOTHING",
            OUDER_TOKEN_KEY,
            secrets.token_bytes(32),
        )
        key = await pool.fetchval("SELECT sleutel FROM token_sleutels WHERE naam = $1", OUDER_TOKEN_KEY)
    return bytes(key)
