-- Sign-in: users as the gemeente's identity provider knows them, parents' one-time codes, and the
-- key that signs the parents' short-lived tokens.

-- The claim (OVERDRACHT_OIDC_USER_CLAIM, default `sub`) that names this user in the identity
-- provider's tokens. Unset: the user cannot sign in through OpenID Connect.
ALTER TABLE gebruikers ADD COLUMN extern_id text UNIQUE;

-- A parent's one-time code, minted when their invitation is delivered (activities/berichten.py) and
-- exchanged once for a token at POST /v1/ouder-sessies. Only the code's SHA-256 is kept: a code has
-- 256 random bits, so a plain hash cannot be reversed or guessed, and whoever reads this table cannot
-- use a code.
CREATE TABLE ouder_codes (
    hash          bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
    gebruiker_id  uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    kind_id       uuid NOT NULL REFERENCES kinderen ON DELETE CASCADE,
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    -- The message that carried it: one code per parent per message, so a retried delivery cannot
    -- mint a second set.
    bericht_id    uuid NOT NULL REFERENCES berichten ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    UNIQUE (bericht_id, gebruiker_id)
);

CREATE INDEX ouder_codes_overdracht_idx ON ouder_codes (overdracht_id);

-- Keys the service signs its own tokens with, by purpose ('ouder'). Made at first use from a
-- cryptographic random source (db/ouder_codes.py), never from a default in the code: a parent's
-- token is accepted in production too.
CREATE TABLE token_sleutels (
    naam          text PRIMARY KEY,
    sleutel       bytea NOT NULL CHECK (octet_length(sleutel) >= 32),
    aangemaakt_op timestamptz NOT NULL DEFAULT now()
);
