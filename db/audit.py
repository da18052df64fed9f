"""The audit trail in PostgreSQL (audit_log, append-only): add rows, one statement for any number, and
read them back for a child's inzage-log and the privacy officer's export."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from db.pool import Executor


@dataclass
class Regel:
    """One processing of personal data: who, whose, what, why, and the answer's status."""

    gebruiker_id: UUID
    rol: str
    gemeente_id: UUID
    organisatie_id: UUID | None
    actie: str
    onderwerp: str
    grondslag: str
    resultaat: int = 0
    kind_id: UUID | None = None
    overdracht_id: UUID | None = None
    velden: list[str] = field(default_factory=list)
    request_id: str | None = None


# One INSERT for all rows (a list page is many). A row that names only the overdracht gets its child
# from the read model, so the child's inzage-log finds it (the overdracht of a purged child has none);
# a refused one does not: the log must not tie a child to an id that someone outside its scope tried.
# Field names never hold a comma: the rows' fields travel joined. A member of staff who works at several
# locations (schools) is recorded, for what they did with an overdracht, as its location (school); a
# refusal names none.
_APPEND = """
INSERT INTO audit_log (gebruiker_id, rol, gemeente_id, organisatie_id, kind_id, overdracht_id, actie, onderwerp,
                       velden, grondslag, resultaat, request_id)
SELECT r.gebruiker_id, r.rol, r.gemeente_id,
       COALESCE(r.organisatie_id, CASE WHEN r.resultaat < 400 THEN (
           SELECT CASE WHEN r.rol = 'school' THEN o.school_id ELSE o.locatie_id END FROM overdrachten o
           WHERE o.id = r.overdracht_id AND r.rol IN ('pedagogisch_medewerker', 'locatiemanager', 'school')) END),
       COALESCE(r.kind_id, CASE WHEN r.resultaat < 400 THEN (SELECT o.kind_id FROM overdrachten o
                                                               WHERE o.id = r.overdracht_id) END),
       r.overdracht_id, r.actie, r.onderwerp, string_to_array(r.velden, ','), r.grondslag, r.resultaat, r.request_id
FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[],
            $9::text[], $10::text[], $11::smallint[], $12::text[])
     AS r(gebruiker_id, rol, gemeente_id, organisatie_id, kind_id, overdracht_id, actie, onderwerp,
          velden, grondslag, resultaat, request_id)
"""


async def append(pool: Executor, regels: Sequence[Regel]) -> None:
    if not regels:
        return
    columns = (
        "gebruiker_id", "rol", "gemeente_id", "organisatie_id", "kind_id", "overdracht_id", "actie", "onderwerp",
    )  # fmt: skip
    args: list[list[object]] = [[getattr(r, c) for r in regels] for c in columns]
    args.append([",".join(r.velden) for r in regels])
    args += [[r.grondslag for r in regels], [r.resultaat for r in regels], [r.request_id for r in regels]]
    await pool.execute(_APPEND, *args)


_ORGANISATIE = """
LEFT JOIN locaties l ON l.id = a.organisatie_id
LEFT JOIN scholen s ON s.id = a.organisatie_id
LEFT JOIN gemeenten g ON g.id = a.organisatie_id
"""


async def inzage(
    pool: asyncpg.Pool, kind_id: UUID | None, overdracht_id: UUID, before: int | None, limit: int
) -> list[asyncpg.Record]:
    """What was done with this child's data (its own rows and its overdracht's), newest first: only
    what was done; a refused attempt processed nothing."""
    return await pool.fetch(
        f"""
        SELECT a.id, a.tijdstip, a.rol, a.organisatie_id, COALESCE(l.naam, s.naam, g.naam) AS organisatie_naam,
               a.actie, a.onderwerp, a.velden, a.grondslag
        FROM audit_log a {_ORGANISATIE}
        WHERE (a.kind_id = $1 OR a.overdracht_id = $2) AND a.resultaat < 400 AND ($3::bigint IS NULL OR a.id < $3)
        ORDER BY a.id DESC
        LIMIT $4
        """,
        kind_id,
        overdracht_id,
        before,
        limit,
    )


async def export(
    pool: asyncpg.Pool,
    gemeente_id: UUID,
    van: datetime | None,
    tot: datetime | None,
    gebruiker_id: UUID | None,
    after: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    """The gemeente's rows from `van` up to (not including) `tot`, of one user or all, oldest first."""
    return await pool.fetch(
        """
        SELECT id, tijdstip, gebruiker_id, rol, organisatie_id, kind_id, overdracht_id, actie, onderwerp, velden,
               grondslag, resultaat, request_id
        FROM audit_log
        WHERE gemeente_id = $1
          AND ($2::timestamptz IS NULL OR tijdstip >= $2) AND ($3::timestamptz IS NULL OR tijdstip < $3)
          AND ($4::uuid IS NULL OR gebruiker_id = $4) AND ($5::bigint IS NULL OR id > $5)
        ORDER BY id
        LIMIT $6
        """,
        gemeente_id,
        van,
        tot,
        gebruiker_id,
        after,
        limit,
    )
