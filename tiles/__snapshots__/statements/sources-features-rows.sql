SELECT fid,
       "name",
       "type",
       "industry",
       "status",
       "review",
       "cod",
       "nh3n",
       "tn",
       "tp",
       "so2",
       "nox",
       "pm",
       "vocs",
       q.px, q.py
FROM (
  SELECT t.id AS fid,
         t.name AS "name",
         t.source_type AS "type",
         t.industry_code AS "industry",
         t.status AS "status",
         CASE WHEN EXISTS (SELECT 1 FROM review_finding f WHERE f.source_id = t.id AND f.status IN ('open', 'field_check')) THEN 'open' ELSE 'clean' END AS "review",
         t.cod AS "cod",
         t.nh3n AS "nh3n",
         t.tn AS "tn",
         t.tp AS "tp",
         t.so2 AS "so2",
         t.nox AS "nox",
         t.pm AS "pm",
         t.vocs AS "vocs",
         round(((ST_X(t.geom) + 180.0) / 360.0 * power(2.0, $1::int) - $2::int) * 4096.0) AS px,
         round(((1.0 - asinh(tan(radians(ST_Y(t.geom)))) / pi()) / 2.0 * power(2.0, $1::int) - $3::int) * 4096.0) AS py
  FROM source t
  WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015869140625), 4326)
    AND ($4::text[] IS NULL OR t.source_type = ANY($4::text[]))
    AND ($5::text IS NULL OR t.industry_code LIKE $5::text || '%')
    AND ($6::text IS NULL OR t.division_code LIKE $6::text || '%')
    AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = $7::text AND ST_Intersects(b.geom, t.geom)))
    AND ($8::text IS NULL OR (CASE $8::text WHEN 'cod' THEN t.cod WHEN 'nh3n' THEN t.nh3n WHEN 'tn' THEN t.tn WHEN 'tp' THEN t.tp WHEN 'so2' THEN t.so2 WHEN 'nox' THEN t.nox WHEN 'pm' THEN t.pm WHEN 'vocs' THEN t.vocs END) >= $9::float8)
    AND (CASE WHEN $10::text[] IS NULL THEN t.status <> 'deleted' ELSE t.status = ANY($10::text[]) END)
    AND ($11::text IS NULL OR ($11::text = 'open') = EXISTS (SELECT 1 FROM review_finding f WHERE f.source_id = t.id AND f.status IN ('open', 'field_check')))
) q
WHERE q.px BETWEEN -64 AND 4160
  AND q.py BETWEEN -64 AND 4160
