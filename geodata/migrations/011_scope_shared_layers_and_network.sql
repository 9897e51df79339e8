-- Scope for what 007 left open (issue 13): the river-network tables a scoped request reads,
-- and write rules for the shared reference layers.
--
-- Reading. network_source lists every water-emitting source with its place on the network; the
-- section loads summed it for every region, so a district user learnt its neighbours' sources
-- per section. It now follows its source, like review_finding. The stored link report names
-- sources of every region: only national requests read it (scoped users get one computed over
-- what they see, geodata/network/network-report.ts). The build report is about river reaches,
-- a shared layer, and stays readable by all. Requests never write the network tables: the
-- network build and link are system work on the owner's connection.
--
-- Writing. Outfalls, sections, air stations, rivers and basins are shared reference layers:
-- every region reads all of them, so a district admin who imported a class-6 reading for a
-- neighbour's section put it at the top of everyone's problem list. A scoped writer may now
-- insert, change or delete a row only when its geometry lies within a division of its region
-- (the boundary counts as inside), and a reading only for a station or section in its region.
-- A row without coordinates cannot be placed in a region: only national writers store it.

-- True when the request may write a shared row with this geometry. Division rows are already
-- limited to the scope by their own policy; the LIKE keeps the rule whole if that ever changes.
CREATE FUNCTION yzt_geom_in_scope(g geometry) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT yzt_scope_all() OR (g IS NOT NULL AND EXISTS (
    SELECT 1 FROM division d WHERE d.code LIKE yzt_scope_pattern() AND d.geom && g AND ST_Covers(d.geom, g)))
$$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['outfall', 'section', 'air_station', 'river_reach', 'basin'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (true)', t || '_read_all', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (yzt_geom_in_scope(geom))', t || '_insert_in_scope', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (yzt_geom_in_scope(geom)) WITH CHECK (yzt_geom_in_scope(geom))', t || '_update_in_scope', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (yzt_geom_in_scope(geom))', t || '_delete_in_scope', t);
  END LOOP;
END
$$;

CREATE FUNCTION yzt_section_in_scope(code text) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT yzt_scope_all() OR EXISTS (SELECT 1 FROM section s WHERE s.code = $1 AND yzt_geom_in_scope(s.geom))
$$;
CREATE FUNCTION yzt_station_in_scope(code text) RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT yzt_scope_all() OR EXISTS (SELECT 1 FROM air_station s WHERE s.code = $1 AND yzt_geom_in_scope(s.geom))
$$;

ALTER TABLE section_reading ENABLE ROW LEVEL SECURITY;
CREATE POLICY section_reading_read_all ON section_reading FOR SELECT USING (true);
CREATE POLICY section_reading_insert_in_scope ON section_reading FOR INSERT WITH CHECK (yzt_section_in_scope(section_code));
CREATE POLICY section_reading_update_in_scope ON section_reading FOR UPDATE
  USING (yzt_section_in_scope(section_code)) WITH CHECK (yzt_section_in_scope(section_code));
CREATE POLICY section_reading_delete_in_scope ON section_reading FOR DELETE USING (yzt_section_in_scope(section_code));

ALTER TABLE air_reading ENABLE ROW LEVEL SECURITY;
CREATE POLICY air_reading_read_all ON air_reading FOR SELECT USING (true);
CREATE POLICY air_reading_insert_in_scope ON air_reading FOR INSERT WITH CHECK (yzt_station_in_scope(station_code));
CREATE POLICY air_reading_update_in_scope ON air_reading FOR UPDATE
  USING (yzt_station_in_scope(station_code)) WITH CHECK (yzt_station_in_scope(station_code));
CREATE POLICY air_reading_delete_in_scope ON air_reading FOR DELETE USING (yzt_station_in_scope(station_code));

-- A source's place on the network is visible where the source is.
ALTER TABLE network_source ENABLE ROW LEVEL SECURITY;
CREATE POLICY network_source_in_scope ON network_source FOR SELECT
  USING (yzt_scope_all() OR EXISTS (SELECT 1 FROM source s WHERE s.id = network_source.source_id));

ALTER TABLE network_report ENABLE ROW LEVEL SECURITY;
CREATE POLICY network_report_read ON network_report FOR SELECT USING (yzt_scope_all() OR kind = 'build');

REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON network_reach, network_outfall, network_section, network_source, network_report FROM yzt_app;

-- When the network was last linked, for the scoped link report (which cannot read the row).
CREATE FUNCTION yzt_network_linked_at() RETURNS timestamptz LANGUAGE sql STABLE SECURITY DEFINER AS $$
  SELECT at FROM network_report WHERE kind = 'link'
$$;
