-- Pre-aggregated source cells per source type, for low-zoom `sources` tiles filtered by type
-- (the map's first filter). Without them such a tile aggregates every source in it on the
-- fly: 1.5 s for a z6 tile of the 3.6M benchmark set, against about 1 ms for stored cells.
-- Same cells, sums and world coordinates as source_cell (migration 004), one row per type,
-- at base levels 5, 8, 11 and 14 only: with the default 128-unit cell those serve z0..z9;
-- from z10 on a filtered tile holds few enough sources to aggregate on the fly (tens of ms).
CREATE TABLE source_type_cell (
  level       smallint NOT NULL,
  cx          integer NOT NULL,
  cy          integer NOT NULL,
  source_type text NOT NULL,
  n           integer NOT NULL,
  sx          double precision NOT NULL,
  sy          double precision NOT NULL,
  cod         double precision NOT NULL,
  nh3n        double precision NOT NULL,
  tn          double precision NOT NULL,
  tp          double precision NOT NULL,
  so2         double precision NOT NULL,
  nox         double precision NOT NULL,
  pm          double precision NOT NULL,
  vocs        double precision NOT NULL,
  PRIMARY KEY (level, cx, cy, source_type)
);

-- As source_cell_delta_sql, keyed by type too; `rows_sql` also yields source_type.
CREATE FUNCTION source_type_cell_delta_sql(target_schema text, rows_sql text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
    INSERT INTO %I.source_type_cell AS c (level, cx, cy, source_type, n, sx, sy, cod, nh3n, tn, tp, so2, nox, pm, vocs)
    SELECT l.level, floor(d.gx * (1 << l.level))::int, floor(d.gy * (1 << l.level))::int, d.source_type,
      sum(d.sign)::int, sum(d.sign * d.gx), sum(d.sign * d.gy),
      sum(d.sign * coalesce(d.cod, 0)), sum(d.sign * coalesce(d.nh3n, 0)), sum(d.sign * coalesce(d.tn, 0)),
      sum(d.sign * coalesce(d.tp, 0)), sum(d.sign * coalesce(d.so2, 0)), sum(d.sign * coalesce(d.nox, 0)),
      sum(d.sign * coalesce(d.pm, 0)), sum(d.sign * coalesce(d.vocs, 0))
    FROM (
      SELECT r.sign, r.source_type, (r.lon + 180.0) / 360.0 AS gx, (1.0 - asinh(tan(radians(r.lat))) / pi()) / 2.0 AS gy,
        r.cod, r.nh3n, r.tn, r.tp, r.so2, r.nox, r.pm, r.vocs
      FROM (%s) r
      WHERE r.lon >= -180.0 AND r.lon < 180.0 AND r.lat > -85.0511287798 AND r.lat < 85.0511287798
    ) d CROSS JOIN (VALUES (5), (8), (11), (14)) l(level)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (level, cx, cy, source_type) DO UPDATE SET n = c.n + excluded.n, sx = c.sx + excluded.sx, sy = c.sy + excluded.sy,
      cod = c.cod + excluded.cod, nh3n = c.nh3n + excluded.nh3n, tn = c.tn + excluded.tn, tp = c.tp + excluded.tp,
      so2 = c.so2 + excluded.so2, nox = c.nox + excluded.nox, pm = c.pm + excluded.pm, vocs = c.vocs + excluded.vocs
  $q$, target_schema, rows_sql)
$f$;

-- The trigger of 006 (one lock, statement-level deltas), now feeding both tables; a change of
-- type alone moves a source between type cells and nets out in source_cell. Still run as the
-- table owner (007), so a scoped edit moves the national cells.
CREATE OR REPLACE FUNCTION source_cell_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
  cols constant text := 's.source_type, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs';
  keep constant text := 's.geom IS NOT NULL AND s.status <> ''deleted''';
  unchanged text := 'o.id = s.id';
  col text;
  rows_sql text;
  delta text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.source_cell'));
    EXECUTE format('DELETE FROM %I.source_cell', TG_TABLE_SCHEMA);
    EXECUTE format('DELETE FROM %I.source_type_cell', TG_TABLE_SCHEMA);
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    rows_sql := format('SELECT 1 AS sign, %s FROM new_rows s WHERE %s', cols, keep);
  ELSIF TG_OP = 'DELETE' THEN
    rows_sql := format('SELECT -1 AS sign, %s FROM old_rows s WHERE %s', cols, keep);
  ELSE
    FOREACH col IN ARRAY ARRAY['geom', 'status', 'source_type', 'cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs'] LOOP
      unchanged := unchanged || format(' AND o.%1$I IS NOT DISTINCT FROM s.%1$I', col);
    END LOOP;
    rows_sql := format('SELECT 1 AS sign, %s FROM new_rows s WHERE %s AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE %s)', cols, keep, unchanged)
      || format(' UNION ALL SELECT -1 AS sign, %s FROM old_rows s WHERE %s AND NOT EXISTS (SELECT 1 FROM new_rows o WHERE %s)', cols, keep, unchanged);
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.source_cell'));
  EXECUTE format('SELECT %I.source_cell_delta_sql($1, $2)', TG_TABLE_SCHEMA) INTO delta USING TG_TABLE_SCHEMA, rows_sql;
  EXECUTE delta;
  EXECUTE format('SELECT %I.source_type_cell_delta_sql($1, $2)', TG_TABLE_SCHEMA) INTO delta USING TG_TABLE_SCHEMA, rows_sql;
  EXECUTE delta;
  RETURN NULL;
END
$$;

-- Scoped users aggregate only what they can see (on the fly); the national cells are not theirs.
ALTER TABLE source_type_cell ENABLE ROW LEVEL SECURITY;
CREATE POLICY source_type_cell_national ON source_type_cell FOR SELECT USING (yzt_scope_all());

-- Sources already stored.
DO $$
BEGIN
  EXECUTE source_type_cell_delta_sql(current_schema(),
    'SELECT 1 AS sign, s.source_type, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs '
    || 'FROM source s WHERE s.geom IS NOT NULL AND s.status <> ''deleted''');
END
$$;
