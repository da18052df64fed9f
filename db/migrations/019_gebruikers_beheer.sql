-- People, as the gemeente's beheerder manages them: a member of staff works at one or more voorschool
-- locations (pedagogisch medewerker, locatiemanager) or schools (school); is invited by mail with a
-- one-time link and binds their identity provider's account (extern_id) at the first sign-in; and can
-- be deactivated, which ends their sessions and tokens at once.

-- Where each user works. The scope (db/scope.py) reads these; gebruikers.locatie_id and school_id stay
-- as the user's first location or school, so the CHECKs on the role keep holding.
CREATE TABLE gebruiker_locaties (
    gebruiker_id uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    locatie_id   uuid NOT NULL REFERENCES locaties,
    PRIMARY KEY (gebruiker_id, locatie_id)
);
CREATE INDEX gebruiker_locaties_locatie_idx ON gebruiker_locaties (locatie_id);

CREATE TABLE gebruiker_scholen (
    gebruiker_id uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    school_id    uuid NOT NULL REFERENCES scholen,
    PRIMARY KEY (gebruiker_id, school_id)
);
CREATE INDEX gebruiker_scholen_school_idx ON gebruiker_scholen (school_id);

-- Every user keeps exactly the access they had: their one location or school.
INSERT INTO gebruiker_locaties (gebruiker_id, locatie_id)
    SELECT id, locatie_id FROM gebruikers WHERE locatie_id IS NOT NULL;
INSERT INTO gebruiker_scholen (gebruiker_id, school_id)
    SELECT id, school_id FROM gebruikers WHERE school_id IS NOT NULL;

-- The first location (school) column and the set agree: a user written with one location works there
-- (the demo data, a script that inserts a user); writing another location in the column moves the user
-- there alone; emptying it (another role) leaves no locations. More locations are added to the set
-- after the column is written (db/gebruikers.py).
CREATE FUNCTION gebruiker_organisaties_bijwerken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.locatie_id IS NULL THEN
        DELETE FROM gebruiker_locaties WHERE gebruiker_id = NEW.id;
    ELSE
        IF TG_OP = 'UPDATE' AND NEW.locatie_id IS DISTINCT FROM OLD.locatie_id THEN
            DELETE FROM gebruiker_locaties WHERE gebruiker_id = NEW.id AND locatie_id <> NEW.locatie_id;
        END IF;
        INSERT INTO gebruiker_locaties (gebruiker_id, locatie_id) VALUES (NEW.id, NEW.locatie_id)
            ON CONFLICT DO NOTHING;
    END IF;
    IF NEW.school_id IS NULL THEN
        DELETE FROM gebruiker_scholen WHERE gebruiker_id = NEW.id;
    ELSE
        IF TG_OP = 'UPDATE' AND NEW.school_id IS DISTINCT FROM OLD.school_id THEN
            DELETE FROM gebruiker_scholen WHERE gebruiker_id = NEW.id AND school_id <> NEW.school_id;
        END IF;
        INSERT INTO gebruiker_scholen (gebruiker_id, school_id) VALUES (NEW.id, NEW.school_id)
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER gebruiker_organisaties AFTER INSERT OR UPDATE OF locatie_id, school_id ON gebruikers
    FOR EACH ROW EXECUTE FUNCTION gebruiker_organisaties_bijwerken();

-- An account's life: invited (by the beheerder), first signed in through the invitation, deactivated.
-- Accounts made before (the demo data, `overdracht beheerder`) have neither of the first two: active.
ALTER TABLE gebruikers
    ADD COLUMN uitgenodigd_op   timestamptz,
    ADD COLUMN aangemeld_op     timestamptz,
    ADD COLUMN gedeactiveerd_op timestamptz;

-- The invitation's mail goes through the outbox like every other message, but is about no overdracht.
ALTER TABLE berichten ALTER COLUMN overdracht_id DROP NOT NULL;
ALTER TABLE berichten ADD CONSTRAINT berichten_overdracht_of_uitnodiging
    CHECK (overdracht_id IS NOT NULL OR aanleiding = 'uitnodiging_medewerker');

-- An invitation: queued with its message; its one-time code is minted when the message is delivered
-- (activities/berichten.py), and only the code's SHA-256 is kept (256 random bits: a plain hash cannot
-- be reversed or guessed). Used once, until `verloopt_op`; a new invitation for the same person
-- withdraws the ones before it.
CREATE TABLE uitnodigingen (
    bericht_id    uuid PRIMARY KEY REFERENCES berichten ON DELETE CASCADE,
    gebruiker_id  uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    gemeente_id   uuid NOT NULL REFERENCES gemeenten,
    geldig        interval NOT NULL,
    hash          bytea UNIQUE CHECK (octet_length(hash) = 32),
    aangemaakt_op timestamptz NOT NULL DEFAULT now(),
    verloopt_op   timestamptz,
    gebruikt_op   timestamptz
);
CREATE INDEX uitnodigingen_gebruiker_idx ON uitnodigingen (gebruiker_id);
