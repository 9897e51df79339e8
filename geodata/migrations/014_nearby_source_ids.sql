-- The sources around a finding (the review map's "nearby"), found through the spatial index
-- under row-level security.
--
-- Why SECURITY DEFINER, as search_source_ids (010): requests run as yzt_app under RLS (007), and
-- PostgreSQL puts a condition into an index scan below the policy only when the condition is
-- leakproof, which PostGIS's && and ST_DWithin are not. As yzt_app the nearby query read every
-- source: 1.5 s a finding on 600k sources (EXPLAIN ANALYZE, PostgreSQL 15), against 59 ms with
-- the index. So this function reads the table as its owner, applies the scope itself with the
-- test of policy source_in_scope, and returns nothing without a valid scope. The caller joins
-- the ids back to source as yzt_app, so RLS still checks every row.
--
-- The ids of at most `lim` sources within `metres` of (lon, lat), nearest first, leaving out
-- `skip` (the finding's own source), deleted ones and those without a position.
CREATE FUNCTION nearby_source_ids(lon float8, lat float8, metres float8, skip bigint, lim integer)
RETURNS TABLE (id bigint, distance_m float8) LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
DECLARE
  scope text := CASE WHEN yzt_scope_all() THEN NULL ELSE yzt_scope_pattern() END;
  here geometry := ST_SetSRID(ST_MakePoint(lon, lat), 4326);
BEGIN
  IF NOT yzt_scope_all() AND scope IS NULL THEN
    RETURN;
  END IF;
  IF lon IS NULL OR lat IS NULL OR metres IS NULL OR lim IS NULL OR lim < 1 THEN
    RETURN;
  END IF;
  -- A degree of latitude is 111 km; 1.5 of that box covers a degree of longitude up to 48° N,
  -- and the geography test after it keeps the true distance.
  RETURN QUERY
    SELECT s.id, ST_Distance(s.geom::geography, here::geography)
    FROM source s
    WHERE s.geom IS NOT NULL AND s.status <> 'deleted' AND s.id IS DISTINCT FROM skip
      AND (scope IS NULL OR s.division_code LIKE scope)
      AND ST_DWithin(s.geom, here, metres / 111000.0 * 1.5)
      AND ST_DWithin(s.geom::geography, here::geography, metres)
    ORDER BY s.geom <-> here
    LIMIT least(lim, 1000);
END
$$;

-- Runs with the owner's rights: names resolve in this schema only.
DO $$
BEGIN
  EXECUTE format('ALTER FUNCTION nearby_source_ids(float8, float8, float8, bigint, integer) SET search_path = pg_catalog, %I, public, pg_temp', current_schema());
END
$$;
REVOKE ALL ON FUNCTION nearby_source_ids(float8, float8, float8, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION nearby_source_ids(float8, float8, float8, bigint, integer) TO yzt_app;
