-- Run once by the postgres image when its volume is new (docker-compose.yml): the role the API
-- connects as, with a password, before the migrations grant it its rights (migration 007 creates it
-- only where it is missing). Change the password for anything but a trial.
CREATE ROLE overdracht_api LOGIN PASSWORD 'overdracht_api';
