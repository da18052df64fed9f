"""Bijlagen (db/migrations/010_bijlagen.sql): files uploaded with an overdracht's content, stored
encrypted. This module sees ciphertext only; the caller's scope is checked before (services/bijlagen.py)."""

from collections.abc import Iterable
from uuid import UUID, uuid4

import asyncpg

from schemas.bijlage import BijlageSoort
from schemas.overdracht import Status

# The unique index of each kind, as ON CONFLICT names it: one of that kind per overdracht (or, for a
# kind per parent, per overdracht and parent).
_ONE_PER = {
    BijlageSoort.OBSERVATIE_EXPORT: "(overdracht_id) WHERE soort = 'observatie_export'",
    BijlageSoort.TOESTEMMINGSSCAN: "(overdracht_id, ouder_id) WHERE soort = 'toestemmingsscan'",
}


async def store(
    pool: asyncpg.Pool,
    overdracht_id: UUID,
    soort: BijlageSoort,
    grootte: int,
    sleutel_id: str,
    inhoud: bytes,
    *,
    only_in: Iterable[Status],
    ouder_id: UUID | None = None,
) -> asyncpg.Record | None:
    """Store (or replace) the overdracht's bijlage of this kind (of this parent, for a kind per parent)
    while its status is one of `only_in`; None, and nothing stored, when it is not. The status is read
    under a share lock on the overdracht's row, so a change of status written at the same time (the
    workflow's record) comes before or after the whole upload, never in between."""
    return await pool.fetchrow(
        f"""
        WITH bewerkbaar AS (
            SELECT id FROM overdrachten WHERE id = $1 AND status = ANY($2::text[]) FOR SHARE
        )
        INSERT INTO bijlagen (id, overdracht_id, soort, ouder_id, grootte, sleutel_id, inhoud)
        SELECT $3, id, $4, $8, $5, $6, $7 FROM bewerkbaar
        ON CONFLICT {_ONE_PER[soort]} DO UPDATE
            SET grootte = EXCLUDED.grootte, sleutel_id = EXCLUDED.sleutel_id, inhoud = EXCLUDED.inhoud,
                geupload_op = now()
        RETURNING soort, ouder_id, grootte, geupload_op
        """,
        overdracht_id,
        [s.value for s in only_in],
        uuid4(),
        soort.value,
        grootte,
        sleutel_id,
        inhoud,
        ouder_id,
    )


async def get(
    pool: asyncpg.Pool, overdracht_id: UUID, soort: BijlageSoort, ouder_id: UUID | None = None
) -> asyncpg.Record | None:
    """The overdracht's bijlage of this kind (of this parent, for a kind per parent), encrypted as
    stored: soort, ouder_id, grootte, geupload_op, sleutel_id, inhoud."""
    return await pool.fetchrow(
        "SELECT soort, ouder_id, grootte, geupload_op, sleutel_id, inhoud FROM bijlagen"
        " WHERE overdracht_id = $1 AND soort = $2 AND ouder_id IS NOT DISTINCT FROM $3",
        overdracht_id,
        soort.value,
        ouder_id,
    )
