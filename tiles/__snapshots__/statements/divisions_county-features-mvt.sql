SELECT coalesce(ST_AsMVT(m, 'divisions_county', 4096, 'geom'), ''::bytea) AS tile
FROM (
  SELECT *
  FROM (
    SELECT t.code AS "code",
           t.name AS "name",
           t.parent_code AS "parent_code",
           ST_AsMVTGeom(ST_Simplify(ST_Transform(t.geom, 3857), (40075016.68557849 / power(2.0, $1::int) / 512.0), true), ST_TileEnvelope($1::int, $2::int, $3::int), 4096, 64, true) AS geom
    FROM division t
    WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625), 4326)
      AND t.level = 'county'
      AND ($4::text IS NULL OR t.code LIKE $4::text || '%')
  ) q
  WHERE q.geom IS NOT NULL
) m
