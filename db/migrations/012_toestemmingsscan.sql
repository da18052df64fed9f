-- The scan of a consent form signed on paper: the second kind of bijlage (010_bijlagen.sql), one per
-- parent of the overdracht's child. The PM'er records a parent's signature as their consent and may
-- attach the scan (a PDF, or a photo: JPEG or PNG) of the signed page. Stored encrypted like the
-- observation export (the overdracht, the kind and the parent bound as associated data), read by the
-- location's staff and by that parent only, purged with the content (db/read_model.py::purge_content).

-- The parent a bijlage is of: set for a scan, never for the observation export. A parent's account that
-- goes (with the child's record, at the purge) takes their scan with it.
ALTER TABLE bijlagen ADD COLUMN ouder_id uuid REFERENCES gebruikers ON DELETE CASCADE;

ALTER TABLE bijlagen DROP CONSTRAINT bijlagen_soort_check;
ALTER TABLE bijlagen ADD CONSTRAINT bijlagen_soort_check CHECK (soort IN ('observatie_export', 'toestemmingsscan'));
ALTER TABLE bijlagen ADD CONSTRAINT bijlagen_ouder_check CHECK ((soort = 'toestemmingsscan') = (ouder_id IS NOT NULL));

-- One scan per overdracht and parent: a new upload replaces it.
CREATE UNIQUE INDEX bijlagen_toestemmingsscan_uniek ON bijlagen (overdracht_id, ouder_id)
    WHERE soort = 'toestemmingsscan';
CREATE INDEX bijlagen_ouder_idx ON bijlagen (ouder_id) WHERE ouder_id IS NOT NULL;
