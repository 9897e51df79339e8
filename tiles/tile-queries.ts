import { createHash } from 'node:crypto';
import { escapeLiteral } from 'pg';
import { TILE_BUFFER, TILE_EXTENT, type TileAddress } from './tile-address.ts';
import type { TileFilters } from './tile-filters.ts';
import { filterWhere, Params } from '../geodata/explore/filter-sql.ts';
import { POLLUTANTS, SOURCE_CELLS_LAYER, type Aggregation, type TileLayer } from './tile-layers.ts';

/**
 * The SQL behind every tile. Each statement is built once per (layer, variant, encoding)
 * from the static layer definitions; the tile address and the filters are always bind
 * parameters ($1 z, $2 x, $3 y, then one per filter), so a filter value can never become SQL.
 *
 * Two encodings share everything up to the last step:
 * - 'mvt': the database encodes with ST_AsMVT and returns one bytea (real PostGIS);
 * - 'rows': the database returns features already clipped, snapped to the 4096 grid and in
 *   tile coordinates, and Node encodes them (the embedded engine has no ST_AsMVT).
 * Points (and aggregated cells) are placed by the same arithmetic on both paths, so their
 * decoded coordinates agree exactly; lines and polygons go through ST_AsMVTGeom where it
 * exists and through the equivalent clip/affine/snap chain otherwise.
 */
export type Encoding = 'mvt' | 'rows';

export type TileVariant =
  | { kind: 'features' }
  | { kind: 'cells'; agg: Aggregation }
  /** Grid cells rolled up from the pre-aggregated `source_cell` table (unfiltered sources only). */
  | { kind: 'stored-cells' }
  /** The same from `source_type_cell` (a type filter and no other). */
  | { kind: 'stored-type-cells' };

export interface TileStatement {
  /** Prepared-statement name (stable for the text). */
  readonly name: string;
  readonly text: string;
  readonly layerName: string;
  readonly geometry: 'point' | 'line' | 'polygon';
  /** Builds the bind values for one tile. */
  values(tile: TileAddress, filters: TileFilters, cellSize: number): unknown[];
  /** Attribute names and types, for decoding rows (the Node path). */
  readonly attributes: Readonly<Record<string, 'String' | 'Number' | 'Boolean'>>;
  readonly hasFeatureId: boolean;
}

/** The statement for one layer/variant/encoding (memoised). */
export function tileStatement(layer: TileLayer, variant: TileVariant, encoding: Encoding): TileStatement {
  const key = `${layer.id}|${variant.kind === 'cells' ? variant.agg : variant.kind}|${encoding}`;
  let statement = STATEMENTS.get(key);
  if (!statement) {
    statement =
      variant.kind === 'cells' ? cellStatement(layer, variant.agg, encoding)
      : variant.kind === 'stored-cells' || variant.kind === 'stored-type-cells' ? storedCellStatement(encoding, variant.kind === 'stored-type-cells')
      : featureStatement(layer, encoding);
    STATEMENTS.set(key, statement);
  }
  return statement;
}

/** Levels of `source_cell` (migration 004) and of `source_type_cell` (009). */
export const STORED_CELL_LEVELS = [5, 8, 11, 14, 17] as const;
export const STORED_TYPE_CELL_LEVELS = [5, 8, 11, 14] as const;

/**
 * The cell level a grid tile needs (cell = 1/2^level of the world) and the stored level it
 * rolls up from; null when the cell size is not a power of two or finer than the finest level.
 */
export function storedCellLevel(z: number, cellSize: number, levels: readonly number[] = STORED_CELL_LEVELS): { level: number; base: number } | null {
  const k = Math.log2(TILE_EXTENT / cellSize);
  if (!Number.isInteger(k) || k < 0) return null;
  const level = z + k;
  const base = levels.find((l) => l >= level);
  return base === undefined ? null : { level, base };
}

