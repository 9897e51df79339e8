-- Sources within $3 metres of a point ($1 lon, $2 lat), nearest first, with the checks that
-- fired on each (open or not): what the reviewer sees around a finding. $4 the source itself
-- (left out), $5 how many.
SELECT s.id, s.census_id, s.name, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
       ST_Distance(s.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m,
       coalesce((SELECT array_agg(f.check_code ORDER BY f.check_code) FROM review_finding f WHERE f.source_id = s.id AND f.status = 'open'), '{}') AS checks
FROM source s
WHERE s.geom IS NOT NULL AND s.status <> 'deleted' AND s.id IS DISTINCT FROM $4::bigint
  AND ST_DWithin(s.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326), $3::float8 / 111000.0 * 1.5)
  AND ST_DWithin(s.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3::float8)
ORDER BY s.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
LIMIT $5
