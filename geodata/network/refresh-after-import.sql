-- Fixed statements of refresh-after-import.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: select_river_reach
SELECT bool_or(downstream_id IS NOT NULL) AS stored FROM river_reach;

-- name: select_network_reach
SELECT 1 FROM network_reach LIMIT 1;
