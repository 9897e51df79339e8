-- Fixed statements of database-status.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: database_status_select
SELECT current_setting('server_version') AS pg, postgis_lib_version() AS postgis;

-- name: is_empty_select_source
SELECT NOT EXISTS (SELECT 1 FROM source) AND NOT EXISTS (SELECT 1 FROM division) AS empty;
