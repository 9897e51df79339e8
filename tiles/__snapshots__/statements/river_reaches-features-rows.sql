SELECT fid,
       "name",
       "stream_order",
       "downstream_id",
       "basin_code",
       ST_AsGeoJSON(q.g) AS geojson
FROM (
  SELECT t.id AS fid,
         t.name AS "name",
         t.stream_order AS "stream_order",
         t.downstream_id AS "downstream_id",
         t.basin_code AS "basin_code",
         ST_CollectionExtract(ST_SnapToGrid(ST_Affine(ST_ClipByBox2D(ST_Simplify(ST_Transform(t.geom, 3857), (40075016.68557849 / power(2.0, $1::int) / 512.0), true), ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625)::box2d), (4096.0 / (40075016.68557849 / power(2.0, $1::int))), 0, 0, -(4096.0 / (40075016.68557849 / power(2.0, $1::int))), -(-20037508.342789244 + $2::int * (40075016.68557849 / power(2.0, $1::int))) * (4096.0 / (40075016.68557849 / power(2.0, $1::int))), (20037508.342789244 - $3::int * (40075016.68557849 / power(2.0, $1::int))) * (4096.0 / (40075016.68557849 / power(2.0, $1::int)))), 1.0), 2) AS g
  FROM river_reach t
  WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625), 4326)
    AND ($4::text IS NULL OR t.basin_code = $4::text)
) q
WHERE q.g IS NOT NULL
  AND NOT ST_IsEmpty(q.g)
