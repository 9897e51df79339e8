-- Fixed statements of migrate.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: migrate_create
CREATE TABLE IF NOT EXISTS schema_migration (
version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
applied_at timestamptz NOT NULL DEFAULT now());

-- name: migrate_select_schema_migration
SELECT version, checksum FROM schema_migration;

-- name: select
SELECT pg_advisory_xact_lock(hashtext(current_schema()));

-- name: select_schema_migration
SELECT 1 FROM schema_migration WHERE version = $1;

-- name: insert_schema_migration
INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3);
