SELECT count(*)::int AS n
FROM (
  SELECT 1
  FROM source t
  WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.015869140625), 4326)
    AND ($5::text[] IS NULL OR t.source_type = ANY($5::text[]))
    AND ($6::text IS NULL OR t.industry_code LIKE $6::text || '%')
    AND ($7::text IS NULL OR t.division_code LIKE $7::text || '%')
    AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = $8::text AND ST_Intersects(b.geom, t.geom)))
    AND ($9::text IS NULL OR (CASE $9::text WHEN 'cod' THEN t.cod WHEN 'nh3n' THEN t.nh3n WHEN 'tn' THEN t.tn WHEN 'tp' THEN t.tp WHEN 'so2' THEN t.so2 WHEN 'nox' THEN t.nox WHEN 'pm' THEN t.pm WHEN 'vocs' THEN t.vocs END) >= $10::float8)
    AND (CASE WHEN $11::text[] IS NULL THEN t.status <> 'deleted' ELSE t.status = ANY($11::text[]) END)
    AND ($12::text IS NULL OR ($12::text = 'open') = EXISTS (SELECT 1 FROM review_finding f WHERE f.source_id = t.id AND f.status IN ('open', 'field_check')))
  LIMIT $4::int
) s