/**
 * Counts, cheaply through the GiST index, the features a point tile would hold (tile plus
 * buffer, same filters), stopping at $4: enough to tell whether the tile is over its budget.
 */
export function featureCountStatement(layer: TileLayer): { text: string; values(tile: TileAddress, filters: TileFilters, limit: number): unknown[] } {
  let memo = COUNTS.get(layer.id);
  if (!memo) {
    const filters = filterSql(layer, 5);
    const where = [...(layer.where ? [layer.where] : []), ...filters.clauses];
    const text = `SELECT count(*)::int AS n
FROM ${nest(`SELECT 1
FROM ${layer.table} t
WHERE t.geom && ${envelope4326(TILE_BUFFER + 1)}${and(where)}
LIMIT $4::int`)} s`;
    memo = { text, values: (tile, f, limit) => [tile.z, tile.x, tile.y, limit, ...filters.bind(f)] };
    COUNTS.set(layer.id, memo);
  }
  return memo;
}

const COUNTS = new Map<string, ReturnType<typeof featureCountStatement>>();

const STATEMENTS = new Map<string, TileStatement>();

// Web-mercator world width and half-width in metres (EPSG:3857), as ST_TileEnvelope uses them.
const WORLD = 40075016.68557849;
const HALF_WORLD = 20037508.342789244;

// Fractional tile coordinates of a lon/lat point: the spherical-mercator formulas written out,
// identical on both engines and cheaper than ST_Transform per point.
const pxfOf = (lon: string) => `((${lon} + 180.0) / 360.0 * power(2.0, $1::int) - $2::int) * ${TILE_EXTENT}.0`;
const pyfOf = (lat: string) => `((1.0 - asinh(tan(radians(${lat}))) / pi()) / 2.0 * power(2.0, $1::int) - $3::int) * ${TILE_EXTENT}.0`;
const PXF = pxfOf('ST_X(t.geom)');
const PYF = pyfOf('ST_Y(t.geom)');

// Bounding-box pre-filter through the 4326 GiST index; the envelope is grown by `margin` tile units.
const envelope4326 = (margin: number) =>
  `ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${margin / TILE_EXTENT}), 4326)`;

// One screen pixel of a 512-px tile: simplification below it is invisible.
const SIMPLIFY_TOLERANCE = `(${WORLD} / power(2.0, $1::int) / 512.0)`;

// Each statement below is one template, laid out as it would be written by hand: one clause a
// line, subqueries indented (`nest`), so the pinned text (tiles/__snapshots__/statements/*.sql)
// reads as SQL. `and` puts each WHERE condition on its own line.
const nest = (sql: string): string => `(\n  ${sql.replace(/\n/g, '\n  ')}\n)`;
const and = (clauses: readonly string[]): string => clauses.map((w) => `\n  AND ${w}`).join('');
const list = (columns: readonly string[]): string => columns.join(',\n       ');

export interface FilterSql {
  clauses: readonly string[];
  bind: (filters: TileFilters) => unknown[];
}

/** The layer's filter clauses (geodata/explore/filter-sql.ts) numbered from `firstParam` on; a filter left out binds NULL and its clause is true. */
export function filterSql(layer: Pick<TileLayer, 'id' | 'table' | 'filters'>, firstParam: number): FilterSql {
  const params = new Params(firstParam);
  const where = filterWhere(layer.filters, { table: layer.table, alias: 't' }, params);
  return { clauses: where.clauses, bind: (f) => params.values(where.bind(f)) };
}

