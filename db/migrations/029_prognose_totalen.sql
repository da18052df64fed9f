-- The deadline forecast at a million overdrachten (issue 14): the open deadlines counted per moment,
-- kept exact on every write, as migration 027 keeps the key figures.
--
-- Why. The forecast (GET /v1/monitoring/prognose) counts the deadlines of steps still open that fall due
-- in the coming weeks, per week and deadline, per location and per school. Counted from the rows, it
-- unfolds every open overdracht's deadlines (jsonb) on every call: 2.7 s at 1,000,000 rows with 470,000
-- open. The counts only change when a row changes, so they are kept per (gemeente, school year,
-- location, school, whether the school sees it, deadline, moment) here, and in three roll-ups for the
-- coordinator's whole gemeente. A question then sums the rows of its window: the
-- key carries the exact moment a deadline ends, so "after now" is as exact as it is on the rows.
--
-- Whether a deadline's step is still open is one SQL function, overdracht_deadline_open(), used by these
-- totals and by the count from the rows (db/monitoring.py); tests/test_prognose.py holds it to the
-- workflow's own rule (workflows/deadlines.is_open), end states included.
--
-- Kept by statement-level triggers with transition tables, in the writing transaction, as 027's (its
-- comment explains the locking and the cost). One function serves the three events: the statement that
-- adds the new rows and takes away the old ones is the same, only its rows differ.
--
-- A total that falls back to 0 stays as a row (a delete would race a writer adding to it). Those with a
-- moment in the past are never read again: every question asks for moments after now, through the
-- (…, moment) indexes. At most about five per overdracht ever opened; `DELETE … WHERE aantal = 0 AND
-- moment < now()` removes them at any time without changing an answer.

CREATE FUNCTION overdracht_deadline_open(
    deadline text, status text, school_id uuid, verzonden_op timestamptz,
    warme_overdracht_vereist boolean, warme_overdracht_gehouden_op date
) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT status NOT IN ('AFGEROND', 'GEWEIGERD', 'INGETROKKEN', 'GEANNULEERD') AND CASE deadline
        WHEN 'toestemming' THEN status IN ('CONCEPT', 'BIJ_OUDERS')
        WHEN 'school_bekend' THEN school_id IS NULL
        WHEN 'verzenden' THEN verzonden_op IS NULL
        WHEN 'bevestigen' THEN status = 'VERZONDEN'
        WHEN 'warme_overdracht' THEN warme_overdracht_vereist AND warme_overdracht_gehouden_op IS NULL
        ELSE false END
$$;

