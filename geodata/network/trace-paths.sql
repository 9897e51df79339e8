-- The lines of a trace's reaches, simplified for drawing ($2: tolerance in degrees), kept even
-- when simplification would collapse a short reach to a point (preserveCollapsed).
-- name: reach_paths
SELECT id, ST_AsGeoJSON(ST_Simplify(geom, $2::float8, true), 6) AS geojson
  FROM river_reach
 WHERE id = ANY($1::bigint[]);
