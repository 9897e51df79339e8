-- Fixed statements of network-issues.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: select_build_report
SELECT at, report FROM network_report WHERE kind = 'build';

-- name: select_link_options
SELECT report->'options' AS options FROM network_report WHERE kind = 'link';

-- name: select_reach_names
SELECT id, name FROM river_reach WHERE id = ANY($1::bigint[]);
