-- The coordinator's forecast per location and per school from totals per week (issue 14).
--
-- Why. The forecast of a whole gemeente (GET /v1/monitoring/prognose) sums 029's roll-ups per location
-- and per school over the moments of its window. A deadline ends at the end of a day, so a location has
-- a total per day and school year: at a million overdrachten, eight weeks are some 10,600 rows per
-- location and 6,500 per school to read and sum on every call (14–20 ms of the page's 30). The weeks
-- after the current one are whole: the same counts per (gemeente, ISO week, school year, location) and
-- per school answer them from a seventh of the rows. The current week is still summed per moment from
-- 029's roll-ups, since only what ends after now is forecast.
--
-- A moment's week is the week of the day it ends at the end of (as db/monitoring._weken bounds them):
-- a deadline that ends at midnight after a Sunday is in that Sunday's week. Kept by 029's trigger, whose
-- statement now writes these two tables after its four, in key order, in the writing transaction.

-- Writes wait until this migration commits: none is counted in one table and missed in another.
LOCK TABLE overdrachten IN SHARE ROW EXCLUSIVE MODE;

CREATE FUNCTION monitoring_week(moment timestamptz) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT date_trunc('week', (moment - interval '1 microsecond') AT TIME ZONE 'Europe/Amsterdam')::date
$$;

CREATE TABLE monitoring_prognose_locatie_week (
    gemeente_id uuid NOT NULL,
    week        date NOT NULL,
    schooljaar  text,
    locatie_id  uuid NOT NULL,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_locatie_week_sleutel ON monitoring_prognose_locatie_week
    (gemeente_id, week, schooljaar, locatie_id) NULLS NOT DISTINCT;

CREATE TABLE monitoring_prognose_school_week (
    gemeente_id uuid NOT NULL,
    week        date NOT NULL,
    schooljaar  text,
    school_id   uuid,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_school_week_sleutel ON monitoring_prognose_school_week
    (gemeente_id, week, schooljaar, school_id) NULLS NOT DISTINCT;

CREATE OR REPLACE FUNCTION monitoring_prognose_delta(rijen text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format($sql$
        WITH d AS MATERIALIZED (
            SELECT r.gemeente_id, r.schooljaar, r.locatie_id, r.school_id,
                   (r.verzonden_op IS NOT NULL AND r.status NOT IN ('ingetrokken', 'geannuleerd')) AS school_ziet,
                   e.key AS deadline, e.value::timestamptz AS moment, sum(r.teken)::integer AS aantal
            FROM (%s) AS r CROSS JOIN LATERAL jsonb_each_text(r.deadlines) AS e
            WHERE overdracht_deadline_open(e.key, r.status, r.school_id, r.verzonden_op,
                                           r.warme_overdracht_vereist, r.warme_overdracht_gehouden_op)
            GROUP BY 1, 2, 3, 4, 5, 6, 7
            HAVING sum(r.teken) <> 0
        ), volledig AS (
            INSERT INTO monitoring_prognose AS c
                (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, deadline, moment, aantal)
            SELECT * FROM d ORDER BY 1, 2, 3, 4, 5, 6, 7
            ON CONFLICT (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, deadline, moment)
            DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
        ), per_gemeente AS (
            INSERT INTO monitoring_prognose_gemeente AS c (gemeente_id, moment, schooljaar, deadline, aantal)
            SELECT gemeente_id, moment, schooljaar, deadline, sum(aantal)
            FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (gemeente_id, moment, schooljaar, deadline) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
        ), per_locatie AS (
            INSERT INTO monitoring_prognose_locatie AS c (gemeente_id, moment, schooljaar, locatie_id, aantal)
            SELECT gemeente_id, moment, schooljaar, locatie_id, sum(aantal)
            FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (gemeente_id, moment, schooljaar, locatie_id) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
        ), per_school AS (
            INSERT INTO monitoring_prognose_school AS c (gemeente_id, moment, schooljaar, school_id, aantal)
            SELECT gemeente_id, moment, schooljaar, school_id, sum(aantal)
            FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (gemeente_id, moment, schooljaar, school_id) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
        ), per_locatie_week AS (
            INSERT INTO monitoring_prognose_locatie_week AS c (gemeente_id, week, schooljaar, locatie_id, aantal)
            SELECT gemeente_id, monitoring_week(moment), schooljaar, locatie_id, sum(aantal)
            FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
            ON CONFLICT (gemeente_id, week, schooljaar, locatie_id) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
        )
        INSERT INTO monitoring_prognose_school_week AS c (gemeente_id, week, schooljaar, school_id, aantal)
        SELECT gemeente_id, monitoring_week(moment), schooljaar, school_id, sum(aantal)
        FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (gemeente_id, week, schooljaar, school_id) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
    $sql$, rijen)
$$;

CREATE OR REPLACE FUNCTION monitoring_prognose_na_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM monitoring_prognose;
    DELETE FROM monitoring_prognose_gemeente;
    DELETE FROM monitoring_prognose_locatie;
    DELETE FROM monitoring_prognose_school;
    DELETE FROM monitoring_prognose_locatie_week;
    DELETE FROM monitoring_prognose_school_week;
    RETURN NULL;
END
$$;

-- The weeks of what 029's roll-ups hold now (past moments too: a total is a total, read or not).
INSERT INTO monitoring_prognose_locatie_week (gemeente_id, week, schooljaar, locatie_id, aantal)
SELECT gemeente_id, monitoring_week(moment), schooljaar, locatie_id, sum(aantal)
FROM monitoring_prognose_locatie GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0;
INSERT INTO monitoring_prognose_school_week (gemeente_id, week, schooljaar, school_id, aantal)
SELECT gemeente_id, monitoring_week(moment), schooljaar, school_id, sum(aantal)
FROM monitoring_prognose_school GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0;
ANALYZE monitoring_prognose_locatie_week, monitoring_prognose_school_week;

-- The API's role reads the totals and writes none (migration 007's default privileges gave it more).
REVOKE ALL ON monitoring_prognose_locatie_week, monitoring_prognose_school_week FROM overdracht_api;
GRANT SELECT ON monitoring_prognose_locatie_week, monitoring_prognose_school_week TO overdracht_api;
REVOKE ALL ON FUNCTION monitoring_week(timestamptz) FROM PUBLIC;
