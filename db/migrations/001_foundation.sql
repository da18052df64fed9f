-- The organisations, people and children the service knows, and the read model of the overdrachten.

CREATE TABLE gemeenten (
    id   uuid PRIMARY KEY,
    naam text NOT NULL
);

CREATE TABLE stadsdelen (
    id          uuid PRIMARY KEY,
    gemeente_id uuid NOT NULL REFERENCES gemeenten,
    naam        text NOT NULL
);

CREATE TABLE wijken (
    id          uuid PRIMARY KEY,
    stadsdeel_id uuid NOT NULL REFERENCES stadsdelen,
    naam        text NOT NULL
);

-- Voorschool locations (peuteropvang, kinderdagverblijf with VVE).
CREATE TABLE locaties (
    id      uuid PRIMARY KEY,
    wijk_id uuid NOT NULL REFERENCES wijken,
    naam    text NOT NULL
);

CREATE TABLE scholen (
    id      uuid PRIMARY KEY,
    wijk_id uuid NOT NULL REFERENCES wijken,
    naam    text NOT NULL,
    brin    text
);

-- A child placed at a location. Personal data: read only by those whose role needs it.
CREATE TABLE kinderen (
    id                   uuid PRIMARY KEY,
    locatie_id           uuid NOT NULL REFERENCES locaties,
    voornaam             text NOT NULL,
    achternaam           text NOT NULL,
    geboortedatum        date NOT NULL,
    bsn                  text,
    vve_indicatie        boolean NOT NULL DEFAULT false,
    vve_indicatie_datum  date,
    aangemelde_school_id uuid REFERENCES scholen
);

CREATE TABLE gebruikers (
    id          uuid PRIMARY KEY,
    naam        text NOT NULL,
    rol         text NOT NULL CHECK (rol IN ('pedagogisch_medewerker', 'locatiemanager', 'ouder',
                                             'school', 'coordinator', 'beheerder')),
    gemeente_id uuid NOT NULL REFERENCES gemeenten,
    locatie_id  uuid REFERENCES locaties,
    school_id   uuid REFERENCES scholen,
    kind_id     uuid REFERENCES kinderen,
    -- Each role is scoped to exactly the organisation it works for.
    CHECK ((rol IN ('pedagogisch_medewerker', 'locatiemanager')) = (locatie_id IS NOT NULL)),
    CHECK ((rol = 'school') = (school_id IS NOT NULL)),
    CHECK ((rol = 'ouder') = (kind_id IS NOT NULL))
);

-- The read model: one row per overdracht, kept current by the workflow's record activity.
CREATE TABLE overdrachten (
    id                 uuid PRIMARY KEY,
    kind_id            uuid NOT NULL UNIQUE REFERENCES kinderen,
    gemeente_id        uuid NOT NULL REFERENCES gemeenten,
    locatie_id         uuid NOT NULL REFERENCES locaties,
    school_id          uuid REFERENCES scholen,
    status             text NOT NULL,
    -- The workflow's change counter: a change is applied only when it is newer than this.
    revisie            integer NOT NULL DEFAULT 0,
    formulier_compleet boolean NOT NULL DEFAULT false,
    geopend_op         timestamptz NOT NULL,
    ingediend_op       timestamptz,
    toestemming_op     timestamptz,
    verzonden_op       timestamptz,
    ontvangen_op       timestamptz,
    afgerond_op        timestamptz,
    eerste_schooldag   date,
    bijgewerkt_op      timestamptz NOT NULL
);

-- Keyset paging per scope: (scope, geopend_op, id).
CREATE INDEX overdrachten_locatie_idx ON overdrachten (locatie_id, geopend_op, id);
CREATE INDEX overdrachten_school_idx ON overdrachten (school_id, geopend_op, id) WHERE verzonden_op IS NOT NULL;
CREATE INDEX overdrachten_gemeente_idx ON overdrachten (gemeente_id, geopend_op, id);
CREATE INDEX overdrachten_status_idx ON overdrachten (status);

-- The timeline: one row per recorded change, written once (the primary key makes a retry a no-op).
CREATE TABLE overdracht_gebeurtenissen (
    overdracht_id uuid NOT NULL REFERENCES overdrachten ON DELETE CASCADE,
    revisie       integer NOT NULL,
    gebeurtenis   text NOT NULL,
    status        text NOT NULL,
    tijdstip      timestamptz NOT NULL,
    actor_id      uuid,
    actor_rol     text,
    PRIMARY KEY (overdracht_id, revisie)
);

-- The form's latest saved version (content: personal data).
CREATE TABLE formulieren (
    overdracht_id uuid PRIMARY KEY REFERENCES overdrachten ON DELETE CASCADE,
    inhoud        jsonb NOT NULL,
    revisie       integer NOT NULL,
    bijgewerkt_op timestamptz NOT NULL
);