CREATE TABLE monitoring_prognose (
    gemeente_id uuid NOT NULL,
    schooljaar  text,
    locatie_id  uuid NOT NULL,
    school_id   uuid,
    school_ziet boolean NOT NULL,
    deadline    text NOT NULL,
    moment      timestamptz NOT NULL,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_sleutel ON monitoring_prognose
    (gemeente_id, schooljaar, locatie_id, school_id, school_ziet, deadline, moment) NULLS NOT DISTINCT;
CREATE INDEX monitoring_prognose_moment_idx ON monitoring_prognose (gemeente_id, moment);
CREATE INDEX monitoring_prognose_locatie_moment_idx ON monitoring_prognose (locatie_id, moment);
CREATE INDEX monitoring_prognose_school_moment_idx ON monitoring_prognose (school_id, moment) WHERE school_ziet;

-- The roll-ups for the coordinator's whole gemeente: what the forecast shows of it, per deadline, per
-- location and per school, each by moment (some ten thousand rows in a window of eight weeks at a
-- million overdrachten, where the full key has some fifty thousand).
CREATE TABLE monitoring_prognose_gemeente (
    gemeente_id uuid NOT NULL,
    schooljaar  text,
    deadline    text NOT NULL,
    moment      timestamptz NOT NULL,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_gemeente_sleutel ON monitoring_prognose_gemeente
    (gemeente_id, moment, schooljaar, deadline) NULLS NOT DISTINCT;

CREATE TABLE monitoring_prognose_locatie (
    gemeente_id uuid NOT NULL,
    schooljaar  text,
    locatie_id  uuid NOT NULL,
    moment      timestamptz NOT NULL,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_locatie_sleutel ON monitoring_prognose_locatie
    (gemeente_id, moment, schooljaar, locatie_id) NULLS NOT DISTINCT;

CREATE TABLE monitoring_prognose_school (
    gemeente_id uuid NOT NULL,
    schooljaar  text,
    school_id   uuid,
    moment      timestamptz NOT NULL,
    aantal      integer NOT NULL
);
CREATE UNIQUE INDEX monitoring_prognose_school_sleutel ON monitoring_prognose_school
    (gemeente_id, moment, schooljaar, school_id) NULLS NOT DISTINCT;

-- The statement that adds the counts of `rijen` (a query of overdrachten rows with a column teken: +1 to
-- add, -1 to take away) to the three tables; only totals that change are written, in key order (027:
-- why). The trigger runs it itself: a transition table is visible to the trigger function's own
-- statements only, not to a function it calls.
CREATE FUNCTION monitoring_prognose_delta(rijen text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format($sql$
        WITH d AS MATERIALIZED (
            SELECT r.gemeente_id, r.schooljaar, r.locatie_id, r.school_id,
                   (r.verzonden_op IS NOT NULL AND r.status NOT IN ('INGETROKKEN', 'GEANNULEERD')) AS school_ziet,
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
        )
        INSERT INTO monitoring_prognose_school AS c (gemeente_id, moment, schooljaar, school_id, aantal)
        SELECT gemeente_id, moment, schooljaar, school_id, sum(aantal)
        FROM d GROUP BY 1, 2, 3, 4 HAVING sum(aantal) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (gemeente_id, moment, schooljaar, school_id) DO UPDATE SET aantal = c.aantal + EXCLUDED.aantal
    $sql$, rijen)
$$;

-- The trigger: the transition tables are visible to the statements the trigger runs, dynamic ones too.
-- Most writes of the workflow (a saved form, a new revision) change nothing a forecast counts: those
-- return at once, with a statement planned once per session, where the dynamic one is planned each time.
-- SECURITY DEFINER: whoever writes overdrachten keeps the totals; the API's role may only read them.
CREATE FUNCTION monitoring_prognose_bij() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- (Two IFs: the condition is one query, planned whole, and an INSERT's trigger has no table oud.)
    IF TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT 1 FROM nieuw n LEFT JOIN oud o ON o.id = n.id
            WHERE o.id IS NULL
               OR (n.gemeente_id, n.schooljaar, n.locatie_id, n.school_id, n.verzonden_op, n.status, n.deadlines,
                   n.warme_overdracht_vereist, n.warme_overdracht_gehouden_op)
                  IS DISTINCT FROM
                  (o.gemeente_id, o.schooljaar, o.locatie_id, o.school_id, o.verzonden_op, o.status, o.deadlines,
                   o.warme_overdracht_vereist, o.warme_overdracht_gehouden_op)
        ) THEN
            RETURN NULL;
        END IF;
    END IF;
    EXECUTE monitoring_prognose_delta(CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT 1 AS teken, n.* FROM nieuw n'
        WHEN 'DELETE' THEN 'SELECT -1 AS teken, o.* FROM oud o'
        ELSE 'SELECT 1 AS teken, n.* FROM nieuw n UNION ALL SELECT -1, o.* FROM oud o' END);
    RETURN NULL;
END
$$;

CREATE FUNCTION monitoring_prognose_na_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM monitoring_prognose;
    DELETE FROM monitoring_prognose_gemeente;
    DELETE FROM monitoring_prognose_locatie;
    DELETE FROM monitoring_prognose_school;
    RETURN NULL;
END
$$;

CREATE TRIGGER monitoring_prognose_na_insert AFTER INSERT ON overdrachten
    REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION monitoring_prognose_bij();
CREATE TRIGGER monitoring_prognose_na_update AFTER UPDATE ON overdrachten
    REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw FOR EACH STATEMENT EXECUTE FUNCTION monitoring_prognose_bij();
CREATE TRIGGER monitoring_prognose_na_delete AFTER DELETE ON overdrachten
    REFERENCING OLD TABLE AS oud FOR EACH STATEMENT EXECUTE FUNCTION monitoring_prognose_bij();
CREATE TRIGGER monitoring_prognose_na_truncate AFTER TRUNCATE ON overdrachten
    FOR EACH STATEMENT EXECUTE FUNCTION monitoring_prognose_na_truncate();

-- The open deadlines there are now (CREATE TRIGGER has locked the table against writes until this
-- migration commits, so none is counted twice or missed).
DO $$ BEGIN
    EXECUTE monitoring_prognose_delta('SELECT 1 AS teken, o.* FROM overdrachten o WHERE o.deadlines <> ''{}''::jsonb');
END $$;

-- The API's role reads the totals and writes none (migration 007's default privileges gave it more).
REVOKE ALL ON monitoring_prognose, monitoring_prognose_gemeente, monitoring_prognose_locatie, monitoring_prognose_school FROM overdracht_api;
GRANT SELECT ON monitoring_prognose, monitoring_prognose_gemeente, monitoring_prognose_locatie, monitoring_prognose_school TO overdracht_api;
REVOKE ALL ON FUNCTION monitoring_prognose_delta(text), monitoring_prognose_bij(), monitoring_prognose_na_truncate()
    FROM PUBLIC;
