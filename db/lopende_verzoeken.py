"""Requests under way, counted per client across every API process (a row per request while it runs): at
most so many at once (POST /v1/ouder-sessies). The client is kept only as a keyed hash."""

import hashlib
import hmac
import uuid
from datetime import timedelta

import asyncpg

from db.ouder_codes import named_key

# Hashes the client (its address) with an HMAC: a plain hash of an IPv4 address is undone by trying them all.
CLIENT_KEY = "client_adres"
# The first key of the per-client advisory lock (two-key locks never meet one-key ones); the second is
# taken from the client's hash.
LOCK_CLASS = 7_203_118


async def client_hash(pool: asyncpg.Pool, soort: str, adres: str) -> bytes:
    """The client as this table keeps it, for one kind of request (`soort`)."""
    key = await named_key(pool, CLIENT_KEY)
    return hmac.new(key, f"{soort}\0{adres}".encode(), hashlib.sha256).digest()


async def begin(pool: asyncpg.Pool, sleutel: bytes, max_tegelijk: int, hooguit: timedelta) -> uuid.UUID | None:
    """Note a request of this client as under way and return its id; None, noting nothing, when it has
    `max_tegelijk` under way already. Counting and noting happen under the client's lock, so requests
    racing from any process cannot pass the limit together. A row counts for at most `hooguit` (a
    process that dies cannot end its requests)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, $2)", LOCK_CLASS, int.from_bytes(sleutel[:4], "big", signed=True)
        )
        bezig = await conn.fetchval(
            "SELECT count(*) FROM lopende_verzoeken WHERE sleutel = $1 AND verloopt_op > now()", sleutel
        )
        if bezig >= max_tegelijk:
            return None
        verzoek_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO lopende_verzoeken (id, sleutel, verloopt_op) VALUES ($1, $2, now() + $3::interval)",
            verzoek_id, sleutel, hooguit,
        )  # fmt: skip
    return verzoek_id


async def end(pool: asyncpg.Pool, verzoek_id: uuid.UUID) -> None:
    """The request has ended; rows left by a process that died, past their time, go with it."""
    await pool.execute("DELETE FROM lopende_verzoeken WHERE id = $1 OR verloopt_op <= now()", verzoek_id)
