"""The stored answers to Idempotency-Key requests (table idempotency_keys): a key is reserved while its
request runs, then holds the answer a repeat is given. The API's middleware (api/idempotency.py) keeps
them; the purge forgets those of an overdracht whose content it destroys."""

from datetime import timedelta
from uuid import UUID

import asyncpg

from db.pool import Executor

# A new key is inserted; an existing one is taken over when its answer has expired or its reservation is
# stale (a new step: a new stap_id), or at once by the same request when its outcome was not known (the
# same step: its stap_id kept). Anything else returns no row and the existing one decides.
_RESERVE = """
INSERT INTO idempotency_keys AS k (caller_hash, idempotency_key, method, path, body_hash, reservation)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (caller_hash, idempotency_key) DO UPDATE
    SET method = EXCLUDED.method, path = EXCLUDED.path, body_hash = EXCLUDED.body_hash,
        reservation = EXCLUDED.reservation, onbekend = false,
        stap_id = CASE WHEN k.onbekend AND k.created_at >= now() - $7::interval THEN k.stap_id ELSE EXCLUDED.stap_id END,
        created_at = CASE WHEN k.onbekend AND k.created_at >= now() - $7::interval THEN k.created_at ELSE now() END,
        status = NULL, headers = NULL, body = NULL, completed_at = NULL
    WHERE k.created_at < now() - $7::interval
       OR (k.status IS NULL AND k.created_at < now() - $8::interval)
       OR (k.status IS NULL AND k.onbekend
           AND (k.method, k.path, k.body_hash) = (EXCLUDED.method, EXCLUDED.path, EXCLUDED.body_hash))
RETURNING stap_id
"""


async def reserve(
    pool: Executor,
    caller_hash: bytes,
    key: str,
    method: str,
    path: str,
    body_hash: bytes,
    reservation: UUID,
    ttl: timedelta,
    stale_after: timedelta,
) -> UUID | None:
    """Reserve the key for this request, atomically: its step's id; None when another request holds it
    or its answer."""
    args = (caller_hash, key, method, path, body_hash, reservation, ttl, stale_after)
    stap_id: UUID | None = await pool.fetchval(_RESERVE, *args)
    return stap_id


async def existing(pool: Executor, caller_hash: bytes, key: str, ttl: timedelta) -> asyncpg.Record | None:
    """The key's request and, once it is done, its answer (status, headers, body); None when expired."""
    return await pool.fetchrow(
        "SELECT method, path, body_hash, status, headers, body FROM idempotency_keys"
        " WHERE caller_hash = $1 AND idempotency_key = $2 AND created_at >= now() - $3::interval",
        caller_hash,
        key,
        ttl,
    )


async def store(
    pool: Executor, caller_hash: bytes, key: str, reservation: UUID, status: int, headers: str, body: bytes
) -> None:
    """The answer to keep for repeats (`headers`: JSON), when the reservation is still this request's."""
    await pool.execute(
        "UPDATE idempotency_keys SET status = $4, headers = $5::jsonb, body = $6, completed_at = now()"
        " WHERE caller_hash = $1 AND idempotency_key = $2 AND reservation = $3",
        caller_hash,
        key,
        reservation,
        status,
        headers,
        body,
    )


async def unknown(pool: Executor, caller_hash: bytes, key: str, reservation: UUID) -> None:
    """The request's outcome is not known (its answer was a 5xx): the key stays, with its step id, for the
    same request to take over at once."""
    await pool.execute(
        "UPDATE idempotency_keys SET onbekend = true WHERE caller_hash = $1 AND idempotency_key = $2"
        " AND reservation = $3",
        caller_hash,
        key,
        reservation,
    )


async def delete_expired(pool: Executor, ttl: timedelta) -> None:
    # The stored answers can hold personal data (an overdracht's form): kept only for the short term of
    # settings.idempotency_ttl_hours, deleted after.
    await pool.execute("DELETE FROM idempotency_keys WHERE created_at < now() - $1::interval", ttl)


async def forget_overdracht(conn: Executor, overdracht_id: UUID) -> None:
    """Delete every stored answer that mentions the overdracht, in its path or its body: it repeats the
    overdracht as it was then (the purge of its content)."""
    await conn.execute(
        "DELETE FROM idempotency_keys WHERE path LIKE '%' || $1 || '%'"
        " OR position(convert_to($1, 'UTF8') in coalesce(body, ''::bytea)) > 0",
        str(overdracht_id),
    )
