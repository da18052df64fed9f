-- Purge that leaves nothing: with an overdracht's content go the child's own record (name, date of
-- birth, BSN) and its parents' accounts; the overdracht's row keeps the anonymous metadata the
-- monitoring counts (state, dates, flags, location, school, school year).
ALTER TABLE overdrachten ALTER COLUMN kind_id DROP NOT NULL;
ALTER TABLE overdrachten DROP CONSTRAINT overdrachten_kind_id_fkey;
ALTER TABLE overdrachten
    ADD CONSTRAINT overdrachten_kind_id_fkey FOREIGN KEY (kind_id) REFERENCES kinderen ON DELETE SET NULL;

-- A parent's account exists for their child's overdracht only.
ALTER TABLE gebruikers DROP CONSTRAINT gebruikers_kind_id_fkey;
ALTER TABLE gebruikers
    ADD CONSTRAINT gebruikers_kind_id_fkey FOREIGN KEY (kind_id) REFERENCES kinderen ON DELETE CASCADE;

-- When the engine's copy (the closed workflow's history) was deleted too.
ALTER TABLE overdrachten ADD COLUMN engine_verwijderd_op timestamptz;
CREATE INDEX overdrachten_engine_op_te_ruimen_idx ON overdrachten (inhoud_verwijderd_op)
    WHERE inhoud_verwijderd_op IS NOT NULL AND engine_verwijderd_op IS NULL;
