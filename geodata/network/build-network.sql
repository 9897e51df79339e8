-- Fixed statements of build-network.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: build_river_network_insert_network_report
INSERT INTO network_report (kind, report) VALUES ('build', $1)
ON CONFLICT (kind) DO UPDATE SET report = excluded.report, at = now();

-- name: build_with_select_river_reach
SELECT id, downstream_id AS down, name, ST_X(ST_StartPoint(geom)) AS sx, ST_Y(ST_StartPoint(geom)) AS sy,
     ST_X(ST_EndPoint(geom)) AS ex, ST_Y(ST_EndPoint(geom)) AS ey, CASE WHEN $1 THEN ST_AsGeoJSON(geom) END AS gj
FROM river_reach ORDER BY id;

-- name: update_river_reach
UPDATE river_reach r SET downstream_id = u.down FROM unnest($1::bigint[], $2::bigint[]) AS u(id, down)
WHERE r.id = u.id AND r.downstream_id IS DISTINCT FROM u.down;

-- name: select_network_reach
SELECT reach_id FROM network_reach WHERE NOT (outlet_id = ANY($1::bigint[]));

-- name: tree_issues_select_network_reach
SELECT reach_id, outlet_id FROM network_reach;

-- name: outlet_ids_select_network_reach
SELECT reach_id AS id FROM network_reach WHERE depth = 0 ORDER BY reach_id;
