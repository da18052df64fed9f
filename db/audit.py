"""The audit trail in PostgreSQL (audit_log, append-only, partitioned by month): add rows, one statement
for any number, each naming every child and overdracht it is about; read them back for a child's
inzage-log and the privacy officer's export; and keep its partitions (the coming months', and the
retention term's drop)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

import asyncpg

from db.pool import Executor

# The retention term of the audit trail (docs/privacy.md): a month's partition is dropped once it
# ended this many months ago.
BEWAARTERMIJN_MAANDEN = 60
# The months ahead whose partitions exist before a row needs them (the DEFAULT partition catches the rest).
MAANDEN_VOORUIT = 3

# A subject of a row: (overdracht id, child id), either may be None.
Onderwerp = tuple[UUID | None, UUID | None]


@dataclass
class Regel:
    """One processing of personal data: who, whose, what, why, and the answer's status. Whose: the child
    and overdracht of `kind_id` and `overdracht_id` (a use case about one), and every pair of `subjects`
    (a list, a download: one row however many it names)."""

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
    subjects: list[Onderwerp] = field(default_factory=list)

    def onderwerpen(self) -> list[Onderwerp]:
        one = [(self.overdracht_id, self.kind_id)] if self.overdracht_id or self.kind_id else []
        return list(dict.fromkeys([*one, *self.subjects]))

    def sleutel(self) -> tuple[object, ...]:
        """What two rows of a request must share to be written as one."""
        return (
            self.gebruiker_id, self.rol, self.gemeente_id, self.organisatie_id, self.actie, self.onderwerp,
            tuple(self.velden), self.grondslag, self.resultaat, self.request_id,
        )  # fmt: skip


def _merged(regels: Sequence[Regel]) -> list[tuple[Regel, list[Onderwerp]]]:
    """The request's rows with their subjects, those alike in everything but whose data merged into one
    (an import's children with the same fields, say), in the order registered. A row about no one is
    never merged: each stays a row of its own."""
    merged: dict[object, tuple[Regel, list[Onderwerp]]] = {}
    for i, regel in enumerate(regels):
        subjects = regel.onderwerpen()
        key = regel.sleutel() if subjects else i
        if key in merged:
            merged[key][1].extend(subjects)
        else:
            merged[key] = (regel, subjects)
    return [(regel, list(dict.fromkeys(subjects))) for regel, subjects in merged.values()]


# One INSERT for all rows, each naming all its subjects. A subject that names only the overdracht gets
# its child from the read model, so the row names the child too (the overdracht of a purged child has
# none); a refused one does not: the log must not tie a child to an id that someone outside its scope
# tried. Field names never hold a comma: the rows' fields travel joined. A member of staff who works at
# several locations (schools) is recorded, for what they did with an overdracht, as its location
# (school): their row is split per location, so each names the organisation that read what it names; a
# refusal names none.
_APPEND = """
WITH r AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::smallint[], $10::text[])
        WITH ORDINALITY AS r(gebruiker_id, rol, gemeente_id, organisatie_id, actie, onderwerp, velden, grondslag,
                             resultaat, request_id, idx)
), s AS (
    SELECT s.idx, s.pos, s.overdracht_id,
           COALESCE(s.kind_id, CASE WHEN r.resultaat < 400 THEN o.kind_id END) AS kind_id,
           COALESCE(r.organisatie_id, CASE WHEN r.resultaat < 400 AND r.rol IN ('pedagogisch_medewerker',
                    'locatiemanager', 'school') THEN
                    CASE WHEN r.rol = 'school' THEN o.school_id ELSE o.locatie_id END END) AS organisatie_id
    FROM unnest($11::bigint[], $12::uuid[], $13::uuid[]) WITH ORDINALITY AS s(idx, overdracht_id, kind_id, pos)
    JOIN r ON r.idx = s.idx
    LEFT JOIN overdrachten o ON o.id = s.overdracht_id
), n AS (
    SELECT s.*,
           row_number() OVER (PARTITION BY idx, organisatie_id, kind_id ORDER BY pos) AS kind_n,
           row_number() OVER (PARTITION BY idx, organisatie_id, overdracht_id ORDER BY pos) AS overdracht_n
    FROM s
), g AS (
    SELECT idx, organisatie_id, min(pos) AS first,
           COALESCE(array_agg(kind_id ORDER BY pos) FILTER (WHERE kind_id IS NOT NULL AND kind_n = 1), '{}')
               AS kind_ids,
           COALESCE(array_agg(overdracht_id ORDER BY pos)
                    FILTER (WHERE overdracht_id IS NOT NULL AND overdracht_n = 1), '{}') AS overdracht_ids
    FROM n GROUP BY idx, organisatie_id
)
INSERT INTO audit_log (gebruiker_id, rol, gemeente_id, organisatie_id, kind_ids, overdracht_ids, actie, onderwerp,
                       velden, grondslag, resultaat, request_id)
