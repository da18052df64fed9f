-- The organisation as functioneel beheer keeps it through the API and the pages (services/organisatie.py):
-- the gemeente's CBS code (to find its own schools in DUO's file of basisonderwijs vestigingen), a voorschool
-- location's number in the Landelijk Register Kinderopvang, a school's vestiging (its BRIN and two digits:
-- 01AB00), and since when a stadsdeel, wijk, location or school is closed. Nothing is deleted: a closed one
-- takes nothing new (no wijk, location or school in it; no child placed at it; not chosen as a child's
-- school), and what it already has keeps working. Only new, nullable columns: every row stays as it was.

ALTER TABLE gemeenten
    ADD COLUMN gemeentecode text CONSTRAINT gemeenten_gemeentecode_check CHECK (gemeentecode ~ '^[0-9]{4}$');

ALTER TABLE stadsdelen ADD COLUMN gesloten_op timestamptz;

ALTER TABLE wijken ADD COLUMN gesloten_op timestamptz;

ALTER TABLE locaties
    ADD COLUMN lrk_nummer text CONSTRAINT locaties_lrk_nummer_check CHECK (lrk_nummer ~ '^[0-9]{9,12}$'),
    ADD COLUMN gesloten_op timestamptz;

ALTER TABLE scholen
    ADD COLUMN vestiging text CONSTRAINT scholen_vestiging_check CHECK (vestiging ~ '^[0-9]{2}$'),
    ADD COLUMN gesloten_op timestamptz,
    -- A vestiging is one of a BRIN's.
    ADD CONSTRAINT scholen_vestiging_brin_check CHECK (vestiging IS NULL OR brin IS NOT NULL);

-- The BRIN's form (two digits, two letters or digits) holds for what is written from now on; a value
-- stored before stays as it is (NOT VALID: existing rows are not checked).
ALTER TABLE scholen ADD CONSTRAINT scholen_brin_check CHECK (brin ~ '^[0-9]{2}[A-Z0-9]{2}$') NOT VALID;
