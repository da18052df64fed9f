-- The process as practised: each child's mentor, and the end of a placement.

-- The mentor: one pedagogisch medewerker of the child's location, who fills in the form and gets the
-- reminders (db/berichten.py). It belongs to the placement, so it lives on the child's record and goes
-- with it at the purge (db/read_model.py::purge_content) and at the cleanup of a child without an
-- overdracht (db/kinderen.py): nothing of it stays. An account that goes leaves the child without one.
ALTER TABLE kinderen ADD COLUMN mentor_id uuid REFERENCES gebruikers ON DELETE SET NULL;
CREATE INDEX kinderen_mentor_idx ON kinderen (mentor_id) WHERE mentor_id IS NOT NULL;

-- The day the child's placement ended (it left the voorschool); null while it is placed. A child that
-- never got an overdracht is removed a protocol term after it
-- (bewaartermijnen.kind_zonder_overdracht_maanden_na_einde_plaatsing), or after the age
-- bewaartermijnen.kind_zonder_overdracht_tot_leeftijd, whichever comes first.
ALTER TABLE kinderen ADD COLUMN plaatsing_beeindigd_op date;
CREATE INDEX kinderen_geboortedatum_idx ON kinderen (geboortedatum);
CREATE INDEX kinderen_plaatsing_beeindigd_idx ON kinderen (plaatsing_beeindigd_op)
    WHERE plaatsing_beeindigd_op IS NOT NULL;
