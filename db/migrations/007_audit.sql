-- The audit trail (Logboek Dataverwerkingen): who processed which child's data, when, why, with what
-- result. Append-only, twice over: a trigger refuses every UPDATE, DELETE and TRUNCATE (for every
-- role, the owner too), and the role the API connects as, overdracht_api, may only read and append.
-- Ids and field names only: no name, no BSN, no free text.

CREATE TABLE audit_log (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tijdstip       timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Who. No foreign keys: the log outlives accounts and children (a purge removes both).
    gebruiker_id   uuid NOT NULL,
    rol            text NOT NULL,
    gemeente_id    uuid NOT NULL,  -- whose privacy officer exports the row
    organisatie_id uuid,           -- the user's location, school or gemeente then (a parent: none)
    -- Whose data: the child (opaque id), and the overdracht when there is one.
    kind_id        uuid,
    overdracht_id  uuid,
    -- What and why.
    actie          text NOT NULL CHECK (actie IN ('lezen', 'wijzigen', 'importeren', 'exporteren', 'aanmelden')),
    onderwerp      text NOT NULL,
    velden         text[] NOT NULL DEFAULT '{}',
    grondslag      text NOT NULL,  -- the capability used (api/deps.py)
    resultaat      smallint NOT NULL,  -- the HTTP status answered
    request_id     text
);

CREATE INDEX audit_log_kind_idx ON audit_log (kind_id, id) WHERE kind_id IS NOT NULL;
CREATE INDEX audit_log_overdracht_idx ON audit_log (overdracht_id, id) WHERE overdracht_id IS NOT NULL;
CREATE INDEX audit_log_gemeente_tijdstip_idx ON audit_log (gemeente_id, tijdstip, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The API's role: it logs in (trust on the private clusters; give it a password elsewhere) and owns
-- nothing. Roles belong to the whole cluster: another database on it may have made it already. Where
-- the migrating user may not create roles, an administrator creates it first.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'overdracht_api') THEN
        BEGIN
            CREATE ROLE overdracht_api LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'cannot create the role overdracht_api'
                USING HINT = 'Ask the database administrator: CREATE ROLE overdracht_api LOGIN PASSWORD ''…'';'
                             ' then migrate again.';
        END;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO overdracht_api', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO overdracht_api;
-- Every table the migrations made: read and write, as the API does (imports, codes, idempotency keys).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO overdracht_api;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO overdracht_api;
-- Tables later migrations make (as the same owner) get the same; a table that must not be writable
-- revokes it in its own migration, as audit_log does here.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO overdracht_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO overdracht_api;
-- The audit trail: read and append only. The migrations' own bookkeeping: nothing.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM overdracht_api;
REVOKE ALL ON schema_migrations FROM overdracht_api;
