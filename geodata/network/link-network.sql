-- Fixed statements of link-network.ts, loaded by name (geodata/db/sql-statements.ts).

-- name: link_network_insert_network_report
INSERT INTO network_report (kind, report) VALUES ('link', $1)
ON CONFLICT (kind) DO UPDATE SET report = excluded.report, at = now();

-- name: flow_shape_select_network_report
SELECT ARRAY(SELECT jsonb_array_elements_text(coalesce(report->'offFlow', '[]'))::bigint) AS off,
     report->'water' AS water, (report->'auto'->>'maxBankWidthM')::float8 AS width
FROM network_report WHERE kind = 'build';

-- name: link_with_truncate_network_outfall
TRUNCATE network_outfall, network_section, network_source;

-- name: link_with_insert_network_outfall
INSERT INTO network_outfall (outfall_code, reach_id, via, note)
SELECT o.code,
       coalesce(stored.id, by_name.id, near.id),
       CASE WHEN stored.id IS NOT NULL THEN 'reach_id' WHEN by_name.id IS NOT NULL THEN 'name'
            WHEN near.id IS NOT NULL THEN 'nearest' ELSE 'unlinked' END,
       CASE WHEN o.geom IS NULL AND stored.id IS NULL THEN 'no coordinates and no reach_id'
            WHEN o.reach_id IS NOT NULL AND stored.id IS NULL AND coalesce(by_name.id, near.id) IS NULL
              THEN 'reach_id ' || o.reach_id || ' does not exist and no reach within tolerance'
            WHEN coalesce(stored.id, by_name.id, near.id) IS NULL THEN 'no reach within ' || $1::float8 || ' m'
              || CASE WHEN o.receiving_water IS NOT NULL THEN ' and no reach named ' || o.receiving_water || ' within ' || $2::float8 || ' m' ELSE '' END
       END
  FROM outfall o
  CROSS JOIN (SELECT CASE WHEN $4::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($4::text), 4326) END AS g) w
  LEFT JOIN river_reach stored ON stored.id = o.reach_id
  LEFT JOIN LATERAL (
    SELECT r.id FROM river_reach r
     WHERE stored.id IS NULL AND o.receiving_water IS NOT NULL AND r.name = o.receiving_water AND o.geom IS NOT NULL AND NOT (r.id = ANY($3::bigint[]))
     ORDER BY r.geom <-> o.geom LIMIT 1) n0 ON true
  LEFT JOIN river_reach by_name ON by_name.id = n0.id AND ST_DistanceSphere(o.geom, ST_ClosestPoint(by_name.geom, o.geom)) <= $2
  LEFT JOIN LATERAL (
    SELECT r.id FROM river_reach r WHERE stored.id IS NULL AND o.geom IS NOT NULL AND NOT (r.id = ANY($3::bigint[])) ORDER BY r.geom <-> o.geom LIMIT 1) n1 ON true
  LEFT JOIN river_reach near ON near.id = n1.id AND CASE WHEN ST_DistanceSphere(o.geom, ST_ClosestPoint(near.geom, o.geom)) <= $1::float8 THEN true
         WHEN w.g IS NOT NULL AND ST_DistanceSphere(o.geom, ST_ClosestPoint(near.geom, o.geom)) <= $1::float8 + $5::float8
           AND ST_DWithin(w.g::geography, o.geom::geography, $1::float8) THEN true ELSE false END;

-- name: link_with_insert_network_section
INSERT INTO network_section (section_code, reach_id, via, note)
SELECT s.code, coalesce(stored.id, near.id),
       CASE WHEN stored.id IS NOT NULL THEN 'reach_id' WHEN near.id IS NOT NULL THEN 'nearest' ELSE 'unlinked' END,
       CASE WHEN coalesce(stored.id, near.id) IS NULL THEN 'no reach within ' || $1::float8 || ' m' END
  FROM section s
  CROSS JOIN (SELECT CASE WHEN $3::text IS NULL THEN NULL ELSE ST_SetSRID(ST_GeomFromGeoJSON($3::text), 4326) END AS g) w
  LEFT JOIN river_reach stored ON stored.id = s.reach_id
  LEFT JOIN LATERAL (SELECT r.id FROM river_reach r WHERE stored.id IS NULL AND NOT (r.id = ANY($2::bigint[])) ORDER BY r.geom <-> s.geom LIMIT 1) n1 ON true
  LEFT JOIN river_reach near ON near.id = n1.id AND CASE WHEN ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1::float8 THEN true
         WHEN w.g IS NOT NULL AND ST_DistanceSphere(s.geom, ST_ClosestPoint(near.geom, s.geom)) <= $1::float8 + $4::float8
           AND ST_DWithin(w.g::geography, s.geom::geography, $1::float8) THEN true ELSE false END;

-- name: link_sources_direct_update_network_source
UPDATE network_source SET note = 'reach ' || reach_id || ' does not drain to an outlet'
WHERE via = 'nearest' AND pre IS NULL AND note IS NULL;
