-- The web app's sessions (backend-for-frontend: the browser holds an opaque cookie, never a token).
-- Only the cookie's SHA-256 is kept; a session ends at sign-out, after idle time, or at its maximum
-- age, and with the user's account.
CREATE TABLE web_sessies (
    hash               bytea PRIMARY KEY CHECK (octet_length(hash) = 32),
    gebruiker_id       uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    csrf               text NOT NULL,
    aangemaakt_op      timestamptz NOT NULL DEFAULT now(),
    laatst_gebruikt_op timestamptz NOT NULL DEFAULT now(),
    verloopt_op        timestamptz NOT NULL
);
CREATE INDEX web_sessies_gebruiker_idx ON web_sessies (gebruiker_id);
