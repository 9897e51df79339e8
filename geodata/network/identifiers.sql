-- Fixed statements of identifiers.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: resolve_trace_start_select_section
SELECT 'section' AS kind, code, NULL::bigint AS id FROM section WHERE code = $1
UNION ALL SELECT 'outfall', code, NULL FROM outfall WHERE code = $1
UNION ALL SELECT 'source', census_id, id FROM source WHERE census_id = $1
UNION ALL SELECT 'source', census_id, id FROM source WHERE $1 ~ '^[0-9]{1,18}$' AND id = $1::bigint AND census_id <> $1;

-- name: name_reaches_select_river_reach
SELECT id, name, stream_order FROM river_reach WHERE id = ANY($1::bigint[]);
