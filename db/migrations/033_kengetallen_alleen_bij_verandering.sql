-- The key figures' update trigger (027) returns at once when the statement changed nothing its totals
-- count. It summed the changed rows' old and new values all the same, and wrote nothing when they
-- cancelled out: on every saved draft, every new revision, every reminder noted, three aggregating
-- inserts over the transition tables, three for the trend, and two updates of kinderen, for nothing.
-- Saving a draft form (issue 14, P2) is the most frequent such write.
--
-- What it counts is exactly the columns checked below: every r.<column> its sums read, and kind_id for
-- kinderen.heeft_overdracht (tests/test_monitoring_totalen.py checks the two lists agree). A statement
-- that changes none of them on any row changes no total. The check is the one 029 gave the forecast's
-- trigger. The function is otherwise as 027 made it and 030 renamed its codes (pg_get_functiondef of it
-- after 032).

CREATE OR REPLACE FUNCTION public.monitoring_na_update()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
BEGIN
    -- Nothing a total counts changed (a saved draft, a new revision, a moved reminder): nothing to add.
    IF NOT EXISTS (
        SELECT 1 FROM nieuw n LEFT JOIN oud o ON o.id = n.id
        WHERE o.id IS NULL
           OR (n.deadlines, n.eerste_schooldag, n.gemeente_id, n.kind_id, n.locatie_id, n.ontvangen_op,
               n.school_id, n.schooljaar, n.status, n.toestemming_op, n.verzonden_op, n.vlaggen,
               n.vve_indicatie, n.warme_overdracht_gehouden_op)
              IS DISTINCT FROM
              (o.deadlines, o.eerste_schooldag, o.gemeente_id, o.kind_id, o.locatie_id, o.ontvangen_op,
               o.school_id, o.schooljaar, o.status, o.toestemming_op, o.verzonden_op, o.vlaggen,
               o.vve_indicatie, o.warme_overdracht_gehouden_op)
    ) THEN
        RETURN NULL;
    END IF;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('ingetrokken', 'geannuleerd')) AS school_ziet,
               sum(CASE WHEN true THEN r.teken ELSE 0 END) AS aantal,
               sum(CASE WHEN r.status = 'concept' THEN r.teken ELSE 0 END) AS status_concept,
               sum(CASE WHEN r.status = 'bij_ouders' THEN r.teken ELSE 0 END) AS status_bij_ouders,
               sum(CASE WHEN r.status = 'geweigerd' THEN r.teken ELSE 0 END) AS status_geweigerd,
               sum(CASE WHEN r.status = 'wacht_op_school' THEN r.teken ELSE 0 END) AS status_wacht_op_school,
               sum(CASE WHEN r.status = 'gereed_voor_verzending' THEN r.teken ELSE 0 END) AS status_gereed_voor_verzending,
               sum(CASE WHEN r.status = 'verzonden' THEN r.teken ELSE 0 END) AS status_verzonden,
               sum(CASE WHEN r.status = 'ontvangen' THEN r.teken ELSE 0 END) AS status_ontvangen,
               sum(CASE WHEN r.status = 'warme_overdracht_gepland' THEN r.teken ELSE 0 END) AS status_warme_overdracht_gepland,
               sum(CASE WHEN r.status = 'warme_overdracht_gehouden' THEN r.teken ELSE 0 END) AS status_warme_overdracht_gehouden,
               sum(CASE WHEN r.status = 'afgerond' THEN r.teken ELSE 0 END) AS status_afgerond,
               sum(CASE WHEN r.status = 'ingetrokken' THEN r.teken ELSE 0 END) AS status_ingetrokken,
               sum(CASE WHEN r.status = 'geannuleerd' THEN r.teken ELSE 0 END) AS status_geannuleerd,
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
        INSERT INTO monitoring_cijfers AS c (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, aantal, status_concept, status_bij_ouders, status_geweigerd, status_wacht_op_school, status_gereed_voor_verzending, status_verzonden, status_ontvangen, status_warme_overdracht_gepland, status_warme_overdracht_gehouden, status_afgerond, status_ingetrokken, status_geannuleerd, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet, sum(d.aantal), sum(d.status_concept), sum(d.status_bij_ouders), sum(d.status_geweigerd), sum(d.status_wacht_op_school), sum(d.status_gereed_voor_verzending), sum(d.status_verzonden), sum(d.status_ontvangen), sum(d.status_warme_overdracht_gepland), sum(d.status_warme_overdracht_gehouden), sum(d.status_afgerond), sum(d.status_ingetrokken), sum(d.status_geannuleerd), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        HAVING sum(d.aantal) <> 0 OR sum(d.status_concept) <> 0 OR sum(d.status_bij_ouders) <> 0 OR sum(d.status_geweigerd) <> 0 OR sum(d.status_wacht_op_school) <> 0 OR sum(d.status_gereed_voor_verzending) <> 0 OR sum(d.status_verzonden) <> 0 OR sum(d.status_ontvangen) <> 0 OR sum(d.status_warme_overdracht_gepland) <> 0 OR sum(d.status_warme_overdracht_gehouden) <> 0 OR sum(d.status_afgerond) <> 0 OR sum(d.status_ingetrokken) <> 0 OR sum(d.status_geannuleerd) <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id, d.school_id, d.school_ziet
        ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, status_concept = c.status_concept + EXCLUDED.status_concept, status_bij_ouders = c.status_bij_ouders + EXCLUDED.status_bij_ouders, status_geweigerd = c.status_geweigerd + EXCLUDED.status_geweigerd, status_wacht_op_school = c.status_wacht_op_school + EXCLUDED.status_wacht_op_school, status_gereed_voor_verzending = c.status_gereed_voor_verzending + EXCLUDED.status_gereed_voor_verzending, status_verzonden = c.status_verzonden + EXCLUDED.status_verzonden, status_ontvangen = c.status_ontvangen + EXCLUDED.status_ontvangen, status_warme_overdracht_gepland = c.status_warme_overdracht_gepland + EXCLUDED.status_warme_overdracht_gepland, status_warme_overdracht_gehouden = c.status_warme_overdracht_gehouden + EXCLUDED.status_warme_overdracht_gehouden, status_afgerond = c.status_afgerond + EXCLUDED.status_afgerond, status_ingetrokken = c.status_ingetrokken + EXCLUDED.status_ingetrokken, status_geannuleerd = c.status_geannuleerd + EXCLUDED.status_geannuleerd, toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    , w1 AS (
        INSERT INTO monitoring_cijfers_locatie AS c (gemeente_id, schooljaar, locatie_id, aantal, status_concept, status_bij_ouders, status_geweigerd, status_wacht_op_school, status_gereed_voor_verzending, status_verzonden, status_ontvangen, status_warme_overdracht_gepland, status_warme_overdracht_gehouden, status_afgerond, status_ingetrokken, status_geannuleerd, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.locatie_id, sum(d.aantal), sum(d.status_concept), sum(d.status_bij_ouders), sum(d.status_geweigerd), sum(d.status_wacht_op_school), sum(d.status_gereed_voor_verzending), sum(d.status_verzonden), sum(d.status_ontvangen), sum(d.status_warme_overdracht_gepland), sum(d.status_warme_overdracht_gehouden), sum(d.status_afgerond), sum(d.status_ingetrokken), sum(d.status_geannuleerd), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.locatie_id
        HAVING sum(d.aantal) <> 0 OR sum(d.status_concept) <> 0 OR sum(d.status_bij_ouders) <> 0 OR sum(d.status_geweigerd) <> 0 OR sum(d.status_wacht_op_school) <> 0 OR sum(d.status_gereed_voor_verzending) <> 0 OR sum(d.status_verzonden) <> 0 OR sum(d.status_ontvangen) <> 0 OR sum(d.status_warme_overdracht_gepland) <> 0 OR sum(d.status_warme_overdracht_gehouden) <> 0 OR sum(d.status_afgerond) <> 0 OR sum(d.status_ingetrokken) <> 0 OR sum(d.status_geannuleerd) <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.locatie_id
        ON CONFLICT (gemeente_id, schooljaar, locatie_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, status_concept = c.status_concept + EXCLUDED.status_concept, status_bij_ouders = c.status_bij_ouders + EXCLUDED.status_bij_ouders, status_geweigerd = c.status_geweigerd + EXCLUDED.status_geweigerd, status_wacht_op_school = c.status_wacht_op_school + EXCLUDED.status_wacht_op_school, status_gereed_voor_verzending = c.status_gereed_voor_verzending + EXCLUDED.status_gereed_voor_verzending, status_verzonden = c.status_verzonden + EXCLUDED.status_verzonden, status_ontvangen = c.status_ontvangen + EXCLUDED.status_ontvangen, status_warme_overdracht_gepland = c.status_warme_overdracht_gepland + EXCLUDED.status_warme_overdracht_gepland, status_warme_overdracht_gehouden = c.status_warme_overdracht_gehouden + EXCLUDED.status_warme_overdracht_gehouden, status_afgerond = c.status_afgerond + EXCLUDED.status_afgerond, status_ingetrokken = c.status_ingetrokken + EXCLUDED.status_ingetrokken, status_geannuleerd = c.status_geannuleerd + EXCLUDED.status_geannuleerd, toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend
    )
    INSERT INTO monitoring_cijfers_school AS c (gemeente_id, schooljaar, school_id, aantal, status_concept, status_bij_ouders, status_geweigerd, status_wacht_op_school, status_gereed_voor_verzending, status_verzonden, status_ontvangen, status_warme_overdracht_gepland, status_warme_overdracht_gehouden, status_afgerond, status_ingetrokken, status_geannuleerd, toestemming_op_tijd, toestemming_te_laat, verzenden_op_tijd, verzenden_te_laat, bevestigen_op_tijd, bevestigen_te_laat, vve_ontvangen, vve_warm_voor_start, school_onbekend)
        SELECT d.gemeente_id, d.schooljaar, d.school_id, sum(d.aantal), sum(d.status_concept), sum(d.status_bij_ouders), sum(d.status_geweigerd), sum(d.status_wacht_op_school), sum(d.status_gereed_voor_verzending), sum(d.status_verzonden), sum(d.status_ontvangen), sum(d.status_warme_overdracht_gepland), sum(d.status_warme_overdracht_gehouden), sum(d.status_afgerond), sum(d.status_ingetrokken), sum(d.status_geannuleerd), sum(d.toestemming_op_tijd), sum(d.toestemming_te_laat), sum(d.verzenden_op_tijd), sum(d.verzenden_te_laat), sum(d.bevestigen_op_tijd), sum(d.bevestigen_te_laat), sum(d.vve_ontvangen), sum(d.vve_warm_voor_start), sum(d.school_onbekend)
        FROM d GROUP BY d.gemeente_id, d.schooljaar, d.school_id
        HAVING sum(d.aantal) <> 0 OR sum(d.status_concept) <> 0 OR sum(d.status_bij_ouders) <> 0 OR sum(d.status_geweigerd) <> 0 OR sum(d.status_wacht_op_school) <> 0 OR sum(d.status_gereed_voor_verzending) <> 0 OR sum(d.status_verzonden) <> 0 OR sum(d.status_ontvangen) <> 0 OR sum(d.status_warme_overdracht_gepland) <> 0 OR sum(d.status_warme_overdracht_gehouden) <> 0 OR sum(d.status_afgerond) <> 0 OR sum(d.status_ingetrokken) <> 0 OR sum(d.status_geannuleerd) <> 0 OR sum(d.toestemming_op_tijd) <> 0 OR sum(d.toestemming_te_laat) <> 0 OR sum(d.verzenden_op_tijd) <> 0 OR sum(d.verzenden_te_laat) <> 0 OR sum(d.bevestigen_op_tijd) <> 0 OR sum(d.bevestigen_te_laat) <> 0 OR sum(d.vve_ontvangen) <> 0 OR sum(d.vve_warm_voor_start) <> 0 OR sum(d.school_onbekend) <> 0
        ORDER BY d.gemeente_id, d.schooljaar, d.school_id
        ON CONFLICT (gemeente_id, schooljaar, school_id) DO UPDATE SET
            aantal = c.aantal + EXCLUDED.aantal, status_concept = c.status_concept + EXCLUDED.status_concept, status_bij_ouders = c.status_bij_ouders + EXCLUDED.status_bij_ouders, status_geweigerd = c.status_geweigerd + EXCLUDED.status_geweigerd, status_wacht_op_school = c.status_wacht_op_school + EXCLUDED.status_wacht_op_school, status_gereed_voor_verzending = c.status_gereed_voor_verzending + EXCLUDED.status_gereed_voor_verzending, status_verzonden = c.status_verzonden + EXCLUDED.status_verzonden, status_ontvangen = c.status_ontvangen + EXCLUDED.status_ontvangen, status_warme_overdracht_gepland = c.status_warme_overdracht_gepland + EXCLUDED.status_warme_overdracht_gepland, status_warme_overdracht_gehouden = c.status_warme_overdracht_gehouden + EXCLUDED.status_warme_overdracht_gehouden, status_afgerond = c.status_afgerond + EXCLUDED.status_afgerond, status_ingetrokken = c.status_ingetrokken + EXCLUDED.status_ingetrokken, status_geannuleerd = c.status_geannuleerd + EXCLUDED.status_geannuleerd, toestemming_op_tijd = c.toestemming_op_tijd + EXCLUDED.toestemming_op_tijd, toestemming_te_laat = c.toestemming_te_laat + EXCLUDED.toestemming_te_laat, verzenden_op_tijd = c.verzenden_op_tijd + EXCLUDED.verzenden_op_tijd, verzenden_te_laat = c.verzenden_te_laat + EXCLUDED.verzenden_te_laat, bevestigen_op_tijd = c.bevestigen_op_tijd + EXCLUDED.bevestigen_op_tijd, bevestigen_te_laat = c.bevestigen_te_laat + EXCLUDED.bevestigen_te_laat, vve_ontvangen = c.vve_ontvangen + EXCLUDED.vve_ontvangen, vve_warm_voor_start = c.vve_warm_voor_start + EXCLUDED.vve_warm_voor_start, school_onbekend = c.school_onbekend + EXCLUDED.school_onbekend;
    WITH d AS MATERIALIZED (
        SELECT r.gemeente_id AS gemeente_id,
               r.schooljaar AS schooljaar,
               r.locatie_id AS locatie_id,
               r.school_id AS school_id,
               (r.verzonden_op IS NOT NULL AND r.status NOT IN ('ingetrokken', 'geannuleerd')) AS school_ziet,
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
$function$;
