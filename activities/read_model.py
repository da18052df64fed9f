"""Writes the workflow's changes to the PostgreSQL read model, idempotently and in order."""

import asyncpg
from temporalio import activity

from schemas.workflow import RecordChange


class ReadModelActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="record_change")
    async def record(self, change: RecordChange) -> None:
        """Apply one change in one transaction. A retry, or a change older than what the read model
        already shows, changes nothing: rows carry the workflow's revision and only move forward."""
        s, e = change.state, change.event
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """
                INSERT INTO overdrachten (
                    id, kind_id, gemeente_id, locatie_id, school_id, status, revisie,
                    formulier_compleet, geopend_op, ingediend_op, toestemming_op, verzonden_op,
                    ontvangen_op, afgerond_op, eerste_schooldag, bijgewerkt_op)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                ON CONFLICT (id) DO UPDATE SET
                    school_id = EXCLUDED.school_id, status = EXCLUDED.status,
                    revisie = EXCLUDED.revisie, formulier_compleet = EXCLUDED.formulier_compleet,
                    ingediend_op = EXCLUDED.ingediend_op, toestemming_op = EXCLUDED.toestemming_op,
                    verzonden_op = EXCLUDED.verzonden_op, ontvangen_op = EXCLUDED.ontvangen_op,
                    afgerond_op = EXCLUDED.afgerond_op, eerste_schooldag = EXCLUDED.eerste_schooldag,
                    bijgewerkt_op = EXCLUDED.bijgewerkt_op
                WHERE overdrachten.revisie < EXCLUDED.revisie
                """,
                s.overdracht_id, s.kind_id, s.gemeente_id, s.locatie_id, s.school_id, s.status.value,
                s.revisie, s.formulier_compleet, s.geopend_op, s.ingediend_op, s.toestemming_op,
                s.verzonden_op, s.ontvangen_op, s.afgerond_op, s.eerste_schooldag, e.tijdstip,
            )  # fmt: skip
            await conn.execute(
                """
                INSERT INTO overdracht_gebeurtenissen
                    (overdracht_id, revisie, gebeurtenis, status, tijdstip, actor_id, actor_rol)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (overdracht_id, revisie) DO NOTHING
                """,
                s.overdracht_id, e.revisie, e.gebeurtenis.value, e.status.value, e.tijdstip,
                e.actor.gebruiker_id if e.actor else None, e.actor.rol.value if e.actor else None,
            )  # fmt: skip
            if change.formulier is not None:
                await conn.execute(
                    """
                    INSERT INTO formulieren (overdracht_id, inhoud, revisie, bijgewerkt_op)
                    VALUES ($1, $2::jsonb, $3, $4)
                    ON CONFLICT (overdracht_id) DO UPDATE
                        SET inhoud = EXCLUDED.inhoud, revisie = EXCLUDED.revisie,
                            bijgewerkt_op = EXCLUDED.bijgewerkt_op
                        WHERE formulieren.revisie < EXCLUDED.revisie
                    """,
                    s.overdracht_id, change.formulier.model_dump_json(), s.revisie, e.tijdstip,
                )  # fmt: skip

    def all(self) -> list:
        """Every activity of this class, for the worker to register."""
        return [self.record]
