-- Fixed statements of trace-validity.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: trace_validity_select_network_report
SELECT report->'issuesByOutlet'->($1::text) AS issues, report->'auto'->'forks' AS forks, report->'auto'->'outlets' AS outlets
FROM network_report WHERE kind = 'build';

-- name: upstream_validity_select_network_reach
SELECT reach_id FROM network_reach WHERE reach_id = ANY($1::bigint[]) AND pre BETWEEN $2 AND $3;
