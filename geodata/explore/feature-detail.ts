import type pg from 'pg';
import type { FeatureLayer } from './search.ts';

/** Every stored attribute of one feature, for the popup / side panel. */
export interface FeatureDetail {
  readonly layer: DetailLayer;
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly lng: number;
  readonly lat: number;
  readonly bbox: [number, number, number, number];
}

/** `source_id` finds a source by its internal id, which is the feature id in the tiles. */
export type DetailLayer = FeatureLayer | 'source_id';

export { FEATURE_LAYERS } from '../model/api/explore.ts';

const COMMON = `ST_X(ST_PointOnSurface(t.geom)) AS lng, ST_Y(ST_PointOnSurface(t.geom)) AS lat,
  ARRAY[ST_XMin(t.geom), ST_YMin(t.geom), ST_XMax(t.geom), ST_YMax(t.geom)] AS bbox`;
const PROPS = `to_jsonb(t) - 'geom' - 'import_batch'`;

// One static statement per layer: the layer name picks the statement, it never enters the SQL.
// name_key is derived from the name for list matching (012_quality_loop.sql), not an attribute.
const DETAIL_SQL: Record<DetailLayer, string> = {
  source: `SELECT ${PROPS} - 'entered_x' - 'entered_y' - 'row_version' - 'name_key' AS props, ${COMMON},
             (SELECT name FROM division d WHERE d.code = t.division_code) AS division_name
           FROM source t WHERE t.census_id = $1`,
  source_id: `SELECT ${PROPS} - 'entered_x' - 'entered_y' - 'row_version' - 'name_key' AS props, ${COMMON},
             (SELECT name FROM division d WHERE d.code = t.division_code) AS division_name
           FROM source t WHERE t.id::text = $1`,
  census_zone: `SELECT ${PROPS} AS props, ${COMMON},
             (SELECT count(*)::int FROM source s WHERE s.zone_code = t.code AND s.status <> 'deleted') AS source_count
           FROM census_zone t WHERE t.code = $1`,
  division: `SELECT ${PROPS} AS props, ${COMMON}, round((ST_Area(t.geom::geography) / 1e6)::numeric, 2)::float8 AS area_km2
           FROM division t WHERE t.code = $1`,
  outfall: `SELECT ${PROPS} AS props, ${COMMON},
             (SELECT count(*)::int FROM source s WHERE s.outfall_code = t.code AND s.status <> 'deleted') AS source_count,
             (SELECT n.reach_id FROM network_outfall n WHERE n.outfall_code = t.code) AS linked_reach_id
           FROM outfall t WHERE t.code = $1`,
  river_reach: `SELECT ${PROPS} AS props, ${COMMON}, round((ST_Length(t.geom::geography) / 1000)::numeric, 2)::float8 AS length_km
           FROM river_reach t WHERE t.id::text = $1`,
  basin: `SELECT ${PROPS} AS props, ${COMMON}, round((ST_Area(t.geom::geography) / 1e6)::numeric, 2)::float8 AS area_km2
           FROM basin t WHERE t.code = $1`,
  section: `SELECT ${PROPS} AS props, ${COMMON},
             (SELECT to_jsonb(r) - 'section_code' - 'import_batch' FROM section_reading r
               WHERE r.section_code = t.code ORDER BY r.month DESC LIMIT 1) AS latest,
             (SELECT n.reach_id FROM network_section n WHERE n.section_code = t.code) AS linked_reach_id
           FROM section t WHERE t.code = $1`,
  air_station: `SELECT ${PROPS} AS props, ${COMMON},
             (SELECT to_jsonb(r) - 'station_code' - 'import_batch' FROM air_reading r
               WHERE r.station_code = t.code ORDER BY r.month DESC LIMIT 1) AS latest
           FROM air_station t WHERE t.code = $1`,
};

export async function featureDetail(pool: pg.Pool, layer: DetailLayer, id: string): Promise<FeatureDetail | null> {
  const { rows } = await pool.query<Record<string, unknown>>(DETAIL_SQL[layer], [id]);
  const row = rows[0];
  if (!row) return null;
  const properties: Record<string, unknown> = { ...(row.props as Record<string, unknown>) };
  for (const extra of ['division_name', 'source_count', 'area_km2', 'length_km']) {
    if (extra in row) properties[extra] = row[extra];
  }
  // The stored reach, else the one the network link placed it on (issue #15: the panel showed
  // 河段编号 "—" for a section linked by nearness), as the tiles' reach_id attribute does.
  if ((properties.reach_id ?? null) === null && row.linked_reach_id !== undefined && row.linked_reach_id !== null) {
    properties.reach_id = Number(row.linked_reach_id);
  }
  if (row.latest) {
    for (const [k, v] of Object.entries(row.latest as Record<string, unknown>)) properties[`latest_${k}`] = v;
  }
  return {
    layer,
    id,
    properties,
    lng: Number(row.lng),
    lat: Number(row.lat),
    bbox: (row.bbox as number[]).map(Number) as [number, number, number, number],
  };
}
