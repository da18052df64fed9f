-- Metadata the monitoring counts by, kept in the read model so it outlives the child's personal data:
-- the school year the child starts school in, and whether it has a VVE-indicatie.
ALTER TABLE overdrachten
    ADD COLUMN schooljaar    text,
    ADD COLUMN vve_indicatie boolean NOT NULL DEFAULT false;

CREATE INDEX overdrachten_schooljaar_idx ON overdrachten (gemeente_id, schooljaar);
