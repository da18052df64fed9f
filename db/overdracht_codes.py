"""Overdracht codes: the one-time code parents hand to the school where they enrol their child, so the
school receives the overdracht (consent given for "the school where my child is enrolled"). Only its
hash is stored; a code works once, until it expires."""

import hashlib
import secrets
from datetime import datetime
from uuid import UUID

from db.pool import Connection, Executor

# 16 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 80 bits, typed over from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 16


def normalised(code: str) -> str:
    """As typed: case, spaces and dashes do not count."""
    return "".join(code.split()).replace("-", "").upper()


def code_hash(code: str) -> bytes:
    return hashlib.sha256(normalised(code).encode()).digest()


def printed(code: str) -> str:
    """In groups of four, as it is shown to the parents: ABCD-EFGH-JKMN-PQRS."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


async def mint(conn: Executor, overdracht_id: UUID, expires_at: datetime) -> str:
    code = new_code()
    await store(conn, code, overdracht_id, expires_at)
    return code


async def store(conn: Executor, code: str, overdracht_id: UUID, expires_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO overdracht_codes (hash, overdracht_id, expires_at) VALUES ($1, $2, $3)",
        code_hash(code),
        overdracht_id,
        expires_at,
    )


async def revoke(conn: Executor, codes: list[str]) -> None:
    if codes:
        await conn.execute("DELETE FROM overdracht_codes WHERE hash = ANY($1::bytea[])", [code_hash(c) for c in codes])


async def claim(conn: Connection, code: str) -> UUID | None:
    """Lock a usable code for this transaction: its overdracht, or None when the code is unknown, used or
    expired (one answer for all three). `use` marks it used in the same transaction."""
    overdracht_id: UUID | None = await conn.fetchval(
        "SELECT overdracht_id FROM overdracht_codes WHERE hash = $1 AND used_at IS NULL AND expires_at > now()"
        " FOR UPDATE",
        code_hash(code),
    )
    return overdracht_id


async def use(conn: Connection, overdracht_id: UUID) -> None:
    """Every code of this overdracht is spent: it went to a school."""
    await conn.execute(
        "UPDATE overdracht_codes SET used_at = now() WHERE overdracht_id = $1 AND used_at IS NULL", overdracht_id
    )
