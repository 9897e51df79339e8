-- Fixed statements of tile-service.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: create_tile_service_select
SELECT version() AS version;
