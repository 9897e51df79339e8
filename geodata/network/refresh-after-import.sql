-- Fixed statements of refresh-after-import.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: select_river_reach
SELECT bool_or(downstream_id IS NOT NULL) AS stored FROM river_reach;

-- name: select_network_reach
SELECT 1 FROM network_reach LIMIT 1;

-- name: select_existing_reaches
SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM river_reach WHERE id = ANY($1::bigint[]);

-- name: select_last_options
-- What the last build and link were asked, as they stored it (build-network.ts, link-network.ts).
SELECT (SELECT report->'options' FROM network_report WHERE kind = 'build') AS build,
       (SELECT report->'options' FROM network_report WHERE kind = 'link') AS link;
