-- Fixed statements of postgres-url.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: check_role_select
SELECT pg_is_in_recovery() AS standby;
