-- Source writers take one transaction-level lock before they touch source_cell. Without it,
-- two transactions writing sources in different regions could each hold a coarse cell the
-- other's next batch needs (every batch updates the level-5 cell of its area) and deadlock;
-- with it they queue: a source write waits for a concurrent one to commit, which the shared
-- coarse cells imposed anyway. Same trigger function as in 004 otherwise.
CREATE OR REPLACE FUNCTION source_cell_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cols constant text := 'ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, s.cod, s.nh3n, s.tn, s.tp, s.so2, s.nox, s.pm, s.vocs';
  keep constant text := 's.geom IS NOT NULL AND s.status <> ''deleted''';
  unchanged text := 'o.id = s.id';
  col text;
  rows_sql text;
  delta text;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.source_cell'));
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
  PERFORM pg_advisory_xact_lock(hashtext(TG_TABLE_SCHEMA || '.source_cell'));
  EXECUTE format('SELECT %I.source_cell_delta_sql($1, $2)', TG_TABLE_SCHEMA) INTO delta USING TG_TABLE_SCHEMA, rows_sql;
  EXECUTE delta;
  RETURN NULL;
END
$$;
