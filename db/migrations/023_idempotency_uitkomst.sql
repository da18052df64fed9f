-- A step whose outcome did not come back in time (503 UITKOMST_ONBEKEND) keeps its key: the repeat takes
-- it over at once and runs under the same `stap_id`, the engine's id for the step's update, so it attaches
-- to the same update and gets its real outcome. A key taken anew (expired, stale) gets a new stap_id.
ALTER TABLE idempotency_keys
    ADD COLUMN stap_id  uuid NOT NULL DEFAULT gen_random_uuid(),
    ADD COLUMN onbekend boolean NOT NULL DEFAULT false;
