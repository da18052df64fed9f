-- The overdracht code (Plein013's practice): parents who consented for "the school where my child is
-- enrolled" without naming one get a code, by mail and on paper, and hand it to the school at
-- enrolment; the school enters it and receives the overdracht. Only the code's hash is kept; a code
-- works once, until the unopened dispatch would expire. Purged with the content.
CREATE TABLE overdracht_codes (
    hash          bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX overdracht_codes_overdracht_idx ON overdracht_codes (overdracht_id);
