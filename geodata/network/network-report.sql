-- Fixed statements of network-report.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: count_select_network_outfall
SELECT * FROM (
  SELECT 'outfall' AS kind, outfall_code AS id, note FROM network_outfall WHERE pre IS NULL
  UNION ALL SELECT 'section', section_code, note FROM network_section WHERE pre IS NULL
  UNION ALL SELECT 'source', source_id::text, note FROM network_source WHERE pre IS NULL) u
ORDER BY kind, id LIMIT 500;

-- name: select
SELECT yzt_network_linked_at() AS at;
