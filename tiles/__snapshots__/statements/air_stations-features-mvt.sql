SELECT coalesce(ST_AsMVT(m, 'air_stations', 4096, 'geom'), ''::bytea) AS tile
FROM (
  SELECT "code",
         "name",
         "city",
         ST_MakePoint(q.px, q.py) AS geom
  FROM (
    SELECT t.code AS "code",
           t.name AS "name",
           t.city AS "city",
           round(((ST_X(t.geom) + 180.0) / 360.0 * power(2.0, $1::int) - $2::int) * 4096.0) AS px,
           round(((1.0 - asinh(tan(radians(ST_Y(t.geom)))) / pi()) / 2.0 * power(2.0, $1::int) - $3::int) * 4096.0) AS py
    FROM air_station t
    WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015869140625), 4326)
  ) q
  WHERE q.px BETWEEN -64 AND 4160
    AND q.py BETWEEN -64 AND 4160
) m
