-- Source tiles carry each source's review flag (tiles/tile-layers.ts: `review`, and the
-- `review` filter), so a finding that appears, is decided or goes away changes the tiles
-- around its source. Like tile_change_record (002), one row per statement: the extent of the
-- sources whose findings the statement touched, under table_name 'review_finding'.
CREATE FUNCTION tile_change_review() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  box box2d;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT ST_Extent(s.geom) INTO box FROM source s WHERE s.id IN (SELECT source_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    SELECT ST_Extent(s.geom) INTO box FROM source s WHERE s.id IN (SELECT source_id FROM old_rows);
  ELSE
    -- Only a change of status (or of the source it belongs to) changes the flag.
    SELECT ST_Extent(s.geom) INTO box FROM source s WHERE s.id IN (
      SELECT n.source_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE n.status IS DISTINCT FROM o.status OR n.source_id IS DISTINCT FROM o.source_id
      UNION ALL
      SELECT o.source_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.source_id IS DISTINCT FROM o.source_id);
  END IF;
  IF box IS NULL THEN RETURN NULL; END IF;
  EXECUTE format('INSERT INTO %I.tile_change (table_name, west, south, east, north) VALUES ($1, $2, $3, $4, $5)', TG_TABLE_SCHEMA)
    USING 'review_finding', ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box);
  PERFORM pg_notify('yzt_tile_change', TG_TABLE_SCHEMA);
  RETURN NULL;
END
$$;

CREATE TRIGGER review_finding_tile_insert AFTER INSERT ON review_finding REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tile_change_review();
CREATE TRIGGER review_finding_tile_update AFTER UPDATE ON review_finding REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tile_change_review();
CREATE TRIGGER review_finding_tile_delete AFTER DELETE ON review_finding REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION tile_change_review();
