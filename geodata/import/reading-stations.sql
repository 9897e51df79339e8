-- Readings and the stations they belong to. $TABLE and $KEY are the referenced layer's table
-- and code column, from the static layer specs, escaped by the caller.

-- name: unknown_codes
-- The codes of $1 that no stored station has.
SELECT DISTINCT c.code
  FROM unnest($1::text[]) AS c(code)
 WHERE NOT EXISTS (SELECT 1 FROM $TABLE t WHERE t.$KEY = c.code);

-- name: nearest_stations
-- For each position ($1 longitudes, $2 latitudes), the two nearest stored stations within $3
-- metres: two, so that a reading between two stations is reported rather than guessed.
SELECT p.i::int AS i, n.code, n.dist_m
  FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)
 CROSS JOIN LATERAL (
   SELECT t.$KEY AS code, ST_Distance(t.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography) AS dist_m
     FROM $TABLE t
    WHERE ST_DWithin(t.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography, $3::float8)
    ORDER BY dist_m, t.$KEY
    LIMIT 2) n
 ORDER BY p.i, n.dist_m;
