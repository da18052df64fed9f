-- The protocol engine: versioned protocol configuration per gemeente, and in the read model the
-- deadlines, the overdue flags and every state's date.

-- A gemeente's configuration, one row per version; an overdracht keeps the version it started with.
CREATE TABLE protocol_versies (
    gemeente_id    uuid NOT NULL REFERENCES gemeenten,
    versie         integer NOT NULL,
    inhoud         jsonb NOT NULL,
    vastgesteld_op timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (gemeente_id, versie)
);

ALTER TABLE overdrachten
    ADD COLUMN protocol_versie            integer,
    -- Each deadline's moment (ISO timestamps by step) as the workflow keeps them, moved ones included.
    ADD COLUMN deadlines                  jsonb NOT NULL DEFAULT '{}',
    -- The earliest deadline of a step still open: "due before" filters and sorting.
    ADD COLUMN volgende_deadline          timestamptz,
    -- Every flag ever set (a late step stays marked late) and the ones still open now.
    ADD COLUMN vlaggen                    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN open_vlaggen               text[] NOT NULL DEFAULT '{}',
    -- When the oldest open flag was set: "overdue now, oldest first".
    ADD COLUMN achterstallig_sinds        timestamptz,
    ADD COLUMN warme_overdracht_vereist   boolean NOT NULL DEFAULT false,
    ADD COLUMN warme_overdracht_gepland_op  date,
    ADD COLUMN warme_overdracht_gehouden_op date,
    ADD COLUMN geweigerd_op               timestamptz,
    ADD COLUMN ingetrokken_op             timestamptz,
    ADD COLUMN geannuleerd_op             timestamptz,
    ADD COLUMN papieren_kopie_op          timestamptz,
    ADD COLUMN inhoud_verwijderd_op       timestamptz;

CREATE INDEX overdrachten_achterstallig_idx ON overdrachten (gemeente_id, achterstallig_sinds)
    WHERE achterstallig_sinds IS NOT NULL;
CREATE INDEX overdrachten_volgende_deadline_idx ON overdrachten (gemeente_id, volgende_deadline)
    WHERE volgende_deadline IS NOT NULL;

-- Metadata of an event (which flag, which message to whom); `toelichting` is a person's free text
-- (a reason) and is shown only to roles that may read content.
ALTER TABLE overdracht_gebeurtenissen
    ADD COLUMN details     jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN toelichting text;

-- The parents' reaction to the form (content: purged with the form).
CREATE TABLE ouderreacties (
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    ouder_id      uuid NOT NULL,
    zienswijze    text,
    eens          text NOT NULL,
    reden         text,
    tijdstip      timestamptz NOT NULL,
    PRIMARY KEY (overdracht_id, ouder_id)
);
