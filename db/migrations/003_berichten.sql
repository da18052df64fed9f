-- The notifications: where people are reached, and the outbox of messages the workflow asks for.

-- Where a user is reached by mail, and what they do within their organisation: a school's
-- escalations go to its 'directie' (or 'intern_begeleider', …). Both optional: no address, no mail.
ALTER TABLE gebruikers
    ADD COLUMN email   text,
    ADD COLUMN functie text;

-- The outbox: one row per message the workflow asks for, written before anything is sent, so that
-- what was asked, for whom and whether it went out can always be told afterwards.
CREATE TABLE berichten (
    id                   uuid PRIMARY KEY,
    overdracht_id        uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    -- The workflow's idempotency key: a retried or replayed request queues nothing new.
    sleutel              text NOT NULL,
    -- soort, aanleiding, ontvanger: values of schemas/bericht.py; left unchecked here so the
    -- workflow may add a kind of message without a migration.
    soort                text NOT NULL,
    aanleiding           text NOT NULL,
    ontvanger            text NOT NULL,
    -- The addresses resolved when queued: the message goes to who was responsible then.
    aan                  text[] NOT NULL,
    -- Rendered when queued, without personal data (activities/berichtteksten.py).
    onderwerp            text NOT NULL,
    tekst                text NOT NULL,
    deadline             timestamptz,
    -- schemas.bericht.BezorgStatus. Delivery relies on these values to send at most once.
    status               text NOT NULL CHECK (status IN ('wachtend', 'verzonden', 'geen_mailserver',
                                                         'geen_adres', 'onzeker')),
    -- The RFC 5322 Message-ID, derived from id: a receiving server can recognise a duplicate.
    message_id           text NOT NULL UNIQUE,
    aangemaakt_op        timestamptz NOT NULL DEFAULT now(),
    -- Set, and committed, before the mail server is contacted: an attempt that finds it set knows
    -- an earlier one may have sent the message, and does not send it again.
    bezorging_gestart_op timestamptz,
    verzonden_op         timestamptz,
    UNIQUE (overdracht_id, sleutel),
    CHECK ((status = 'verzonden') = (verzonden_op IS NOT NULL))
);

-- The outbox is read newest first (GET /v1/dev/berichten); per overdracht the unique index serves.
CREATE INDEX berichten_nieuwste_idx ON berichten (aangemaakt_op DESC, id DESC);
