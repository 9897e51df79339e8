SELECT coalesce(ST_AsMVT(m, 'river_reaches', 4096, 'geom', 'fid'), ''::bytea) AS tile
FROM (
  SELECT *
  FROM (
    SELECT t.id AS fid,
           t.name AS "name",
           t.stream_order AS "stream_order",
           t.downstream_id AS "downstream_id",
           t.basin_code AS "basin_code",
           ST_AsMVTGeom(ST_Simplify(ST_Transform(t.geom, 3857), (40075016.68557849 / power(2.0, $1::int) / 512.0), true), ST_TileEnvelope($1::int, $2::int, $3::int), 4096, 64, true) AS geom
    FROM river_reach t
    WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625), 4326)
      AND ($4::text IS NULL OR t.basin_code = $4::text)
  ) q
  WHERE q.geom IS NOT NULL
) m
