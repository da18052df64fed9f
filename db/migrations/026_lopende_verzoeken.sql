-- Requests under way that are limited per client (POST /v1/ouder-sessies: a parent's code exchanged):
-- one row per request while it runs, so the limit holds across API processes. The client is kept only
-- as a keyed hash (HMAC-SHA256 with a key of token_sleutels), never its address. A row is deleted when
-- its request ends; one left by a process that died counts until `verloopt_op`, and is deleted after.
CREATE TABLE lopende_verzoeken (
    id          uuid PRIMARY KEY,
    sleutel     bytea NOT NULL CHECK (octet_length(sleutel) = 32),
    verloopt_op timestamptz NOT NULL
);

CREATE INDEX lopende_verzoeken_sleutel_idx ON lopende_verzoeken (sleutel, verloopt_op);
CREATE INDEX lopende_verzoeken_verloopt_idx ON lopende_verzoeken (verloopt_op);
