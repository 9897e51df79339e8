-- Pre-aggregated source cells for the low-zoom `sources` tiles (tiles/tile-queries.ts).
-- A cell of level L is 1/2^L of the web-mercator world wide; gx, gy are the world coordinates
-- in [0, 1) (x east, y south). Tile z with grid cells of 4096/2^k tile units reads level
-- z + k (k = 5 for the default 128-unit cell), or rolls up the next finer stored level.
-- Only base levels 5, 8, 11, 14 and 17 are kept (z0..z12 at the default cell, at most 4x4
-- finer cells per served cell), so the trigger below expands each changed source 5 times.
-- Counts and sums cover the sources a request without filters shows (status <> 'deleted');
-- filtered requests aggregate on the fly. sx, sy sum the world coordinates, so a cell's
-- mean position rolls up exactly. A cell whose sources all left keeps a row with n = 0.
CREATE TABLE source_cell (
  level smallint NOT NULL,
  cx    integer NOT NULL,
  cy    integer NOT NULL,
  n     integer NOT NULL,
  sx    double precision NOT NULL,
  sy    double precision NOT NULL,
  cod   double precision NOT NULL,
  nh3n  double precision NOT NULL,
  tn    double precision NOT NULL,
  tp    double precision NOT NULL,
  so2   double precision NOT NULL,
  nox   double precision NOT NULL,
  pm    double precision NOT NULL,
  vocs  double precision NOT NULL,
  PRIMARY KEY (level, cx, cy)
);

-- The world coordinates of the sources a cell counts (inside the mercator square, not deleted),
-- signed +1 / -1, added to the cells of every base level: the statement for the back-fill
-- below and every trigger call. `rows_sql` yields sign, lon, lat and the eight emissions.
CREATE FUNCTION source_cell_delta_sql(target_schema text, rows_sql text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT format($q$
    INSERT INTO %I.source_cell AS c (level, cx, cy, n, sx, sy, cod, nh3n, tn, tp, so2, nox, pm, vocs)
    SELECT l.level, floor(d.gx * (1 << l.level))::int, floor(d.gy * (1 << l.level))::int,
      sum(d.sign)::int, sum(d.sign * d.gx), sum(d.sign * d.gy),
      sum(d.sign * coalesce(d.cod, 0)), sum(d.sign * coalesce(d.nh3n, 0)), sum(d.sign * coalesce(d.tn, 0)),
      sum(d.sign * coalesce(d.tp, 0)), sum(d.sign * coalesce(d.so2, 0)), sum(d.sign * coalesce(d.nox, 0)),
      sum(d.sign * coalesce(d.pm, 0)), sum(d.sign * coalesce(d.vocs, 0))
    FROM (
      SELECT r.sign, (r.lon + 180.0) / 360.0 AS gx, (1.0 - asinh(tan(radians(r.lat))) / pi()) / 2.0 AS gy,
        r.cod, r.nh3n, r.tn, r.tp, r.so2, r.nox, r.pm, r.vocs
      FROM (%s) r
      WHERE r.lon >= -180.0 AND r.lon < 180.0 AND r.lat > -85.0511287798 AND r.lat < 85.0511287798
    ) d CROSS JOIN (VALUES (5), (8), (11), (14), (17)) l(level)
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (level, cx, cy) DO UPDATE SET n = c.n + excluded.n, sx = c.sx + excluded.sx, sy = c.sy + excluded.sy,
      cod = c.cod + excluded.cod, nh3n = c.nh3n + excluded.nh3n, tn = c.tn + excluded.tn, tp = c.tp + excluded.tp,
      so2 = c.so2 + excluded.so2, nox = c.nox + excluded.nox, pm = c.pm + excluded.pm, vocs = c.vocs + excluded.vocs
  $q$, target_schema, rows_sql)
$f$;

-- Statement-level, like tile_change: a bulk import updates the cells once per batch.
-- An update that leaves position, status and emissions alone (a rename, a review flag)
-- changes no cell and is skipped.
CREATE FUNCTION source_cell_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cols constant text := 'ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs';
  keep constant text := 's.geom IS NOT NULL AND s.status <> ''deleted''';
  unchanged text := 'o.id = s.id';
  col text;
  rows_sql text;
  delta text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    EXECUTE format('DELETE FROM %I.source_cell', TG_TABLE_SCHEMA);
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    rows_sql := format('SELECT 1 AS sign, %s FROM new_rows s WHERE %s', cols, keep);
  ELSIF TG_OP = 'DELETE' THEN
    rows_sql := format('SELECT -1 AS sign, %s FROM old_rows s WHERE %s', cols, keep);
  ELSE
    FOREACH col IN ARRAY ARRAY['geom', 'status', 'cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs'] LOOP
      unchanged := unchanged || format(' AND o.%1$I IS NOT DISTINCT FROM s.%1$I', col);
    END LOOP;
    rows_sql := format('SELECT 1 AS sign, %s FROM new_rows s WHERE %s AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE %s)', cols, keep, unchanged)
      || format(' UNION ALL SELECT -1 AS sign, %s FROM old_rows s WHERE %s AND NOT EXISTS (SELECT 1 FROM new_rows o WHERE %s)', cols, keep, unchanged);
  END IF;
  EXECUTE format('SELECT %I.source_cell_delta_sql($1, $2)', TG_TABLE_SCHEMA) INTO delta USING TG_TABLE_SCHEMA, rows_sql;
  EXECUTE delta;
  RETURN NULL;
END
$$;

CREATE TRIGGER source_cell_insert AFTER INSERT ON source REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION source_cell_apply();
CREATE TRIGGER source_cell_update AFTER UPDATE ON source REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION source_cell_apply();
CREATE TRIGGER source_cell_delete AFTER DELETE ON source REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION source_cell_apply();
CREATE TRIGGER source_cell_truncate AFTER TRUNCATE ON source
  FOR EACH STATEMENT EXECUTE FUNCTION source_cell_apply();

-- Sources already stored.
DO $$
BEGIN
  EXECUTE source_cell_delta_sql(current_schema(),
    'SELECT 1 AS sign, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs '
    || 'FROM source s WHERE s.geom IS NOT NULL AND s.status <> ''deleted''');
END
$$;
