-- Fixed statements of backup.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: restore_server_select_pg_namespace
SELECT 1 FROM pg_namespace WHERE nspname = $1;
