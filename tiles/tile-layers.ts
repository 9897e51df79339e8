/**
 * The tile layers the service publishes: one entry per URL name, each reading one table.
 * Everything here is static text written by us; request input never reaches these strings,
 * it only fills the numbered parameters of the statements built from them.
 */
import { openFindingSql } from '../geodata/explore/filter-sql.ts';
import { FILTER_NAMES, type FilterName } from '../geodata/model/source-filters.ts';
import { divisionTileLayer, POLLUTANTS, type DivisionLevel } from '../geodata/model/vocabulary.ts';

export { AGGREGATIONS, type Aggregation, type FilterName } from '../geodata/model/source-filters.ts';

export type FieldType = 'String' | 'Number' | 'Boolean';
export type GeometryKind = 'point' | 'line' | 'polygon';

export interface TileLayer {
  /** URL name and MVT layer name. */
  readonly id: string;
  readonly description: string;
  /** The table the features come from; a change in it invalidates cached tiles. */
  readonly table: string;
  readonly geometry: GeometryKind;
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly cacheControl: string;
  /** Attribute name → SQL expression over alias `t` (static). */
  readonly attributes: Readonly<Record<string, { sql: string; type: FieldType }>>;
  /** SQL expression giving the MVT feature id (integer), if the layer has one. */
  readonly featureId?: string;
  /** A static restriction, e.g. one division level. */
  readonly where?: string;
  /** Query parameters this layer accepts. */
  readonly filters: readonly FilterName[];
}

export { POLLUTANTS, REVIEW_FLAGS, SOURCE_STATUSES, SOURCE_TYPES, type Pollutant } from '../geodata/model/vocabulary.ts';
/** The SQL of "this source (alias t) has a finding awaiting a decision". */
export const OPEN_FINDING_SQL = openFindingSql('t');

/** The MVT layer name of aggregated sources (below the detail zoom). */
export const SOURCE_CELLS_LAYER = 'source_cells';

const MAX_ZOOM = 22;
// Sources change through imports and edits; clients revalidate (cheap 304) every time so an
// edit shows at once. Reference layers change rarely and may be reused for a minute.
const REVALIDATE = 'public, no-cache';
const REFERENCE = 'public, max-age=60, stale-while-revalidate=600';

const emissionAttributes = Object.fromEntries(POLLUTANTS.map((p) => [p, { sql: `t.${p}`, type: 'Number' as const }]));

const SOURCES: TileLayer = {
  id: 'sources',
  description: 'Pollution sources; individual from the detail zoom on, aggregated (layer source_cells) below it',
  table: 'source',
  geometry: 'point',
  minzoom: 0,
  maxzoom: MAX_ZOOM,
  cacheControl: REVALIDATE,
  featureId: 't.id',
  attributes: {
    name: { sql: 't.name', type: 'String' },
    type: { sql: 't.source_type', type: 'String' },
    industry: { sql: 't.industry_code', type: 'String' },
    status: { sql: 't.status', type: 'String' },
    // For the popup: whether a reviewer still has to look at this source (待审核).
    review: { sql: `CASE WHEN ${OPEN_FINDING_SQL} THEN 'open' ELSE 'clean' END`, type: 'String' },
    ...emissionAttributes,
  },
  // Every source filter (geodata/model/source-filters.ts): a filter added there reaches the tiles.
  filters: FILTER_NAMES,
};

function divisionLayer(level: DivisionLevel, minzoom: number): TileLayer {
  return {
    id: divisionTileLayer(level),
    description: `Administrative divisions, ${level} level`,
    table: 'division',
    geometry: 'polygon',
    minzoom,
    maxzoom: MAX_ZOOM,
    cacheControl: REFERENCE,
    where: `t.level = '${level}'`,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      parent_code: { sql: 't.parent_code', type: 'String' },
    },
    filters: ['division'],
  };
}

const LAYER_LIST: readonly TileLayer[] = [
  SOURCES,
  {
    id: 'census_zones',
    description: 'Census zones (普查小区)',
    table: 'census_zone',
    geometry: 'polygon',
    minzoom: 8,
    maxzoom: MAX_ZOOM,
    cacheControl: REFERENCE,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      township_code: { sql: 't.township_code', type: 'String' },
      county_code: { sql: 't.county_code', type: 'String' },
    },
    filters: ['division'],
  },
  divisionLayer('province', 0),
  divisionLayer('city', 0),
  divisionLayer('county', 0),
  divisionLayer('township', 6),
  {
    id: 'outfalls',
    description: 'River outfalls (入河排污口)',
    table: 'outfall',
    geometry: 'point',
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    cacheControl: REVALIDATE,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      receiving_water: { sql: 't.receiving_water', type: 'String' },
      // The stored reach, else the one the network link placed it on (issue #15: it showed "—").
      reach_id: { sql: 'coalesce(t.reach_id, (SELECT n.reach_id FROM network_outfall n WHERE n.outfall_code = t.code))', type: 'Number' },
    },
    filters: [],
  },
  {
    id: 'river_reaches',
    description: 'River reaches',
    table: 'river_reach',
    geometry: 'line',
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    cacheControl: REFERENCE,
    featureId: 't.id',
    attributes: {
      name: { sql: 't.name', type: 'String' },
      stream_order: { sql: 't.stream_order', type: 'Number' },
      downstream_id: { sql: 't.downstream_id', type: 'Number' },
      basin_code: { sql: 't.basin_code', type: 'String' },
    },
    filters: ['basin'],
  },
  {
    id: 'basins',
    description: 'Basins and sub-basins',
    table: 'basin',
    geometry: 'polygon',
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    cacheControl: REFERENCE,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      level: { sql: 't.level', type: 'Number' },
      parent_code: { sql: 't.parent_code', type: 'String' },
    },
    filters: [],
  },
  {
    id: 'sections',
    description: 'Water-quality monitoring sections (断面)',
    table: 'section',
    geometry: 'point',
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    cacheControl: REVALIDATE,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      level: { sql: 't.level', type: 'String' },
      target_class: { sql: 't.target_class', type: 'Number' },
      river_name: { sql: 't.river_name', type: 'String' },
      reach_id: { sql: 'coalesce(t.reach_id, (SELECT n.reach_id FROM network_section n WHERE n.section_code = t.code))', type: 'Number' },
    },
    filters: [],
  },
  {
    id: 'air_stations',
    description: 'Air-quality monitoring stations',
    table: 'air_station',
    geometry: 'point',
    minzoom: 0,
    maxzoom: MAX_ZOOM,
    cacheControl: REVALIDATE,
    attributes: {
      code: { sql: 't.code', type: 'String' },
      name: { sql: 't.name', type: 'String' },
      city: { sql: 't.city', type: 'String' },
    },
    filters: [],
  },
];

export const TILE_LAYERS: ReadonlyMap<string, TileLayer> = new Map(LAYER_LIST.map((l) => [l.id, l]));

/** Attributes of an aggregated source cell (grid cell or census unit). */
export const CELL_ATTRIBUTES: Readonly<Record<string, FieldType>> = {
  count: 'Number',
  code: 'String',
  ...Object.fromEntries(POLLUTANTS.map((p) => [p, 'Number' as const])),
};

/** Tables whose changes can alter a layer's tiles (the basin filter reads basin polygons). */
export function tablesRead(layer: TileLayer, usesBasinFilter: boolean): string[] {
  const tables = usesBasinFilter && layer.table !== 'basin' ? [layer.table, 'basin'] : [layer.table];
  // Source features carry their review flag: a decision or a new finding changes the tile.
  return layer.table === 'source' ? [...tables, 'review_finding'] : tables;
}
