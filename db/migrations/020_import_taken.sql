-- The placements import as a background job (workflows/imports.py): the upload is kept, encrypted, until
-- the job has read it; each row's outcome is recorded in the same transaction as its child is stored, so
-- a job picked up again after a crash does no row twice; the report (line numbers and reasons, never a
-- value from the file) stays with the job for whoever started it.
CREATE TABLE import_taken (
    id             uuid PRIMARY KEY,
    gemeente_id    uuid NOT NULL REFERENCES gemeenten,
    gebruiker_id   uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    status         text NOT NULL DEFAULT 'wachtend' CHECK (status IN ('wachtend', 'bezig', 'klaar', 'mislukt')),
    rijen          integer NOT NULL CHECK (rijen >= 0),
    genegeerde_kolommen text[] NOT NULL DEFAULT '{}',
    -- The file, sealed with the payload key `sleutel_id`; emptied once the rows are read from it.
    sleutel_id     text,
    bestand        bytea,
    -- Why a job failed, in Dutch, without a value from the file.
    reden          text,
    aangemaakt_op  timestamptz NOT NULL DEFAULT now(),
    klaar_op       timestamptz,
    CHECK ((bestand IS NULL) = (sleutel_id IS NULL) OR bestand IS NULL)
);
CREATE INDEX import_taken_gebruiker_idx ON import_taken (gebruiker_id, aangemaakt_op DESC);

-- One per data row of the file. A rejected row or one of a closed overdracht has its outcome at once; a
-- good row carries its checked fields (sealed, emptied when the job ends) until it is stored and started.
CREATE TABLE import_rijen (
    taak_id     uuid NOT NULL REFERENCES import_taken ON DELETE CASCADE,
    regel       integer NOT NULL,
    -- Good rows are numbered 0, 1, 2, … in the order they are processed; others have none.
    volgnummer  integer,
    kind_id     uuid,
    sleutel_id  text,
    plaatsing   bytea,
    -- afgewezen | afgesloten | nieuw | bijgewerkt | ongewijzigd: set when the row is checked or stored.
    opgeslagen  text,
    -- geopend | ingepland | beeindigd | geen: what happened to the overdracht, once done.
    overdracht  text,
    fouten      jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (taak_id, regel)
);
CREATE UNIQUE INDEX import_rijen_volgnummer_idx ON import_rijen (taak_id, volgnummer) WHERE volgnummer IS NOT NULL;
