-- Fixed statements of network-index.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: refresh_with_select_river_reach
SELECT r.id, r.downstream_id AS down, ST_Length(r.geom::geography) AS length_m,
     CASE
       WHEN d.id IS NOT NULL THEN ST_Distance(ST_EndPoint(r.geom), d.geom) <= ST_Distance(ST_StartPoint(r.geom), d.geom)
       ELSE coalesce((SELECT min(ST_Distance(ST_StartPoint(r.geom), u.geom)) <= min(ST_Distance(ST_EndPoint(r.geom), u.geom))
                        FROM river_reach u WHERE u.downstream_id = r.id AND u.id <> r.id), true)
     END AS forward
FROM river_reach r LEFT JOIN river_reach d ON d.id = r.downstream_id AND d.id <> r.id;

-- name: truncate_network_reach
TRUNCATE network_reach;

-- name: s_insert_network_reach
INSERT INTO network_reach (reach_id, pre, last, outlet_id, depth, length_m, down_m, forward)
SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[], $5::int[], $6::float8[], $7::float8[], $8::boolean[]);
