-- A school's intake address: where it takes in new pupils. An overdracht sent to the school is announced
-- there at once (and to the school's intern begeleiders); optional, set by the gemeente's beheerder.
ALTER TABLE scholen ADD COLUMN intake_email text;
