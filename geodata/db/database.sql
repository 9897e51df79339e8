-- Fixed statements of database.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: ensure_postgis_select_pg_extension
SELECT 1 FROM pg_extension WHERE extname = 'postgis';

-- name: ensure_postgis_create
CREATE EXTENSION IF NOT EXISTS postgis;

-- name: postgis_version_select
SELECT postgis_lib_version() AS v;
