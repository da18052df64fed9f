-- Idempotency-Key (API.md): the first answer to a state-changing request, kept so that a repeat with
-- the same key gets that answer again instead of a second run (api/idempotency.py).

-- The stored answer can hold personal data (an overdracht's form, a child's name): it is kept only for
-- the short term of OVERDRACHT_IDEMPOTENCY_TTL_HOURS, then never replayed and deleted. The caller is
-- known only by a hash of its Authorization header; the token itself is never stored.
CREATE TABLE idempotency_keys (
    caller_hash     bytea NOT NULL,  -- sha256 of the Authorization header's value
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- What the key was first used for: the same key for another request is refused (422).
    method          text NOT NULL,
    path            text NOT NULL,  -- with the query string, if any
    body_hash       bytea NOT NULL,  -- sha256 of the body (JSON canonicalised)
    -- Which processing holds the key: only that one may store its answer or release the key.
    reservation     uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- NULL while the first request is still being processed; then its answer.
    status          smallint CHECK (status BETWEEN 200 AND 499),
    headers         jsonb,  -- [[name, value], ...]: only the headers that matter (Content-Type, Location)
    body            bytea,
    completed_at    timestamptz,
    PRIMARY KEY (caller_hash, idempotency_key),
    CHECK ((status IS NULL) = (completed_at IS NULL))
);

-- Expired answers are deleted by age.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
