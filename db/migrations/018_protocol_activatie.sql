-- A protocol version is uploaded as a draft and becomes the gemeente's active one only when a beheerder
-- activates it. `vastgesteld_op` is when it was stored (uploaded); `geactiveerd_op` when it was last
-- made the active one (none: a draft, never taken by an overdracht). The active version is the one
-- activated last. Every version stored before this migration was current the moment it was stored.

ALTER TABLE protocol_versies
    ADD COLUMN geactiveerd_op timestamptz,
    -- Who uploaded it (none: stored by `overdracht seed` or `overdracht protocol`).
    ADD COLUMN geupload_door  uuid REFERENCES gebruikers ON DELETE SET NULL,
    -- The file as it was uploaded, comments included (none: stored from a configuration, not a file).
    ADD COLUMN bestand        text;

UPDATE protocol_versies SET geactiveerd_op = vastgesteld_op;

CREATE INDEX protocol_versies_actief_idx ON protocol_versies (gemeente_id, geactiveerd_op DESC, versie DESC)
    WHERE geactiveerd_op IS NOT NULL;