function featureStatement(layer: TileLayer, encoding: Encoding): TileStatement {
  const filters = filterSql(layer, 4);
  const where = [...(layer.where ? [layer.where] : []), ...filters.clauses];
  const attrs = Object.entries(layer.attributes).map(([name, a]) => `${a.sql} AS "${name}"`);
  const fid = layer.featureId ? [`${layer.featureId} AS fid`] : [];
  const outer = [...(layer.featureId ? ['fid'] : []), ...Object.keys(layer.attributes).map((n) => `"${n}"`)];
  let text: string;
  if (layer.geometry === 'point') {
    // Keep points inside the tile plus its buffer, in integer tile units (round = rint on both engines).
    const inner = `SELECT ${list([...fid, ...attrs, `round(${PXF}) AS px`, `round(${PYF}) AS py`])}
FROM ${layer.table} t
WHERE t.geom && ${envelope4326(TILE_BUFFER + 1)}${and(where)}`;
    const placed = encoding === 'mvt' ? 'ST_MakePoint(q.px, q.py) AS geom' : 'q.px, q.py';
    const rows = `SELECT ${list([...outer, placed])}
FROM ${nest(inner)} q
WHERE q.px BETWEEN ${-TILE_BUFFER} AND ${TILE_EXTENT + TILE_BUFFER}
  AND q.py BETWEEN ${-TILE_BUFFER} AND ${TILE_EXTENT + TILE_BUFFER}`;
    text = encoding === 'mvt' ? mvt(layer.id, layer.featureId !== undefined, rows) : rows;
  } else {
    const simplified = `ST_Simplify(ST_Transform(t.geom, 3857), ${SIMPLIFY_TOLERANCE}, true)`;
    const from = `FROM ${layer.table} t
WHERE t.geom && ${envelope4326(TILE_BUFFER)}${and(where)}`;
    if (encoding === 'mvt') {
      const geom = `ST_AsMVTGeom(${simplified}, ST_TileEnvelope($1::int, $2::int, $3::int), ${TILE_EXTENT}, ${TILE_BUFFER}, true) AS geom`;
      text = mvt(layer.id, layer.featureId !== undefined, `SELECT *
FROM ${nest(`SELECT ${list([...fid, ...attrs, geom])}
${from}`)} q
WHERE q.geom IS NOT NULL`);
    } else {
      text = `SELECT ${list([...outer, 'ST_AsGeoJSON(q.g) AS geojson'])}
FROM ${nest(`SELECT ${list([...fid, ...attrs, `${tileGeometry(layer.geometry, simplified)} AS g`])}
${from}`)} q
WHERE q.g IS NOT NULL
  AND NOT ST_IsEmpty(q.g)${layer.geometry === 'polygon' ? '\n  AND ST_Area(q.g) > 0' : ''}`;
    }
  }
  return {
    name: statementName(text),
    text,
    layerName: layer.id,
    geometry: layer.geometry,
    hasFeatureId: layer.featureId !== undefined,
    attributes: Object.fromEntries(Object.entries(layer.attributes).map(([n, a]) => [n, a.type])),
    values: (tile, f) => [tile.z, tile.x, tile.y, ...filters.bind(f)],
  };
}

/**
 * What ST_AsMVTGeom does, spelled out for the embedded engine: clip to the tile grown by the
 * buffer, map to tile units (y down), snap to the integer grid, and repair what snapping broke.
 */
function tileGeometry(kind: 'line' | 'polygon', simplified: string): string {
  const clipped = `ST_ClipByBox2D(${simplified}, ST_TileEnvelope($1::int, $2::int, $3::int, margin => ${TILE_BUFFER / TILE_EXTENT})::box2d)`;
  const scale = `(${TILE_EXTENT}.0 / (${WORLD} / power(2.0, $1::int)))`;
  const xmin = `(-${HALF_WORLD} + $2::int * (${WORLD} / power(2.0, $1::int)))`;
  const ymax = `(${HALF_WORLD} - $3::int * (${WORLD} / power(2.0, $1::int)))`;
  const affine = `ST_Affine(${clipped}, ${scale}, 0, 0, -${scale}, -${xmin} * ${scale}, ${ymax} * ${scale})`;
  const snapped = `ST_SnapToGrid(${affine}, 1.0)`;
  return kind === 'polygon' ? `ST_CollectionExtract(ST_MakeValid(${snapped}), 3)` : `ST_CollectionExtract(${snapped}, 2)`;
}

