import type { FilterName, TileLayer } from '../../tiles/tile-layers.ts';
import { TILE_LAYERS } from '../../tiles/tile-layers.ts';

/**
 * The feature collections of the OGC API – Features face (/ogc). Each one reads the table a
 * tile layer reads, with the tile layer's attribute names (the product's vocabulary), so a
 * property is called the same in a tile, an item and an export. Everything here is static text
 * written by us; request input only fills numbered parameters.
 */
export type PropertyType = 'string' | 'number' | 'integer';
export type GeometryType = 'Point' | 'LineString' | 'MultiPolygon';

export interface OgcProperty {
  readonly sql: string;
  readonly type: PropertyType;
  readonly title?: string;
}

export interface OgcCollection {
  readonly id: string;
  /** 中文 first, English second, as in the UI. */
  readonly title: string;
  readonly description: string;
  /** FROM clause; the collection's own table has alias `t` (RLS applies to it and its joins). */
  readonly from: string;
  /** Tables read, for the tile filters' column choice (division, basin). */
  readonly table: string;
  /** The feature id and keyset order: unique, not null, indexed. */
  readonly key: { readonly sql: string; readonly type: 'integer' | 'string' };
  readonly geometry: { readonly sql: string; readonly type: GeometryType };
  readonly properties: Readonly<Record<string, OgcProperty>>;
  /** A static restriction. */
  readonly where?: string;
  /** Tile filters this collection takes as query parameters (names and meanings of tiles/). */
  readonly filters: readonly FilterName[];
}

const tileLayer = (id: string): TileLayer => {
  const layer = TILE_LAYERS.get(id);
  if (!layer) throw new Error(`no tile layer ${id}`);
  return layer;
};

/** The tile layer's attributes as item properties (Number → number unless told it is an integer). */
function propertiesOf(id: string, integers: readonly string[] = []): Record<string, OgcProperty> {
  const out: Record<string, OgcProperty> = {};
  for (const [name, a] of Object.entries(tileLayer(id).attributes)) {
    out[name] = { sql: a.sql, type: a.type === 'Number' ? (integers.includes(name) ? 'integer' : 'number') : 'string' };
  }
  return out;
}

const sourceTiles = tileLayer('sources');

const LIST: readonly OgcCollection[] = [
  {
    id: 'sources',
    title: '污染源 Pollution sources',
    description: 'Every pollution source of the census in the caller\'s region (deleted ones only with status=deleted).',
    from: 'source t',
    table: 'source',
    key: { sql: 't.id', type: 'integer' },
    geometry: { sql: 't.geom', type: 'Point' },
    properties: {
      census_id: { sql: 't.census_id', type: 'string', title: '普查编码 census id' },
      ...propertiesOf('sources'),
      division_code: { sql: 't.division_code', type: 'string', title: '行政区划代码 division code' },
      zone_code: { sql: 't.zone_code', type: 'string', title: '普查小区代码 census zone code' },
    },
    where: 't.geom IS NOT NULL',
    filters: sourceTiles.filters.filter((f) => f !== 'agg'),
  },
  {
    id: 'census_zones',
    title: '普查小区 Census zones',
    description: 'Census zones (普查小区).',
    from: 'census_zone t',
    table: 'census_zone',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'MultiPolygon' },
    properties: propertiesOf('census_zones'),
    filters: ['division'],
  },
  {
    id: 'divisions',
    title: '行政区划 Administrative divisions',
    description: 'Provinces, cities, counties and townships.',
    from: 'division t',
    table: 'division',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'MultiPolygon' },
    properties: { ...propertiesOf('divisions_county'), level: { sql: 't.level', type: 'string', title: '级别 level' } },
    filters: ['division'],
  },
  {
    id: 'outfalls',
    title: '入河排污口 River outfalls',
    description: 'River outfalls (入河排污口).',
    from: 'outfall t',
    table: 'outfall',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'Point' },
    properties: propertiesOf('outfalls', ['reach_id']),
    where: 't.geom IS NOT NULL',
    filters: [],
  },
  {
    id: 'river_reaches',
    title: '河段 River reaches',
    description: 'River reaches, a directed network through downstream_id.',
    from: 'river_reach t',
    table: 'river_reach',
    key: { sql: 't.id', type: 'integer' },
    geometry: { sql: 't.geom', type: 'LineString' },
    properties: propertiesOf('river_reaches', ['stream_order', 'downstream_id']),
    filters: ['basin'],
  },
  {
    id: 'basins',
    title: '流域 Basins',
    description: 'Basins and sub-basins.',
    from: 'basin t',
    table: 'basin',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'MultiPolygon' },
    properties: propertiesOf('basins', ['level']),
    filters: [],
  },
  {
    id: 'sections',
    title: '水质断面 Water-quality sections',
    description: 'Water-quality monitoring sections (断面).',
    from: 'section t',
    table: 'section',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'Point' },
    properties: propertiesOf('sections', ['target_class']),
    filters: [],
  },
  {
    id: 'air_stations',
    title: '空气站 Air-quality stations',
    description: 'Air-quality monitoring stations.',
    from: 'air_station t',
    table: 'air_station',
    key: { sql: 't.code', type: 'string' },
    geometry: { sql: 't.geom', type: 'Point' },
    properties: propertiesOf('air_stations'),
    filters: [],
  },
  {
    id: 'open_findings',
    title: '待审核问题 Open review findings',
    description: 'Review findings awaiting a decision (open or field check), at their source or outfall.',
    from: `review_finding t
      LEFT JOIN source s ON s.id = t.source_id
      LEFT JOIN outfall o ON t.subject_kind = 'outfall' AND o.code = t.subject_key`,
    table: 'review_finding',
    key: { sql: 't.id', type: 'integer' },
    geometry: { sql: 'COALESCE(s.geom, o.geom)', type: 'Point' },
    properties: {
      check_code: { sql: 't.check_code', type: 'string', title: '检查 check' },
      severity: { sql: 't.severity', type: 'string', title: '严重程度 severity' },
      status: { sql: 't.status', type: 'string', title: '状态 status' },
      subject_kind: { sql: 't.subject_kind', type: 'string' },
      subject_key: { sql: 't.subject_key', type: 'string' },
      source_id: { sql: 't.source_id', type: 'integer' },
      source_name: { sql: 's.name', type: 'string', title: '单位名称 source name' },
      distance_m: { sql: 't.distance_m', type: 'number', title: '距离 distance (m)' },
      found_at: { sql: `to_char(t.found_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, type: 'string' },
    },
    where: `t.status IN ('open', 'field_check')`,
    filters: [],
  },
];

export const OGC_COLLECTIONS: ReadonlyMap<string, OgcCollection> = new Map(LIST.map((c) => [c.id, c]));
