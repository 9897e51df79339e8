-- Where the map data changed, for the tile caches of every server process on this database.
-- One row per changing statement and table: the bounding box (EPSG:4326) of the rows it
-- touched, before and after; NULL box = everything (TRUNCATE). Servers read it by seq
-- (polling, woken early by NOTIFY yzt_tile_change where the engine delivers it) and drop
-- the cached tiles that intersect the box. Statement-level triggers with transition tables
-- keep a bulk import at one row per batch, not per source.
CREATE TABLE tile_change (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name text NOT NULL,
  west       double precision,
  south      double precision,
  east       double precision,
  north      double precision,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tile_change_at_idx ON tile_change (at);

CREATE FUNCTION tile_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  box box2d;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    box := NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT ST_Extent(geom) INTO box FROM new_rows;
    IF box IS NULL THEN RETURN NULL; END IF;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT ST_Extent(geom) INTO box FROM old_rows;
    IF box IS NULL THEN RETURN NULL; END IF;
  ELSE
    -- An edit can move a feature: both where it was and where it is now change.
    SELECT ST_Extent(u.geom) INTO box FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) u;
    IF box IS NULL THEN RETURN NULL; END IF;
  END IF;
  EXECUTE format('INSERT INTO %I.tile_change (table_name, west, south, east, north) VALUES ($1, $2, $3, $4, $5)', TG_TABLE_SCHEMA)
    USING TG_TABLE_NAME, ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box);
  PERFORM pg_notify('yzt_tile_change', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['source', 'census_zone', 'division', 'basin', 'river_reach', 'outfall', 'section', 'air_station'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_change_record()', t || '_tile_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_change_record()', t || '_tile_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tile_change_record()', t || '_tile_delete', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION tile_change_record()', t || '_tile_truncate', t);
  END LOOP;
END
$$;
