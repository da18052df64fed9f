-- The monitoring and the lists at a million overdrachten (issue 14): the key figures and the trend from
-- totals kept exact on every write, and an index for each filter and sort of the lists.
--
-- Why totals kept by triggers. The key figures count, per school year and group, every overdracht in
-- the caller's scope: at 1,000,000 rows that read every row of every school year (2.4 s). The counts
-- only change when a row changes, so they are kept per (gemeente, school year, location, school,
-- whether the school sees it) in monitoring_cijfers, and per that and month in monitoring_trend, with
-- roll-ups of each (by location, by school, by gemeente) so that a question sums the smallest table that
-- holds what it names: at a million overdrachten a few hundred to 15,000 rows, joined with the
-- organisations (db/monitoring.py, which picks the table).
-- The key carries exactly what db/scope.py scopes by (the gemeente, the locations, the schools with the
-- school's own condition), and what the filters and groupings name (stadsdeel and wijk through the
-- location), so every answer is a sum of whole rows: exact, never an estimate.
--
-- They are kept by statement-level triggers on overdrachten with transition tables (every write: the
-- read model's upsert, the purge, a move, a bulk load, a DELETE), in the writing transaction: a
-- rolled-back write leaves no count behind, and a reader sees the totals that belong to the rows it
-- could see. Two transactions that change the same total both add their delta to it
-- (INSERT … ON CONFLICT DO UPDATE SET n = n + EXCLUDED.n): the second waits for the first's row lock
-- and adds to the committed value, so no count is lost. A materialized view was the alternative; it
-- is stale between refreshes, and the figures must agree with the lists next to them.
--
-- The cost is on the write: each statement on overdrachten also sums its changed rows (one or two for
-- the workflow's writes) and writes only the totals whose counts changed, so a write that changes no
-- count (a new revision, a moved deadline) writes none. Writes to one location's and school year's
-- overdrachten queue briefly on the same total's row, for the rest of the writing transaction (the
-- read model's transaction is a few statements).
--
-- Also here: kinderen.heeft_overdracht, kept by the same triggers, for the VVE children without an
-- overdracht; and an index for each filter and sort of the lists (db/overdrachten.py), the last part.

-- 1. The key figures. The full key serves every scope and filter; two roll-ups of it serve the
-- commonest questions in fewer rows: by location (the coordinator's and a PM'er's figures by stadsdeel,
-- wijk or location) and by school (the coordinator's figures by school).
-- school_ziet: what db/scope.py lets a school see (sent, and not since withdrawn or cancelled).
CREATE TABLE monitoring_cijfers (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    locatie_id             uuid NOT NULL,
    school_id              uuid,
    school_ziet            boolean NOT NULL,
    aantal                 integer NOT NULL DEFAULT 0,
    "status_CONCEPT"       integer NOT NULL DEFAULT 0,
    "status_BIJ_OUDERS"    integer NOT NULL DEFAULT 0,
    "status_GEWEIGERD"     integer NOT NULL DEFAULT 0,
    "status_WACHT_OP_SCHOOL" integer NOT NULL DEFAULT 0,
    "status_GEREED_VOOR_VERZENDING" integer NOT NULL DEFAULT 0,
    "status_VERZONDEN"     integer NOT NULL DEFAULT 0,
    "status_ONTVANGEN"     integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEPLAND" integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEHOUDEN" integer NOT NULL DEFAULT 0,
    "status_AFGEROND"      integer NOT NULL DEFAULT 0,
    "status_INGETROKKEN"   integer NOT NULL DEFAULT 0,
    "status_GEANNULEERD"   integer NOT NULL DEFAULT 0,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0,
    vve_ontvangen          integer NOT NULL DEFAULT 0,
    vve_warm_voor_start    integer NOT NULL DEFAULT 0,
    school_onbekend        integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_cijfers_sleutel ON monitoring_cijfers (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) NULLS NOT DISTINCT;
CREATE INDEX monitoring_cijfers_locatie_idx ON monitoring_cijfers (locatie_id);
CREATE INDEX monitoring_cijfers_school_idx ON monitoring_cijfers (school_id) WHERE school_ziet;


CREATE TABLE monitoring_cijfers_locatie (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    locatie_id             uuid NOT NULL,
    aantal                 integer NOT NULL DEFAULT 0,
    "status_CONCEPT"       integer NOT NULL DEFAULT 0,
    "status_BIJ_OUDERS"    integer NOT NULL DEFAULT 0,
    "status_GEWEIGERD"     integer NOT NULL DEFAULT 0,
    "status_WACHT_OP_SCHOOL" integer NOT NULL DEFAULT 0,
    "status_GEREED_VOOR_VERZENDING" integer NOT NULL DEFAULT 0,
    "status_VERZONDEN"     integer NOT NULL DEFAULT 0,
    "status_ONTVANGEN"     integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEPLAND" integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEHOUDEN" integer NOT NULL DEFAULT 0,
    "status_AFGEROND"      integer NOT NULL DEFAULT 0,
    "status_INGETROKKEN"   integer NOT NULL DEFAULT 0,
    "status_GEANNULEERD"   integer NOT NULL DEFAULT 0,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0,
    vve_ontvangen          integer NOT NULL DEFAULT 0,
    vve_warm_voor_start    integer NOT NULL DEFAULT 0,
    school_onbekend        integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_cijfers_locatie_sleutel ON monitoring_cijfers_locatie (gemeente_id, schooljaar, locatie_id) NULLS NOT DISTINCT;
CREATE INDEX monitoring_cijfers_locatie_locatie_idx ON monitoring_cijfers_locatie (locatie_id);


CREATE TABLE monitoring_cijfers_school (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    school_id              uuid,
    aantal                 integer NOT NULL DEFAULT 0,
    "status_CONCEPT"       integer NOT NULL DEFAULT 0,
    "status_BIJ_OUDERS"    integer NOT NULL DEFAULT 0,
    "status_GEWEIGERD"     integer NOT NULL DEFAULT 0,
    "status_WACHT_OP_SCHOOL" integer NOT NULL DEFAULT 0,
    "status_GEREED_VOOR_VERZENDING" integer NOT NULL DEFAULT 0,
    "status_VERZONDEN"     integer NOT NULL DEFAULT 0,
    "status_ONTVANGEN"     integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEPLAND" integer NOT NULL DEFAULT 0,
    "status_WARME_OVERDRACHT_GEHOUDEN" integer NOT NULL DEFAULT 0,
    "status_AFGEROND"      integer NOT NULL DEFAULT 0,
    "status_INGETROKKEN"   integer NOT NULL DEFAULT 0,
    "status_GEANNULEERD"   integer NOT NULL DEFAULT 0,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0,
    vve_ontvangen          integer NOT NULL DEFAULT 0,
    vve_warm_voor_start    integer NOT NULL DEFAULT 0,
    school_onbekend        integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_cijfers_school_sleutel ON monitoring_cijfers_school (gemeente_id, schooljaar, school_id) NULLS NOT DISTINCT;

-- 2. The trend: the steps done per calendar month (Amsterdam), on time and late; the same key and month,
-- rolled up by location and by gemeente.

CREATE TABLE monitoring_trend (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    locatie_id             uuid NOT NULL,
    school_id              uuid,
    school_ziet            boolean NOT NULL,
    maand                  text NOT NULL,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_trend_sleutel ON monitoring_trend (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand) NULLS NOT DISTINCT;
CREATE INDEX monitoring_trend_locatie_idx ON monitoring_trend (locatie_id);
CREATE INDEX monitoring_trend_school_idx ON monitoring_trend (school_id) WHERE school_ziet;


CREATE TABLE monitoring_trend_locatie (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    locatie_id             uuid NOT NULL,
    maand                  text NOT NULL,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_trend_locatie_sleutel ON monitoring_trend_locatie (gemeente_id, schooljaar, locatie_id, maand) NULLS NOT DISTINCT;
CREATE INDEX monitoring_trend_locatie_locatie_idx ON monitoring_trend_locatie (locatie_id);


CREATE TABLE monitoring_trend_gemeente (
    gemeente_id            uuid NOT NULL,
    schooljaar             text,
    maand                  text NOT NULL,
    toestemming_op_tijd    integer NOT NULL DEFAULT 0,
    toestemming_te_laat    integer NOT NULL DEFAULT 0,
    verzenden_op_tijd      integer NOT NULL DEFAULT 0,
    verzenden_te_laat      integer NOT NULL DEFAULT 0,
    bevestigen_op_tijd     integer NOT NULL DEFAULT 0,
    bevestigen_te_laat     integer NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX monitoring_trend_gemeente_sleutel ON monitoring_trend_gemeente (gemeente_id, schooljaar, maand) NULLS NOT DISTINCT;

-- 3. Whether a child has an overdracht: the coordinator's list of VVE children without one.
ALTER TABLE kinderen ADD COLUMN heeft_overdracht boolean NOT NULL DEFAULT false;

-- The triggers: one per event (a trigger with transition tables has one event), each adding the new
-- rows' counts and taking away the old rows' in one statement per family (the full key's deltas, then
-- each table's sums of them). Only totals whose counts changed are written (most writes of the
-- workflow change no count: a new revision, a moved deadline), in key order, so that two transactions
-- lock the same rows in the same order. SECURITY DEFINER: whoever writes overdrachten keeps the
-- totals, and the API's role may only read them.
CREATE FUNCTION monitoring_na_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               sum(CASE WHEN true THEN r.teken ELSE 0 END) AS aantal,
               sum(CASE WHEN r.status = 'CONCEPT' THEN r.teken ELSE 0 END) AS "status_CONCEPT",
               sum(CASE WHEN r.status = 'BIJ_OUDERS' THEN r.teken ELSE 0 END) AS "status_BIJ_OUDERS",
               sum(CASE WHEN r.status = 'GEWEIGERD' THEN r.teken ELSE 0 END) AS "status_GEWEIGERD",
               sum(CASE WHEN r.status = 'WACHT_OP_SCHOOL' THEN r.teken ELSE 0 END) AS "status_WACHT_OP_SCHOOL",
               sum(CASE WHEN r.status = 'GEREED_VOOR_VERZENDING' THEN r.teken ELSE 0 END) AS "status_GEREED_VOOR_VERZENDING",
               sum(CASE WHEN r.status = 'VERZONDEN' THEN r.teken ELSE 0 END) AS "status_VERZONDEN",
               sum(CASE WHEN r.status = 'ONTVANGEN' THEN r.teken ELSE 0 END) AS "status_ONTVANGEN",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEPLAND' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEPLAND",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEHOUDEN' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEHOUDEN",
               sum(CASE WHEN r.status = 'AFGEROND' THEN r.teken ELSE 0 END) AS "status_AFGEROND",
               sum(CASE WHEN r.status = 'INGETROKKEN' THEN r.teken ELSE 0 END) AS "status_INGETROKKEN",
               sum(CASE WHEN r.status = 'GEANNULEERD' THEN r.teken ELSE 0 END) AS "status_GEANNULEERD",
               sum(CASE WHEN r.toestemming_op < coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN r.toestemming_op >= coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN r.verzonden_op < coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN r.verzonden_op >= coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN r.ontvangen_op < coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN r.ontvangen_op >= coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_te_laat,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL THEN r.teken ELSE 0 END) AS vve_ontvangen,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL AND r.warme_overdracht_gehouden_op < r.eerste_schooldag THEN r.teken ELSE 0 END) AS vve_warm_voor_start,
               sum(CASE WHEN 'school_onbekend' = ANY(r.vlaggen) THEN r.teken ELSE 0 END) AS school_onbekend
        FROM (SELECT 1 AS teken, n.* FROM nieuw n) AS r
        GROUP BY 1, 2, 3, 4, 5
    )
    , w0 AS (
        INSERT INTO monitoring_cijfers AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    , w1 AS (
        INSERT INTO monitoring_cijfers_locatie AS c (gemeente_id, schooljaar, locatie_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id
        ON CONFLICT (gemeente_id, schooljaar, locatie_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    INSERT INTO monitoring_cijfers_school AS c (gemeente_id, schooljaar, school_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.school_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.school_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.school_id
        ON CONFLICT (gemeente_id, schooljaar, school_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               to_char(t.gedaan AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS maand,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS bevestigen_te_laat
        FROM (SELECT 1 AS teken, n.* FROM nieuw n) AS r
            CROSS JOIN LATERAL (VALUES ('toestemming', r.toestemming_op, coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity')), ('verzenden', r.verzonden_op, coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity')), ('bevestigen', r.ontvangen_op, coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity'))) AS t(stap, gedaan, deadline)
            WHERE t.gedaan IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    , w0 AS (
        INSERT INTO monitoring_trend AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    , w1 AS (
        INSERT INTO monitoring_trend_locatie AS c (gemeente_id, schooljaar, locatie_id, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    INSERT INTO monitoring_trend_gemeente AS c (gemeente_id, schooljaar, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.maand
        ON CONFLICT (gemeente_id, schooljaar, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat;
    UPDATE kinderen k SET heeft_overdracht = true FROM nieuw n
    WHERE k.id = n.kind_id AND NOT k.heeft_overdracht;
    RETURN NULL;
END
$$;

CREATE FUNCTION monitoring_na_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               sum(CASE WHEN true THEN r.teken ELSE 0 END) AS aantal,
               sum(CASE WHEN r.status = 'CONCEPT' THEN r.teken ELSE 0 END) AS "status_CONCEPT",
               sum(CASE WHEN r.status = 'BIJ_OUDERS' THEN r.teken ELSE 0 END) AS "status_BIJ_OUDERS",
               sum(CASE WHEN r.status = 'GEWEIGERD' THEN r.teken ELSE 0 END) AS "status_GEWEIGERD",
               sum(CASE WHEN r.status = 'WACHT_OP_SCHOOL' THEN r.teken ELSE 0 END) AS "status_WACHT_OP_SCHOOL",
               sum(CASE WHEN r.status = 'GEREED_VOOR_VERZENDING' THEN r.teken ELSE 0 END) AS "status_GEREED_VOOR_VERZENDING",
               sum(CASE WHEN r.status = 'VERZONDEN' THEN r.teken ELSE 0 END) AS "status_VERZONDEN",
               sum(CASE WHEN r.status = 'ONTVANGEN' THEN r.teken ELSE 0 END) AS "status_ONTVANGEN",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEPLAND' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEPLAND",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEHOUDEN' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEHOUDEN",
               sum(CASE WHEN r.status = 'AFGEROND' THEN r.teken ELSE 0 END) AS "status_AFGEROND",
               sum(CASE WHEN r.status = 'INGETROKKEN' THEN r.teken ELSE 0 END) AS "status_INGETROKKEN",
               sum(CASE WHEN r.status = 'GEANNULEERD' THEN r.teken ELSE 0 END) AS "status_GEANNULEERD",
               sum(CASE WHEN r.toestemming_op < coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN r.toestemming_op >= coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN r.verzonden_op < coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN r.verzonden_op >= coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN r.ontvangen_op < coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN r.ontvangen_op >= coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_te_laat,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL THEN r.teken ELSE 0 END) AS vve_ontvangen,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL AND r.warme_overdracht_gehouden_op < r.eerste_schooldag THEN r.teken ELSE 0 END) AS vve_warm_voor_start,
               sum(CASE WHEN 'school_onbekend' = ANY(r.vlaggen) THEN r.teken ELSE 0 END) AS school_onbekend
        FROM (SELECT 1 AS teken, n.* FROM nieuw n UNION ALL SELECT -1, o.* FROM oud o) AS r
        GROUP BY 1, 2, 3, 4, 5
    )
    , w0 AS (
        INSERT INTO monitoring_cijfers AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    , w1 AS (
        INSERT INTO monitoring_cijfers_locatie AS c (gemeente_id, schooljaar, locatie_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id
        ON CONFLICT (gemeente_id, schooljaar, locatie_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    INSERT INTO monitoring_cijfers_school AS c (gemeente_id, schooljaar, school_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.school_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.school_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.school_id
        ON CONFLICT (gemeente_id, schooljaar, school_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               to_char(t.gedaan AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS maand,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS bevestigen_te_laat
        FROM (SELECT 1 AS teken, n.* FROM nieuw n UNION ALL SELECT -1, o.* FROM oud o) AS r
            CROSS JOIN LATERAL (VALUES ('toestemming', r.toestemming_op, coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity')), ('verzenden', r.verzonden_op, coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity')), ('bevestigen', r.ontvangen_op, coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity'))) AS t(stap, gedaan, deadline)
            WHERE t.gedaan IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    , w0 AS (
        INSERT INTO monitoring_trend AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    , w1 AS (
        INSERT INTO monitoring_trend_locatie AS c (gemeente_id, schooljaar, locatie_id, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    INSERT INTO monitoring_trend_gemeente AS c (gemeente_id, schooljaar, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.maand
        ON CONFLICT (gemeente_id, schooljaar, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat;
    UPDATE kinderen k SET heeft_overdracht = true FROM nieuw n
    WHERE k.id = n.kind_id AND NOT k.heeft_overdracht;
    UPDATE kinderen k SET heeft_overdracht = false FROM oud o
    WHERE k.id = o.kind_id AND k.heeft_overdracht
      AND NOT EXISTS (SELECT 1 FROM overdrachten x WHERE x.kind_id = k.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION monitoring_na_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               sum(CASE WHEN true THEN r.teken ELSE 0 END) AS aantal,
               sum(CASE WHEN r.status = 'CONCEPT' THEN r.teken ELSE 0 END) AS "status_CONCEPT",
               sum(CASE WHEN r.status = 'BIJ_OUDERS' THEN r.teken ELSE 0 END) AS "status_BIJ_OUDERS",
               sum(CASE WHEN r.status = 'GEWEIGERD' THEN r.teken ELSE 0 END) AS "status_GEWEIGERD",
               sum(CASE WHEN r.status = 'WACHT_OP_SCHOOL' THEN r.teken ELSE 0 END) AS "status_WACHT_OP_SCHOOL",
               sum(CASE WHEN r.status = 'GEREED_VOOR_VERZENDING' THEN r.teken ELSE 0 END) AS "status_GEREED_VOOR_VERZENDING",
               sum(CASE WHEN r.status = 'VERZONDEN' THEN r.teken ELSE 0 END) AS "status_VERZONDEN",
               sum(CASE WHEN r.status = 'ONTVANGEN' THEN r.teken ELSE 0 END) AS "status_ONTVANGEN",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEPLAND' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEPLAND",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEHOUDEN' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEHOUDEN",
               sum(CASE WHEN r.status = 'AFGEROND' THEN r.teken ELSE 0 END) AS "status_AFGEROND",
               sum(CASE WHEN r.status = 'INGETROKKEN' THEN r.teken ELSE 0 END) AS "status_INGETROKKEN",
               sum(CASE WHEN r.status = 'GEANNULEERD' THEN r.teken ELSE 0 END) AS "status_GEANNULEERD",
               sum(CASE WHEN r.toestemming_op < coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN r.toestemming_op >= coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN r.verzonden_op < coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN r.verzonden_op >= coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN r.ontvangen_op < coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN r.ontvangen_op >= coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_te_laat,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL THEN r.teken ELSE 0 END) AS vve_ontvangen,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL AND r.warme_overdracht_gehouden_op < r.eerste_schooldag THEN r.teken ELSE 0 END) AS vve_warm_voor_start,
               sum(CASE WHEN 'school_onbekend' = ANY(r.vlaggen) THEN r.teken ELSE 0 END) AS school_onbekend
        FROM (SELECT -1 AS teken, o.* FROM oud o) AS r
        GROUP BY 1, 2, 3, 4, 5
    )
    , w0 AS (
        INSERT INTO monitoring_cijfers AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    , w1 AS (
        INSERT INTO monitoring_cijfers_locatie AS c (gemeente_id, schooljaar, locatie_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id
        ON CONFLICT (gemeente_id, schooljaar, locatie_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    INSERT INTO monitoring_cijfers_school AS c (gemeente_id, schooljaar, school_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.school_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.school_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.school_id
        ON CONFLICT (gemeente_id, schooljaar, school_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               to_char(t.gedaan AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS maand,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS bevestigen_te_laat
        FROM (SELECT -1 AS teken, o.* FROM oud o) AS r
            CROSS JOIN LATERAL (VALUES ('toestemming', r.toestemming_op, coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity')), ('verzenden', r.verzonden_op, coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity')), ('bevestigen', r.ontvangen_op, coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity'))) AS t(stap, gedaan, deadline)
            WHERE t.gedaan IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    , w0 AS (
        INSERT INTO monitoring_trend AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    , w1 AS (
        INSERT INTO monitoring_trend_locatie AS c (gemeente_id, schooljaar, locatie_id, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    INSERT INTO monitoring_trend_gemeente AS c (gemeente_id, schooljaar, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.maand
        ON CONFLICT (gemeente_id, schooljaar, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat;
    UPDATE kinderen k SET heeft_overdracht = false FROM oud o
    WHERE k.id = o.kind_id AND k.heeft_overdracht
      AND NOT EXISTS (SELECT 1 FROM overdrachten x WHERE x.kind_id = k.id);
    RETURN NULL;
END
$$;

CREATE FUNCTION monitoring_na_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM monitoring_cijfers;
    DELETE FROM monitoring_cijfers_locatie;
    DELETE FROM monitoring_cijfers_school;
    DELETE FROM monitoring_trend;
    DELETE FROM monitoring_trend_locatie;
    DELETE FROM monitoring_trend_gemeente;
    RETURN NULL;
END
$$;

CREATE TRIGGER monitoring_na_insert AFTER INSERT ON overdrachten
    REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION monitoring_na_insert();
CREATE TRIGGER monitoring_na_update AFTER UPDATE ON overdrachten
    REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION monitoring_na_update();
CREATE TRIGGER monitoring_na_delete AFTER DELETE ON overdrachten
    REFERENCING OLD TABLE AS oud FOR EACH STATEMENT EXECUTE FUNCTION monitoring_na_delete();
CREATE TRIGGER monitoring_na_truncate AFTER TRUNCATE ON overdrachten
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_na_truncate();

-- The rows there are now (the triggers above hold every write from here on: CREATE TRIGGER has
-- locked the table against writes until this migration commits).
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               sum(CASE WHEN true THEN r.teken ELSE 0 END) AS aantal,
               sum(CASE WHEN r.status = 'CONCEPT' THEN r.teken ELSE 0 END) AS "status_CONCEPT",
               sum(CASE WHEN r.status = 'BIJ_OUDERS' THEN r.teken ELSE 0 END) AS "status_BIJ_OUDERS",
               sum(CASE WHEN r.status = 'GEWEIGERD' THEN r.teken ELSE 0 END) AS "status_GEWEIGERD",
               sum(CASE WHEN r.status = 'WACHT_OP_SCHOOL' THEN r.teken ELSE 0 END) AS "status_WACHT_OP_SCHOOL",
               sum(CASE WHEN r.status = 'GEREED_VOOR_VERZENDING' THEN r.teken ELSE 0 END) AS "status_GEREED_VOOR_VERZENDING",
               sum(CASE WHEN r.status = 'VERZONDEN' THEN r.teken ELSE 0 END) AS "status_VERZONDEN",
               sum(CASE WHEN r.status = 'ONTVANGEN' THEN r.teken ELSE 0 END) AS "status_ONTVANGEN",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEPLAND' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEPLAND",
               sum(CASE WHEN r.status = 'WARME_OVERDRACHT_GEHOUDEN' THEN r.teken ELSE 0 END) AS "status_WARME_OVERDRACHT_GEHOUDEN",
               sum(CASE WHEN r.status = 'AFGEROND' THEN r.teken ELSE 0 END) AS "status_AFGEROND",
               sum(CASE WHEN r.status = 'INGETROKKEN' THEN r.teken ELSE 0 END) AS "status_INGETROKKEN",
               sum(CASE WHEN r.status = 'GEANNULEERD' THEN r.teken ELSE 0 END) AS "status_GEANNULEERD",
               sum(CASE WHEN r.toestemming_op < coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN r.toestemming_op >= coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN r.verzonden_op < coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN r.verzonden_op >= coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN r.ontvangen_op < coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN r.ontvangen_op >= coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity') THEN r.teken ELSE 0 END) AS bevestigen_te_laat,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL THEN r.teken ELSE 0 END) AS vve_ontvangen,
               sum(CASE WHEN r.vve_indicatie AND r.ontvangen_op IS NOT NULL AND r.warme_overdracht_gehouden_op < r.eerste_schooldag THEN r.teken ELSE 0 END) AS vve_warm_voor_start,
               sum(CASE WHEN 'school_onbekend' = ANY(r.vlaggen) THEN r.teken ELSE 0 END) AS school_onbekend
        FROM (SELECT 1 AS teken, o.* FROM overdrachten o) AS r
        GROUP BY 1, 2, 3, 4, 5
    )
    , w0 AS (
        INSERT INTO monitoring_cijfers AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    , w1 AS (
        INSERT INTO monitoring_cijfers_locatie AS c (gemeente_id, schooljaar, locatie_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id
        ON CONFLICT (gemeente_id, schooljaar, locatie_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    INSERT INTO monitoring_cijfers_school AS c (gemeente_id, schooljaar, school_id, aantal, "status_CONCEPT", "status_BIJ_OUDERS", "status_GEWEIGERD", "status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING", "status_VERZONDEN", "status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND", "status_INGETROKKEN", "status_GEANNULEERD", toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.school_id, sum(d.aantal), sum(d."status_CONCEPT"), sum(d."status_BIJ_OUDERS"), sum(d."status_GEWEIGERD"), sum(d."status_WACHT_OP_SCHOOL"), sum(d."status_GEREED_VOOR_VERZENDING"), sum(d."status_VERZONDEN"), sum(d."status_ONTVANGEN"), sum(d."status_WARME_OVERDRACHT_GEPLAND"), sum(d."status_WARME_OVERDRACHT_GEHOUDEN"), sum(d."status_AFGEROND"), sum(d."status_INGETROKKEN"), sum(d."status_GEANNULEERD"), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.school_id
        HAVING sum(d.aantal) <> 0 OR sum(d."status_CONCEPT") <> 0 OR sum(d."status_BIJ_OUDERS") <> 0 OR sum(d."status_GEWEIGERD") <> 0 OR sum(d."status_WACHT_OP_SCHOOL") <> 0 OR sum(d."status_GEREED_VOOR_VERZENDING") <> 0 OR sum(d."status_VERZONDEN") <> 0 OR sum(d."status_ONTVANGEN") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEPLAND") <> 0 OR sum(d."status_WARME_OVERDRACHT_GEHOUDEN") <> 0 OR sum(d."status_AFGEROND") <> 0 OR sum(d."status_INGETROKKEN") <> 0 OR sum(d."status_GEANNULEERD") <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.school_id
        ON CONFLICT (gemeente_id, schooljaar, school_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, "status_CONCEPT" = c."status_CONCEPT" + EXCLUDED."status_CONCEPT", "status_BIJ_OUDERS" = c."status_BIJ_OUDERS" + EXCLUDED."status_BIJ_OUDERS", "status_GEWEIGERD" = c."status_GEWEIGERD" + EXCLUDED."status_GEWEIGERD", "status_WACHT_OP_SCHOOL" = c."status_WACHT_OP_SCHOOL" + EXCLUDED."status_WACHT_OP_SCHOOL", "status_GEREED_VOOR_VERZENDING" = c."status_GEREED_VOOR_VERZENDING" + EXCLUDED."status_GEREED_VOOR_VERZENDING", "status_VERZONDEN" = c."status_VERZONDEN" + EXCLUDED."status_VERZONDEN", "status_ONTVANGEN" = c."status_ONTVANGEN" + EXCLUDED."status_ONTVANGEN", "status_WARME_OVERDRACHT_GEPLAND" = c."status_WARME_OVERDRACHT_GEPLAND" + EXCLUDED."status_WARME_OVERDRACHT_GEPLAND", "status_WARME_OVERDRACHT_GEHOUDEN" = c."status_WARME_OVERDRACHT_GEHOUDEN" + EXCLUDED."status_WARME_OVERDRACHT_GEHOUDEN", "status_AFGEROND" = c."status_AFGEROND" + EXCLUDED."status_AFGEROND", "status_INGETROKKEN" = c."status_INGETROKKEN" + EXCLUDED."status_INGETROKKEN", "status_GEANNULEERD" = c."status_GEANNULEERD" + EXCLUDED."status_GEANNULEERD", toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
               to_char(t.gedaan AT TIME ZONE 'Europe/Amsterdam', 'YYYY-MM') AS maand,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS toestemming_op_tijd,
               sum(CASE WHEN t.stap = 'toestemming' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS toestemming_te_laat,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS verzenden_op_tijd,
               sum(CASE WHEN t.stap = 'verzenden' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS verzenden_te_laat,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan < t.deadline THEN r.teken ELSE 0 END) AS bevestigen_op_tijd,
               sum(CASE WHEN t.stap = 'bevestigen' AND t.gedaan >= t.deadline THEN r.teken ELSE 0 END) AS bevestigen_te_laat
        FROM (SELECT 1 AS teken, o.* FROM overdrachten o) AS r
            CROSS JOIN LATERAL (VALUES ('toestemming', r.toestemming_op, coalesce((r.deadlines->>'toestemming')::timestamptz, 'infinity')), ('verzenden', r.verzonden_op, coalesce((r.deadlines->>'verzenden')::timestamptz, 'infinity')), ('bevestigen', r.ontvangen_op, coalesce((r.deadlines->>'bevestigen')::timestamptz, 'infinity'))) AS t(stap, gedaan, deadline)
            WHERE t.gedaan IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6
    )
    , w0 AS (
        INSERT INTO monitoring_trend AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    , w1 AS (
        INSERT INTO monitoring_trend_locatie AS c (gemeente_id, schooljaar, locatie_id, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.maand
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat
    )
    INSERT INTO monitoring_trend_gemeente AS c (gemeente_id, schooljaar, maand, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat)
        SELECT d.gemeente_id, d.schooljaar, d.maand, sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.maand
        HAVING sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.maand
        ON CONFLICT (gemeente_id, schooljaar, maand) DO UPDATE SET
            toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat;
UPDATE kinderen k SET heeft_overdracht = true WHERE EXISTS (SELECT 1 FROM overdrachten o WHERE o.kind_id = k.id);

-- The API reads the totals; only the triggers write them.
REVOKE ALL ON monitoring_cijfers, monitoring_cijfers_locatie, monitoring_cijfers_school, monitoring_trend, monitoring_trend_locatie, monitoring_trend_gemeente FROM overdracht_api;
GRANT SELECT ON monitoring_cijfers, monitoring_cijfers_locatie, monitoring_cijfers_school, monitoring_trend, monitoring_trend_locatie, monitoring_trend_gemeente TO overdracht_api;
REVOKE ALL ON FUNCTION monitoring_na_insert(), monitoring_na_update(), monitoring_na_delete(),
    monitoring_na_truncate() FROM PUBLIC;

-- 4. The lists' filters and sorts (db/overdrachten.py), each served by an index in the caller's scope
-- (gemeente or location) and in the sort's order, so that a page reads about as many rows as it shows.
-- Overdue now (teLaat, vlag): the open flags, a small part of the rows.
CREATE INDEX overdrachten_te_laat_gemeente_idx ON overdrachten (gemeente_id, geopend_op, id)
    WHERE cardinality(open_vlaggen) > 0;
CREATE INDEX overdrachten_te_laat_locatie_idx ON overdrachten (locatie_id, geopend_op, id)
    WHERE cardinality(open_vlaggen) > 0;
-- A state, a next deadline or a school year asked for: the rows still open, those with a next deadline,
-- and a school year's, each in the default order (most rows are closed, and come first by date).
CREATE INDEX overdrachten_open_idx ON overdrachten (gemeente_id, geopend_op, id)
    WHERE status NOT IN ('AFGEROND', 'GEWEIGERD', 'INGETROKKEN', 'GEANNULEERD');
CREATE INDEX overdrachten_open_locatie_idx ON overdrachten (locatie_id, geopend_op, id)
    WHERE status NOT IN ('AFGEROND', 'GEWEIGERD', 'INGETROKKEN', 'GEANNULEERD');
CREATE INDEX overdrachten_met_deadline_idx ON overdrachten (gemeente_id, geopend_op, id)
    WHERE volgende_deadline IS NOT NULL;
CREATE INDEX overdrachten_schooljaar_geopend_idx ON overdrachten (gemeente_id, schooljaar, geopend_op, id);
DROP INDEX overdrachten_schooljaar_idx;
-- sort=volgendeDeadline and sort=achterstalligSinds: the sort key as the query writes it.
CREATE INDEX overdrachten_volgende_deadline_sort_idx ON overdrachten
    (gemeente_id, COALESCE(volgende_deadline, '9999-12-31 00:00:00+00'::timestamptz), id);
CREATE INDEX overdrachten_volgende_deadline_locatie_idx ON overdrachten
    (locatie_id, COALESCE(volgende_deadline, '9999-12-31 00:00:00+00'::timestamptz), id);
CREATE INDEX overdrachten_achterstallig_sort_idx ON overdrachten
    (gemeente_id, COALESCE(achterstallig_sinds, '9999-12-31 00:00:00+00'::timestamptz), id);
CREATE INDEX overdrachten_achterstallig_locatie_idx ON overdrachten
    (locatie_id, COALESCE(achterstallig_sinds, '9999-12-31 00:00:00+00'::timestamptz), id);
-- sort=-bijgewerktOp.
CREATE INDEX overdrachten_bijgewerkt_idx ON overdrachten (gemeente_id, bijgewerkt_op, id);
CREATE INDEX overdrachten_bijgewerkt_locatie_idx ON overdrachten (locatie_id, bijgewerkt_op, id);
-- Achterstanden: the index of migration 002 with the id, the page's order to the end.
CREATE INDEX overdrachten_achterstallig_id_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL;
DROP INDEX overdrachten_achterstallig_idx;
-- Achterstanden of one flag (db/monitoring.py writes that flag as this literal): one index per flag.
CREATE INDEX overdrachten_achterstallig_te_laat_toestemming_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL AND 'te_laat_toestemming' = ANY(open_vlaggen);
CREATE INDEX overdrachten_achterstallig_school_onbekend_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL AND 'school_onbekend' = ANY(open_vlaggen);
CREATE INDEX overdrachten_achterstallig_te_laat_verzenden_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL AND 'te_laat_verzenden' = ANY(open_vlaggen);
CREATE INDEX overdrachten_achterstallig_te_laat_bevestigen_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL AND 'te_laat_bevestigen' = ANY(open_vlaggen);
CREATE INDEX overdrachten_achterstallig_te_laat_warme_overdracht_idx ON overdrachten (gemeente_id, achterstallig_sinds, id)
    WHERE achterstallig_sinds IS NOT NULL AND 'te_laat_warme_overdracht' = ANY(open_vlaggen);
-- VVE children without an overdracht, by date of birth.
CREATE INDEX kinderen_zonder_overdracht_idx ON kinderen (geboortedatum) WHERE vve_indicatie AND NOT heeft_overdracht;
-- The import looks a child up by what identifies it (db/plaatsingen.py bekende_kinderen).
CREATE INDEX kinderen_sleutel_idx ON kinderen (locatie_id, geboortedatum);
