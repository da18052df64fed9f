"""The web app's sessions: an opaque cookie, stored as its hash, tied to one user, with a CSRF token."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import asyncpg

from db.pool import Executor


@dataclass(frozen=True)
class Sessie:
    gebruiker_id: UUID
    csrf: str


def _hash(cookie: str) -> bytes:
    return hashlib.sha256(cookie.encode()).digest()


async def create(pool: asyncpg.Pool, gebruiker_id: UUID, max_age: timedelta) -> tuple[str, Sessie]:
    """A new session: the cookie's value (in clear only here) and what it stands for."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await pool.execute(
        "INSERT INTO web_sessies (hash, gebruiker_id, csrf, verloopt_op) VALUES ($1, $2, $3, now() + $4::interval)",
        _hash(cookie),
        gebruiker_id,
        csrf,
        max_age,
    )
    return cookie, Sessie(gebruiker_id, csrf)


async def get(pool: asyncpg.Pool, cookie: str, idle: timedelta) -> Sessie | None:
    """The session, when it is neither idle too long nor past its maximum age; using it keeps it alive."""
    row = await pool.fetchrow(
        "UPDATE web_sessies SET laatst_gebruikt_op = now()"
        " WHERE hash = $1 AND verloopt_op > now() AND laatst_gebruikt_op > now() - $2::interval"
        " RETURNING gebruiker_id, csrf",
        _hash(cookie),
        idle,
    )
    return Sessie(row["gebruiker_id"], row["csrf"]) if row else None


async def delete(pool: asyncpg.Pool, cookie: str) -> None:
    await pool.execute("DELETE FROM web_sessies WHERE hash = $1", _hash(cookie))


async def delete_for_user(conn: Executor, gebruiker_id: UUID) -> None:
    """End every session of this user (their account was deactivated)."""
    await conn.execute("DELETE FROM web_sessies WHERE gebruiker_id = $1", gebruiker_id)


async def delete_ended(pool: asyncpg.Pool) -> int:
    """Delete the sessions past their maximum age (an idle one is refused at once, and gone by then)."""
    deleted: int = await pool.fetchval(
        "WITH weg AS (DELETE FROM web_sessies WHERE verloopt_op <= now() RETURNING 1) SELECT count(*) FROM weg"
    )
    return deleted
