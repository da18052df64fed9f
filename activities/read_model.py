"""Writes the workflow's changes to the PostgreSQL read model, idempotently and in order, and purges
an overdracht's content when its retention term ends."""

import json
from uuid import UUID

import asyncpg
from temporalio import activity

from schemas.workflow import RecordChange
from workflows.deadlines import next_deadline

# Every column the workflow's state sets, in the order of the INSERT below.
_COLUMNS = """
    id, kind_id, gemeente_id, locatie_id, school_id, status, revisie, formulier_compleet,
    geopend_op, ingediend_op, toestemming_op, verzonden_op, ontvangen_op, afgerond_op, eerste_schooldag,
    protocol_versie, deadlines, volgende_deadline, vlaggen, open_vlaggen, achterstallig_sinds,
    warme_overdracht_vereist, warme_overdracht_gepland_op, warme_overdracht_gehouden_op,
    geweigerd_op, ingetrokken_op, geannuleerd_op, papieren_kopie_op, inhoud_verwijderd_op, bijgewerkt_op,
    schooljaar, vve_indicatie
"""
_NAMES = [c.strip() for c in _COLUMNS.split(",")]
_UPSERT = f"""
    INSERT INTO overdrachten ({_COLUMNS})
    VALUES ({", ".join(f"${i}" for i in range(1, len(_NAMES) + 1))})
    ON CONFLICT (id) DO UPDATE SET
        {", ".join(f"{c} = EXCLUDED.{c}" for c in _NAMES if c not in ("id", "kind_id", "gemeente_id", "locatie_id"))}
    WHERE overdrachten.revisie < EXCLUDED.revisie
"""


class ReadModelActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="record_change")
    async def record(self, change: RecordChange) -> None:
        """Apply one change in one transaction. A retry, or a change older than what the read model
        already shows, changes nothing: rows carry the workflow's revision and only move forward."""
        s, e = change.state, change.event
        open_flags = {v: f for v, f in s.vlaggen.items() if f.opgelost_op is None}
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(
                _UPSERT,
                s.overdracht_id, s.kind_id, s.gemeente_id, s.locatie_id, s.school_id, s.status.value,
                s.revisie, s.formulier_compleet, s.geopend_op, s.ingediend_op, s.toestemming_op,
                s.verzonden_op, s.ontvangen_op, s.afgerond_op, s.eerste_schooldag,
                s.protocol_versie, json.dumps({d.value: m.isoformat() for d, m in s.deadlines.items()}),
                next_deadline(s), sorted(v.value for v in s.vlaggen), sorted(v.value for v in open_flags),
                min((f.gezet_op for f in open_flags.values()), default=None),
                s.warme_overdracht_vereist, s.warme_overdracht_gepland_op, s.warme_overdracht_gehouden_op,
                s.geweigerd_op, s.ingetrokken_op, s.geannuleerd_op, s.papieren_kopie_op, s.inhoud_verwijderd_op,
                e.tijdstip, s.schooljaar, s.vve_indicatie,
            )  # fmt: skip
            await conn.execute(
                """
                INSERT INTO overdracht_gebeurtenissen
                    (overdracht_id, revisie, gebeurtenis, status, tijdstip, actor_id, actor_rol, details, toelichting)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
                ON CONFLICT (overdracht_id, revisie) DO NOTHING
                """,
                s.overdracht_id, e.revisie, e.gebeurtenis.value, e.status.value, e.tijdstip,
                e.actor.gebruiker_id if e.actor else None, e.actor.rol.value if e.actor else None,
                json.dumps(e.details), e.toelichting,
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
            if (r := change.reactie) is not None:
                await conn.execute(
                    """
                    INSERT INTO ouderreacties (overdracht_id, ouder_id, zienswijze, eens, reden, tijdstip)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (overdracht_id, ouder_id) DO UPDATE
                        SET zienswijze = EXCLUDED.zienswijze, eens = EXCLUDED.eens, reden = EXCLUDED.reden,
                            tijdstip = EXCLUDED.tijdstip
                        WHERE ouderreacties.tijdstip <= EXCLUDED.tijdstip
                    """,
                    s.overdracht_id, r.ouder_id, r.zienswijze, r.eens.value, r.reden, e.tijdstip,
                )  # fmt: skip

    @activity.defn(name="purge_content")
    async def purge_content(self, overdracht_id: UUID) -> None:
        """Destroy everything personal the service holds about this overdracht: the form, the
        parents' reactions, people's free-text reasons, the outbox (addresses) and parents' codes,
        stored answers to repeated requests that mention it, the parents' accounts and the child's own
        record. Keep the metadata the monitoring needs. Idempotent. (The engine's copy goes when the
        workflow has closed: workflows/history_cleanup.py.)"""
        async with self._pool.acquire() as conn, conn.transaction():
            for table in ("formulieren", "ouderreacties", "ouder_codes", "berichten"):
                await conn.execute(f"DELETE FROM {table} WHERE overdracht_id = $1", overdracht_id)
            await conn.execute(
                "UPDATE overdracht_gebeurtenissen SET toelichting = NULL WHERE overdracht_id = $1", overdracht_id
            )
            # An answer kept for an Idempotency-Key repeats the overdracht as it was then.
            await conn.execute(
                "DELETE FROM idempotency_keys WHERE path LIKE '%' || $1 || '%'"
                " OR position(convert_to($1, 'UTF8') in coalesce(body, ''::bytea)) > 0",
                str(overdracht_id),
            )
            # Last, the child: its parents' accounts go with it, the overdracht keeps a null kind_id.
            kind_id = await conn.fetchval("SELECT kind_id FROM overdrachten WHERE id = $1", overdracht_id)
            if kind_id is not None:
                await conn.execute("DELETE FROM kinderen WHERE id = $1", kind_id)

    def all(self) -> list:
        """Every activity of this class, for the worker to register."""
        return [self.record, self.purge_content]
