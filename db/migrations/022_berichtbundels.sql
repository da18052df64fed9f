-- Reminders and escalations as one daily message per person (a digest) instead of one mail each. The
-- gemeente decides what its staff get unless they choose themselves; the protocol's reminders are never
-- switched off, only bundled. Messages to parents, invitations and arrival notices always go at once.

-- The gemeente: reminders bundled by default (or at once), and the hour the digests go out (Amsterdam).
ALTER TABLE gemeenten
    ADD COLUMN bundelen   boolean NOT NULL DEFAULT false,
    ADD COLUMN bundel_uur smallint NOT NULL DEFAULT 8 CHECK (bundel_uur BETWEEN 0 AND 23);

-- A person's own choice ('direct' or 'dagelijks'); NULL: the gemeente's.
ALTER TABLE gebruikers ADD COLUMN berichtvoorkeur text CHECK (berichtvoorkeur IN ('direct', 'dagelijks'));

-- A message whose every recipient takes the digest is 'gebundeld': final, nothing sent by itself.
ALTER TABLE berichten DROP CONSTRAINT berichten_status_check;
ALTER TABLE berichten ADD CONSTRAINT berichten_status_check
    CHECK (status IN ('wachtend', 'verzonden', 'geen_mailserver', 'geen_adres', 'onzeker', 'gebundeld'));
-- A digest is a message about no one overdracht, as an invitation is.
ALTER TABLE berichten DROP CONSTRAINT berichten_overdracht_of_uitnodiging;
ALTER TABLE berichten ADD CONSTRAINT berichten_overdracht_of_uitnodiging
    CHECK (overdracht_id IS NOT NULL OR aanleiding IN ('uitnodiging_medewerker', 'bundel'));

-- One digest per person per day: a second for the same day cannot be made, whatever retries.
CREATE TABLE bundels (
    gebruiker_id uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    dag          date NOT NULL,
    bericht_id   uuid NOT NULL UNIQUE REFERENCES berichten ON DELETE CASCADE,
    PRIMARY KEY (gebruiker_id, dag)
);

-- A message held for a person's digest (recorded in the same transaction as its delivery starts);
-- `bundel_id`: the digest it went out in.
CREATE TABLE bundel_regels (
    bericht_id   uuid NOT NULL REFERENCES berichten ON DELETE CASCADE,
    gebruiker_id uuid NOT NULL REFERENCES gebruikers ON DELETE CASCADE,
    vastgehouden_op timestamptz NOT NULL DEFAULT now(),
    bundel_id    uuid REFERENCES berichten ON DELETE SET NULL,
    PRIMARY KEY (bericht_id, gebruiker_id)
);
CREATE INDEX bundel_regels_open_idx ON bundel_regels (gebruiker_id) WHERE bundel_id IS NULL;
