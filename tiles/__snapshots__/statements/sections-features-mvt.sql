SELECT coalesce(ST_AsMVT(m, 'sections', 4096, 'geom'), ''::bytea) AS tile
FROM (
  SELECT "code",
         "name",
         "level",
         "target_class",
         "river_name",
         "reach_id",
         ST_MakePoint(q.px, q.py) AS geom
  FROM (
    SELECT t.code AS "code",
           t.name AS "name",
           t.level AS "level",
           t.target_class AS "target_class",
           t.river_name AS "river_name",
           coalesce(t.reach_id, (SELECT n.reach_id FROM network_section n WHERE n.section_code = t.code)) AS "reach_id",
           round(((ST_X(t.geom) + 180.0) / 360.0 * power(2.0, $1::int) - $2::int) * 4096.0) AS px,
           round(((1.0 - asinh(tan(radians(ST_Y(t.geom)))) / pi()) / 2.0 * power(2.0, $1::int) - $3::int) * 4096.0) AS py
    FROM section t
    WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015869140625), 4326)
  ) q
  WHERE q.px BETWEEN -64 AND 4160
    AND q.py BETWEEN -64 AND 4160
) m