/**
 * Sources below the detail zoom: one feature per grid cell or census unit, counting the
 * sources inside the tile (no buffer, so each source is counted in exactly one tile) and
 * summing their emissions; placed at the mean position of those sources.
 */
function cellStatement(layer: TileLayer, agg: Aggregation, encoding: Encoding): TileStatement {
  // The grid cell size is $4; unit aggregations take no cell size, so their filters start at $4.
  const filters = filterSql(layer, agg === 'grid' ? 5 : 4);
  const where = [...(layer.where ? [layer.where] : []), ...filters.clauses];
  const sums = POLLUTANTS.map((p) => `coalesce(sum(q.${p}), 0)::float8 AS ${p}`);
  const group: Record<Aggregation, { key: string; code: string | null; fid: string | null }> = {
    grid: { key: 'floor(q.pxf / $4::int), floor(q.pyf / $4::int)', code: null, fid: `(floor(q.pyf / $4::int) * ceil(${TILE_EXTENT}.0 / $4::int) + floor(q.pxf / $4::int))::bigint` },
    county: { key: 'left(q.division_code, 6)', code: 'left(q.division_code, 6)', fid: null },
    township: { key: 'q.township', code: 'q.township', fid: null },
    zone: { key: 'q.zone_code', code: 'q.zone_code', fid: null },
  };
  const g = group[agg];
  // Coordinates are read once per row (OFFSET 0 keeps the planner from folding the
  // subqueries and calling ST_X/ST_Y again in every expression: 10x at z6, measured).
  const scan = `SELECT ${list(['t.division_code', 't.zone_code', ...POLLUTANTS.map((p) => `t.${p}`), 'ST_X(t.geom) AS lon', 'ST_Y(t.geom) AS lat'])}
FROM ${layer.table} t
WHERE t.geom && ${envelope4326(1)}${and(where)}
OFFSET 0`;
  const inner = `SELECT ${list(['l.division_code', 'CASE WHEN length(l.division_code) >= 9 THEN left(l.division_code, 9) END AS township', 'l.zone_code',
    ...POLLUTANTS.map((p) => `l.${p}`), `${pxfOf('l.lon')} AS pxf`, `${pyfOf('l.lat')} AS pyf`])}
FROM ${nest(scan)} l
OFFSET 0`;
  // The in-tile test is a grouping key rather than a WHERE clause: the planner then expects
  // many rows and hashes the groups instead of sorting millions of rows to disk (measured at z6).
  const inTile = `(q.pxf >= 0 AND q.pxf < ${TILE_EXTENT} AND q.pyf >= 0 AND q.pyf < ${TILE_EXTENT})`;
  const cells = `SELECT ${list([...(g.fid ? [`${g.fid} AS fid`] : []), ...(g.code ? [`${g.code} AS code`] : []), 'count(*)::int AS count', ...sums,
    'round(avg(q.pxf)) AS px', 'round(avg(q.pyf)) AS py'])}
FROM ${nest(inner)} q
GROUP BY ${inTile}, ${g.key}
HAVING bool_or(${inTile})`;
  const columns = [...(g.fid ? ['c.fid'] : []), ...(g.code ? ['c.code'] : []), 'c.count', ...POLLUTANTS.map((p) => `c.${p}`)];
  const rows = `SELECT ${list([...columns, encoding === 'mvt' ? 'ST_MakePoint(c.px, c.py) AS geom' : 'c.px, c.py'])}
FROM ${nest(cells)} c`;
  const text = encoding === 'mvt' ? mvt(SOURCE_CELLS_LAYER, g.fid !== null, rows) : rows;
  return {
    name: statementName(text),
    text,
    layerName: SOURCE_CELLS_LAYER,
    geometry: 'point',
    hasFeatureId: g.fid !== null,
    attributes: {
      ...(g.code ? { code: 'String' as const } : {}),
      count: 'Number',
      ...Object.fromEntries(POLLUTANTS.map((p) => [p, 'Number' as const])),
    },
    values: (tile, f, cellSize) =>
      agg === 'grid' ? [tile.z, tile.x, tile.y, cellSize, ...filters.bind(f)] : [tile.z, tile.x, tile.y, ...filters.bind(f)],
  };
}

