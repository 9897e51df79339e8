SELECT "code",
       "name",
       "parent_code",
       ST_AsGeoJSON(q.g) AS geojson
FROM (
  SELECT t.code AS "code",
         t.name AS "name",
         t.parent_code AS "parent_code",
         ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(ST_Affine(ST_ClipByBox2D(ST_Simplify(ST_Transform(t.geom, 3857), (40075016.68557849 / power(2.0, $1::int) / 512.0), true), ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625)::box2d), (4096.0 / (40075016.68557849 / power(2.0, $1::int))), 0, 0, -(4096.0 / (40075016.68557849 / power(2.0, $1::int))), -(-20037508.342789244 + $2::int * (40075016.68557849 / power(2.0, $1::int))) * (4096.0 / (40075016.68557849 / power(2.0, $1::int))), (20037508.342789244 - $3::int * (40075016.68557849 / power(2.0, $1::int))) * (4096.0 / (40075016.68557849 / power(2.0, $1::int)))), 1.0)), 3) AS g
  FROM division t
  WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015625), 4326)
    AND t.level = 'township'
    AND ($4::text IS NULL OR t.code LIKE $4::text || '%')
) q
WHERE q.g IS NOT NULL
  AND NOT ST_IsEmpty(q.g)
  AND ST_Area(q.g) > 0
