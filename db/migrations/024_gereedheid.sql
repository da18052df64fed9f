-- The API's readiness check (/v1/gezondheid) tells whether every migration is applied: it may read the
-- migrations' bookkeeping, never change it.
GRANT SELECT ON schema_migrations TO overdracht_api;
