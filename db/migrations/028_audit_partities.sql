-- The audit trail, partitioned by month and one row per request (issue 14).
--
-- A row names every subject it touched: `kind_ids` and `overdracht_ids` (opaque ids, as before, now as
-- arrays) replace `kind_id` and `overdracht_id`, so a list or a download of 30,000 overdrachten is one
-- row, not 30,000. GIN indexes find every row that names a child or an overdracht (the inzage-log).
--
-- The table is partitioned by range on `tijdstip`, one partition per calendar month (UTC), so that the
-- retention term (docs/privacy.md: 60 months) is kept by dropping whole partitions: a DROP, never a
-- DELETE, and only by the owner. A DEFAULT partition catches a row whose month has no partition yet;
-- `audit_log_ensure_partitions` (here, and every hour from the worker: db/audit.py `maintain`) makes the
-- coming months' partitions and moves any such row into its month's.
--
-- Append-only as before: the row triggers of the partitioned table (cloned onto every partition) refuse
-- UPDATE and DELETE for everyone, a TRUNCATE trigger on the table and on every partition refuses
-- TRUNCATE, and the API's role, overdracht_api, may only INSERT and SELECT through `audit_log` (nothing
-- on a partition itself: the default privileges of migration 007 are revoked from each one it gets).
-- It owns nothing, so it can neither DROP nor DETACH a partition, nor run the functions below.

-- The old table makes way; its rows are copied, with their ids, below.
ALTER TABLE audit_log RENAME TO audit_log_007;
ALTER SEQUENCE audit_log_id_seq RENAME TO audit_log_007_id_seq;
ALTER INDEX audit_log_pkey RENAME TO audit_log_007_pkey;
ALTER INDEX audit_log_kind_idx RENAME TO audit_log_007_kind_idx;
ALTER INDEX audit_log_overdracht_idx RENAME TO audit_log_007_overdracht_idx;
ALTER INDEX audit_log_gemeente_tijdstip_idx RENAME TO audit_log_007_gemeente_tijdstip_idx;

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    tijdstip       timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Who. No foreign keys: the log outlives accounts and children (a purge removes both).
    gebruiker_id   uuid NOT NULL,
    rol            text NOT NULL,
    gemeente_id    uuid NOT NULL,  -- whose privacy officer exports the row
    organisatie_id uuid,           -- the user's location, school or gemeente then (a parent: none)
    -- Whose data: every child (opaque id) and every overdracht the request touched; none for a row that
    -- is about no child (an organisation's change, the export itself).
    kind_ids       uuid[] NOT NULL DEFAULT '{}',
    overdracht_ids uuid[] NOT NULL DEFAULT '{}',
    -- What and why.
    actie          text NOT NULL CHECK (actie IN ('lezen', 'wijzigen', 'importeren', 'exporteren', 'aanmelden')),
    onderwerp      text NOT NULL,
    velden         text[] NOT NULL DEFAULT '{}',
    grondslag      text NOT NULL,  -- the capability used (api/deps.py)
    resultaat      smallint NOT NULL,  -- the HTTP status answered
    request_id     text,
    -- The partition key is part of every unique key of a partitioned table.
    PRIMARY KEY (id, tijdstip),
    CHECK (array_position(kind_ids, NULL) IS NULL AND array_position(overdracht_ids, NULL) IS NULL)
) PARTITION BY RANGE (tijdstip);

CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

-- A partition's own TRUNCATE trigger (statement triggers are not cloned onto partitions) and no
-- privileges for the API's role on it: it reads and appends through audit_log only.
CREATE FUNCTION audit_log_seal_partition(partition regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %s'
                   ' FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()', partition);
    EXECUTE format('REVOKE ALL ON %s FROM overdracht_api', partition);
END
$$;

