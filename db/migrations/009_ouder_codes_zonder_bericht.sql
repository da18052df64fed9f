-- Parents' codes beyond their messages: a code printed in a letter (a parent without an address, or
-- one who asks the voorschool), and the attempts to ask for a new code by address, counted per hour.

-- A code in a printed letter came with no message. A code that did keeps the per-message uniqueness
-- (NULLs are distinct: letters are not limited by it).
ALTER TABLE ouder_codes ALTER COLUMN bericht_id DROP NOT NULL;

-- Used and expired codes are deleted by the hourly cleanup (workflows/ouder_codes.py).
CREATE INDEX ouder_codes_expires_at_idx ON ouder_codes (expires_at);
CREATE INDEX ouder_codes_used_at_idx ON ouder_codes (used_at) WHERE used_at IS NOT NULL;

-- POST /v1/ouder-code-aanvragen: each attempt counted, per address and in all, so the limits hold
-- across API processes. The address is kept only as a keyed hash (HMAC-SHA256 with a key of
-- token_sleutels), never in clear; the rows are deleted once they no longer count (after an hour).
CREATE TABLE ouder_code_aanvragen (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    adres_hash     bytea NOT NULL CHECK (octet_length(adres_hash) = 32),
    aangevraagd_op timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ouder_code_aanvragen_adres_idx ON ouder_code_aanvragen (adres_hash, aangevraagd_op);
CREATE INDEX ouder_code_aanvragen_tijd_idx ON ouder_code_aanvragen (aangevraagd_op);
