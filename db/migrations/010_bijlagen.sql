-- Bijlagen: files uploaded with an overdracht's content (schemas/bijlage.py). Content like the form:
-- read by those who may read the form, purged with it (db/read_model.py::purge_content).
--
-- The database never holds a file's clear bytes: `inhoud` is AES-256-GCM under the service's payload
-- keys (core/codec.py, EncryptionCodec.seal), a fresh nonce per file, the overdracht and the kind bound
-- as associated data (services/bijlagen.py). Metadata only besides: no file name, no uploader's name.
CREATE TABLE bijlagen (
    id            uuid PRIMARY KEY,
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    -- A new kind widens this check; a kind per parent (a scan of a signed consent form) adds a column
    -- naming the parent and a unique index of its own, as the one below for the observation export.
    soort         text NOT NULL CONSTRAINT bijlagen_soort_check CHECK (soort IN ('observatie_export')),
    grootte       integer NOT NULL CHECK (grootte > 0),  -- the clear file's size, in bytes
    sleutel_id    text NOT NULL,  -- the payload key it is encrypted under (keys rotate; old ones still decrypt)
    inhoud        bytea NOT NULL,  -- nonce || ciphertext || tag
    geupload_op   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX bijlagen_overdracht_idx ON bijlagen (overdracht_id);
-- One observation export per overdracht: a new upload replaces it.
CREATE UNIQUE INDEX bijlagen_observatie_export_uniek ON bijlagen (overdracht_id) WHERE soort = 'observatie_export';
