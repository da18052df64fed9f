-- Consent is for a school: the named one (`genoemde_school`: another school asks the parents again) or
-- wherever the child is enrolled (`ingeschreven_school`). Metadata, as the workflow records it.
ALTER TABLE overdrachten ADD COLUMN toestemming_voor text
    CHECK (toestemming_voor IN ('genoemde_school', 'ingeschreven_school'));
ALTER TABLE overdrachten ADD COLUMN toestemming_school_id uuid;
