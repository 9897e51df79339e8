SELECT c.code,
       c.count,
       c.cod,
       c.nh3n,
       c.tn,
       c.tp,
       c.so2,
       c.nox,
       c.pm,
       c.vocs,
       c.px, c.py
FROM (
  SELECT left(q.division_code, 6) AS code,
         count(*)::int AS count,
         coalesce(sum(q.cod), 0)::float8 AS cod,
         coalesce(sum(q.nh3n), 0)::float8 AS nh3n,
         coalesce(sum(q.tn), 0)::float8 AS tn,
         coalesce(sum(q.tp), 0)::float8 AS tp,
         coalesce(sum(q.so2), 0)::float8 AS so2,
         coalesce(sum(q.nox), 0)::float8 AS nox,
         coalesce(sum(q.pm), 0)::float8 AS pm,
         coalesce(sum(q.vocs), 0)::float8 AS vocs,
         round(avg(q.pxf)) AS px,
         round(avg(q.pyf)) AS py
  FROM (
    SELECT l.division_code,
           CASE WHEN length(l.division_code) >= 9 THEN left(l.division_code, 9) END AS township,
           l.zone_code,
           l.cod,
           l.nh3n,
           l.tn,
           l.tp,
           l.so2,
           l.nox,
           l.pm,
           l.vocs,
           ((l.lon + 180.0) / 360.0 * power(2.0, $1::int) - $2::int) * 4096.0 AS pxf,
           ((1.0 - asinh(tan(radians(l.lat))) / pi()) / 2.0 * power(2.0, $1::int) - $3::int) * 4096.0 AS pyf
    FROM (
      SELECT t.division_code,
             t.zone_code,
             t.cod,
             t.nh3n,
             t.tn,
             t.tp,
             t.so2,
             t.nox,
             t.pm,
             t.vocs,
             ST_X(t.geom) AS lon,
             ST_Y(t.geom) AS lat
      FROM source t
      WHERE t.geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => 0.000244140625), 4326)
        AND ($4::text[] IS NULL OR t.source_type = ANY($4::text[]))
        AND ($5::text IS NULL OR t.industry_code LIKE $5::text || '%')
        AND ($6::text IS NULL OR t.division_code LIKE $6::text || '%')
        AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = $7::text AND ST_Intersects(b.geom, t.geom)))
        AND ($8::text IS NULL OR (CASE $8::text WHEN 'cod' THEN t.cod WHEN 'nh3n' THEN t.nh3n WHEN 'tn' THEN t.tn WHEN 'tp' THEN t.tp WHEN 'so2' THEN t.so2 WHEN 'nox' THEN t.nox WHEN 'pm' THEN t.pm WHEN 'vocs' THEN t.vocs END) >= $9::float8)
        AND (CASE WHEN $10::text[] IS NULL THEN t.status <> 'deleted' ELSE t.status = ANY($10::text[]) END)
        AND ($11::text IS NULL OR ($11::text = 'open') = EXISTS (SELECT 1 FROM review_finding f WHERE f.source_id = t.id AND f.status IN ('open', 'field_check')))
      OFFSET 0
    ) l
    OFFSET 0
  ) q
  GROUP BY (q.pxf >= 0 AND q.pxf < 4096 AND q.pyf >= 0 AND q.pyf < 4096), left(q.division_code, 6)
  HAVING bool_or((q.pxf >= 0 AND q.pxf < 4096 AND q.pyf >= 0 AND q.pyf < 4096))
) c