/**
 * Grid cells from stored cells: those of level $5 inside the tile, rolled up ($5 - $4
 * levels) to the $4-level cells the tile shows. Same columns, ids and placement (mean
 * position from the summed world coordinates) as the on-the-fly grid. Unfiltered from
 * `source_cell`; by type from `source_type_cell`, the types in $6.
 */
function storedCellStatement(encoding: Encoding, byType: boolean): TileStatement {
  const perTile = '(1::bigint << ($4::int - $1::int))';
  const shift = '($5::int - $4::int)';
  const range = (col: string, p: string) => `c.${col} >= (${p}::bigint * ${perTile}) << ${shift} AND c.${col} < ((${p}::bigint + 1) * ${perTile}) << ${shift}`;
  const rolled = `SELECT ${list([`(c.cx >> ${shift}) - $2::bigint * ${perTile} AS lx`, `(c.cy >> ${shift}) - $3::bigint * ${perTile} AS ly`, 'sum(c.n)::int AS n',
    'sum(c.sx) AS sx', 'sum(c.sy) AS sy', ...POLLUTANTS.map((p) => `sum(c.${p}) AS ${p}`)])}
FROM ${byType ? 'source_type_cell' : 'source_cell'} c
WHERE c.level = $5::int${and([range('cx', '$2'), range('cy', '$3'), ...(byType ? ['c.source_type = ANY($6::text[])'] : [])])}
GROUP BY 1, 2
HAVING sum(c.n) > 0`;
  const cells = `SELECT ${list([`(g.ly * ${perTile} + g.lx)::bigint AS fid`, 'g.n AS count', ...POLLUTANTS.map((p) => `g.${p}::float8 AS ${p}`),
    `round((g.sx / g.n * power(2.0, $1::int) - $2::int) * ${TILE_EXTENT}.0) AS px`, `round((g.sy / g.n * power(2.0, $1::int) - $3::int) * ${TILE_EXTENT}.0) AS py`])}
FROM ${nest(rolled)} g`;
  const columns = ['c.fid', 'c.count', ...POLLUTANTS.map((p) => `c.${p}`)];
  const rows = `SELECT ${list([...columns, encoding === 'mvt' ? 'ST_MakePoint(c.px, c.py) AS geom' : 'c.px, c.py'])}
FROM ${nest(cells)} c`;
  const text = encoding === 'mvt' ? mvt(SOURCE_CELLS_LAYER, true, rows) : rows;
  return {
    name: statementName(text),
    text,
    layerName: SOURCE_CELLS_LAYER,
    geometry: 'point',
    hasFeatureId: true,
    attributes: { count: 'Number', ...Object.fromEntries(POLLUTANTS.map((p) => [p, 'Number' as const])) },
    values: (tile, f, cellSize) => {
      const levels = storedCellLevel(tile.z, cellSize, byType ? STORED_TYPE_CELL_LEVELS : STORED_CELL_LEVELS);
      if (!levels) throw new Error(`no stored cell level for z${tile.z} with cell ${cellSize}`);
      if (!byType) return [tile.z, tile.x, tile.y, levels.level, levels.base];
      if (!f.type) throw new Error('stored type cells need a type filter');
      return [tile.z, tile.x, tile.y, levels.level, levels.base, f.type];
    },
  };
}

function mvt(layerName: string, withId: boolean, rows: string): string {
  return `SELECT coalesce(ST_AsMVT(m, ${escapeLiteral(layerName)}, ${TILE_EXTENT}, 'geom'${withId ? ", 'fid'" : ''}), ''::bytea) AS tile
FROM ${nest(rows)} m`;
}

function statementName(text: string): string {
  return `yzt_tile_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
}