SELECT r.gebruiker_id, r.rol, r.gemeente_id, CASE WHEN g.idx IS NULL THEN r.organisatie_id ELSE g.organisatie_id END,
       COALESCE(g.kind_ids, '{}'), COALESCE(g.overdracht_ids, '{}'), r.actie, r.onderwerp,
       string_to_array(r.velden, ','), r.grondslag, r.resultaat, r.request_id
FROM r LEFT JOIN g ON g.idx = r.idx
ORDER BY r.idx, g.first
"""


async def append(pool: Executor, regels: Sequence[Regel]) -> None:
    if not regels:
        return
    rows = _merged(regels)
    columns = ("gebruiker_id", "rol", "gemeente_id", "organisatie_id", "actie", "onderwerp")
    args: list[list[object]] = [[getattr(r, c) for r, _ in rows] for c in columns]
    args.append([",".join(r.velden) for r, _ in rows])
    args += [[r.grondslag for r, _ in rows], [r.resultaat for r, _ in rows], [r.request_id for r, _ in rows]]
    args.append([i for i, (_, subjects) in enumerate(rows, start=1) for _ in subjects])
    args.append([o for _, subjects in rows for o, _ in subjects])
    args.append([k for _, subjects in rows for _, k in subjects])
    await pool.execute(_APPEND, *args)


async def maintain(
    pool: Executor, *, vooruit: int = MAANDEN_VOORUIT, bewaren: int = BEWAARTERMIJN_MAANDEN
) -> list[str]:
    """The audit trail's housekeeping, as the owner of its tables (the migrations' role; the API's may
    not): the partitions of this month and the `vooruit` coming ones (rows caught by the DEFAULT partition
    moved into theirs), and the partitions wholly past the retention term dropped. Returns the names
    dropped. Safe to repeat; run every hour by the worker (workflows/history_cleanup.py)."""
    await pool.execute("SELECT audit_log_ensure_partitions($1)", vooruit)
    return [r[0] for r in await pool.fetch("SELECT audit_log_drop_partitions($1)", bewaren)]


_ORGANISATIE = """
LEFT JOIN locaties l ON l.id = a.organisatie_id
LEFT JOIN scholen s ON s.id = a.organisatie_id
LEFT JOIN gemeenten g ON g.id = a.organisatie_id
"""


# The child's rows, found through the GIN indexes only. A row of a list names thousands of ids (a
# download: 30,000, stored out of line), so a plan that tests rows one by one (a scan of a partition,
# or a walk back along the ids) reads every list on the way: hundreds of ms where the indexes take a
# few. The planner does not count that cost, and a month of few, long rows looks cheap to scan; so the
# query runs with only bitmap scans allowed (SET LOCAL: this transaction's alone), and without JIT (the
# cost the other scans are given would make a cheap query look worth compiling: seconds).
_INZAGE_PLAN = "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off"


async def inzage(
    pool: asyncpg.Pool, kind_id: UUID | None, overdracht_id: UUID, before: int | None, limit: int
) -> list[asyncpg.Record]:
    """What was done with this child's data (every row that names the child or its overdracht, alone or
    among others), newest first: only what was done; a refused attempt processed nothing. The child's
    rows are gathered through the GIN indexes on kind_ids and overdracht_ids (a BitmapOr per monthly
    partition), then the newest `limit` taken."""
    whose = "a.overdracht_ids @> ARRAY[$1::uuid]"
    if kind_id is not None:
        whose = f"({whose} OR a.kind_ids @> ARRAY[$4::uuid])"
    async with pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute(_INZAGE_PLAN)
        return await conn.fetch(
            f"""
            WITH gedaan AS MATERIALIZED (
                SELECT a.id, a.tijdstip, a.rol, a.organisatie_id, a.actie, a.onderwerp, a.velden, a.grondslag
                FROM audit_log a
                WHERE {whose} AND a.resultaat < 400 AND ($2::bigint IS NULL OR a.id < $2)
            )
            SELECT a.id, a.tijdstip, a.rol, a.organisatie_id, COALESCE(l.naam, s.naam, g.naam) AS organisatie_naam,
                   a.actie, a.onderwerp, a.velden, a.grondslag
            FROM (SELECT * FROM gedaan ORDER BY id DESC LIMIT $3) a {_ORGANISATIE}
            ORDER BY a.id DESC
            """,
            overdracht_id,
            before,
            limit,
            *([kind_id] if kind_id is not None else []),
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
        SELECT id, tijdstip, gebruiker_id, rol, organisatie_id, kind_ids, overdracht_ids, actie, onderwerp, velden,
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
