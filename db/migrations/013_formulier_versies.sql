-- A correction round: the form as it was each time it was submitted to the parents, so that after a
-- correction they see what changed. Content: purged with the rest (db/read_model.py::purge_content).
CREATE TABLE formulier_versies (
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    revisie       integer NOT NULL,
    inhoud        jsonb NOT NULL,
    ingediend_op  timestamptz NOT NULL,
    PRIMARY KEY (overdracht_id, revisie)
);