-- The partition of the month that starts on `month` (a first of the month, UTC): `audit_log_YYYY_MM`.
-- False when it exists already. Its month must not have rows in the DEFAULT partition (PostgreSQL
-- refuses it): `audit_log_ensure_partitions` moves those first.
CREATE FUNCTION audit_log_create_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    first date := date_trunc('month', month)::date;
    name text := 'audit_log_' || to_char(first, 'YYYY_MM');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)', name,
                   first::timestamp AT TIME ZONE 'UTC', (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    PERFORM audit_log_seal_partition(name::regclass);
    RETURN true;
END
$$;

-- The partitions of this month and the `months_ahead` after it, and of every month that has rows in the
-- DEFAULT partition (maintenance did not run for a while); those rows are then moved into them, with
-- their ids: the DEFAULT partition is detached, its rows inserted again through audit_log, and the
-- detached table dropped (no row is updated or deleted). Returns how many partitions it made.
CREATE FUNCTION audit_log_ensure_partitions(months_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    made integer := 0;
    month date;
    stray boolean;
BEGIN
    -- One at a time (two workers' rounds may meet); the lock ends with the transaction.
    PERFORM pg_advisory_xact_lock(7203118, 28);
    SELECT EXISTS (SELECT FROM audit_log_default) INTO stray;
    IF stray THEN
        LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE;
        ALTER TABLE audit_log DETACH PARTITION audit_log_default;
        ALTER TABLE audit_log_default RENAME TO audit_log_default_moving;
        CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
        PERFORM audit_log_seal_partition('audit_log_default'::regclass);
        FOR month IN
            SELECT DISTINCT date_trunc('month', tijdstip AT TIME ZONE 'UTC')::date FROM audit_log_default_moving
        LOOP
            IF audit_log_create_partition(month) THEN
                made := made + 1;
            END IF;
        END LOOP;
        INSERT INTO audit_log OVERRIDING SYSTEM VALUE SELECT * FROM audit_log_default_moving;
        DROP TABLE audit_log_default_moving;
    END IF;
    FOR i IN 0..months_ahead LOOP
        IF audit_log_create_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date) THEN
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END
$$;

-- The retention term: drops every month's partition that ends at or before `now() - keep_months`
-- (wholly past the term; a partition still holding a younger row stays). Returns the names dropped.
-- Only the owner can: DROP needs ownership, which the API's role never has.
CREATE FUNCTION audit_log_drop_partitions(keep_months integer) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    part record;
    cutoff timestamptz := now() - make_interval(months => keep_months);
BEGIN
    IF keep_months IS NULL OR keep_months < 1 THEN
        RAISE EXCEPTION 'a retention term of % months is not one', keep_months;
    END IF;
    PERFORM pg_advisory_xact_lock(7203118, 28);
    FOR part IN
        SELECT c.oid::regclass::text AS name,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_log'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
        ORDER BY 2
    LOOP
        IF part.upper <= cutoff THEN
            EXECUTE format('DROP TABLE %s', part.name);
            RETURN NEXT part.name;
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION audit_log_seal_partition(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_log_create_partition(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_log_ensure_partitions(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_log_drop_partitions(integer) FROM PUBLIC;

-- Append-only, as migration 007 made it: the row triggers are cloned onto every partition.
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
SELECT audit_log_seal_partition('audit_log_default'::regclass);

-- Every month the old rows fall in, and the coming ones; then the rows, with their ids.
SELECT audit_log_create_partition(m)
FROM (SELECT DISTINCT date_trunc('month', tijdstip AT TIME ZONE 'UTC')::date AS m FROM audit_log_007) AS months;
SELECT audit_log_ensure_partitions(3);

INSERT INTO audit_log
    (id, tijdstip, gebruiker_id, rol, gemeente_id, organisatie_id, kind_ids, overdracht_ids, actie, onderwerp,
     velden, grondslag, resultaat, request_id)
OVERRIDING SYSTEM VALUE
SELECT id, tijdstip, gebruiker_id, rol, gemeente_id, organisatie_id,
       CASE WHEN kind_id IS NULL THEN '{}' ELSE ARRAY[kind_id] END,
       CASE WHEN overdracht_id IS NULL THEN '{}' ELSE ARRAY[overdracht_id] END,
       actie, onderwerp, velden, grondslag, resultaat, request_id
FROM audit_log_007;

SELECT setval(pg_get_serial_sequence('audit_log', 'id'), COALESCE((SELECT max(id) FROM audit_log_007), 0) + 1, false);

DROP TABLE audit_log_007;

-- After the copy: building them once is cheaper than keeping them up row by row.
CREATE INDEX audit_log_kind_ids_idx ON audit_log USING gin (kind_ids);
CREATE INDEX audit_log_overdracht_ids_idx ON audit_log USING gin (overdracht_ids);
CREATE INDEX audit_log_gemeente_tijdstip_idx ON audit_log (gemeente_id, tijdstip, id);

-- The API's role: read and append through audit_log, nothing else; the migrations' owner does the rest.
REVOKE ALL ON audit_log FROM overdracht_api;
GRANT SELECT, INSERT ON audit_log TO overdracht_api;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO overdracht_api;
