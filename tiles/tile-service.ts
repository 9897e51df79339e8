import type { TileCatalogDocument, TileJsonDocument } from '../geodata/model/api/standards.ts';
import pg from 'pg';
import { startChangeFeed, type ChangeFeed, type ChangeFeedStats } from './change-feed.ts';
import { encodeRows } from './node-encoder.ts';
import { parseTileAddress, TileAddressError, tileLonLatBox, TILE_BUFFER, TILE_EXTENT, type TileAddress } from './tile-address.ts';
import { etagMatches, strongEtag, TileCache, type CachedTile, type DataChange } from './tile-cache.ts';
import { filterKey, NO_FILTERS, parseTileFilters, type TileFilters } from './tile-filters.ts';
import { SOURCE_CELLS_LAYER, TILE_LAYERS, tablesRead, type Aggregation, type TileLayer } from './tile-layers.ts';
import { featureCountStatement, storedCellLevel, STORED_TYPE_CELL_LEVELS, tileStatement, type Encoding, type TileStatement, type TileVariant } from './tile-queries.ts';
import { catalogJson, tileJson } from './tile-json.ts';
import { loadTileSettings } from '../geodata/config/config.ts';
import { createPool, TILE_SESSION_SQL } from '../geodata/db/database.ts';
import { parseLsn, retryRead, type ReadRouter } from '../geodata/db/read-routing.ts';
import { storedCellSource } from '../geodata/model/source-filters.ts';
import { inScope, isNational, narrowDivision, NATIONAL, type Scope } from '../geodata/access/index.ts';
import { loadStatements } from '../geodata/db/sql-statements.ts';

// The fixed statements of this file, by name, in tile-service.sql beside it.
const FIXED_SQL = loadStatements(new URL('./tile-service.sql', import.meta.url), ['create_tile_service_select']);

type Queryable = pg.Pool | pg.PoolClient;
/** The tables the tile layers read, each once. */
const LAYER_TABLES = [...new Set([...TILE_LAYERS.values()].map((l) => l.table))];

export interface TileServiceOptions {
  /** Sources are individual features from this zoom on, aggregated below it. */
  readonly detailZoom: number;
  /** Grid cell edge, in tile units (of 4096), for aggregated sources. */
  readonly cellSize: number;
  /** Bytes of encoded tiles kept in memory; 0 turns the cache off. */
  readonly cacheBytes: number;
  /** How often the change log is read (NOTIFY, where it works, wakes it sooner). */
  readonly pollMs: number;
  /** 'node' forces the Node encoder even where ST_AsMVT exists (to compare the two paths). */
  readonly encoder: 'auto' | 'node';
  /**
   * Byte budget of one `sources` tile. A detail tile that would hold more sources than fit
   * (BYTES_PER_SOURCE each) is served as grid cells (layer source_cells) fine enough to stay
   * within it (at most (4096/cell)² cells of BYTES_PER_CELL).
   */
  readonly maxTileBytes: number;
  /** Unfiltered grid tiles read the pre-aggregated `source_cell` table (false: always on the fly). */
  readonly storedCells: boolean;
}

/**
 * Upper bounds of one encoded feature, measured on the 3.6M benchmark set (README): a source
 * with name, type, industry, status and eight emissions; a cell with count and eight sums.
 */
export const BYTES_PER_SOURCE = 160;
export const BYTES_PER_CELL = 110;

/** What a sources detail tile may hold, and the grid it falls back to, for a byte budget. */
export function detailBudget(maxTileBytes: number): { maxFeatures: number; fineCellSize: number } {
  let fineCellSize = 16;
  while (fineCellSize < TILE_EXTENT && (TILE_EXTENT / fineCellSize) ** 2 * BYTES_PER_CELL > maxTileBytes) fineCellSize *= 2;
  // Capped to stay a SQL integer (the count's LIMIT) for an effectively unlimited budget.
  return { maxFeatures: Math.min(2 ** 31 - 2, Math.max(1, Math.floor(maxTileBytes / BYTES_PER_SOURCE))), fineCellSize };
}

export const DEFAULT_TILE_OPTIONS: TileServiceOptions = {
  detailZoom: 13,
  cellSize: 128,
  cacheBytes: 256 * 1024 * 1024,
  pollMs: 1000,
  encoder: 'auto',
  maxTileBytes: 500 * 1024,
  storedCells: true,
};

export interface TileServiceInit {
  /** The product's pool (search_path set to the schema). */
  readonly pool: pg.Pool;
  readonly schema: string;
  /**
   * The database URL, for a real PostgreSQL: the service then opens its own small pool
   * whose sessions have parallel workers off (faster for tile-sized queries, measured) and
   * a LISTEN connection. Absent for the embedded engine.
   */
  readonly databaseUrl?: string | undefined;
  readonly poolSize?: number;
  /** Hot standbys: tiles are drawn on one that has replayed every change the cache has heard of. */
  readonly reads?: ReadRouter | null;
  readonly options?: Partial<TileServiceOptions>;
  readonly onError?: (err: unknown) => void;
}

export interface TileRequest {
  readonly layer: string;
  readonly z: string;
  readonly x: string;
  readonly y: string;
  readonly query: Record<string, unknown>;
  readonly ifNoneMatch?: string | undefined;
  /**
   * The caller's region scope ('*' national, or a division-code prefix; default national).
   * A scoped tile is rendered in a transaction running as the request role with that scope,
   * so row-level security keeps other regions out of it, and it is cached under its scope.
   */
  readonly scope?: Scope;
  /** The caller's own last write (read-your-writes): a standby drawing the tile must have replayed it. */
  readonly minLsn?: bigint | null;
}

export interface TileResponse {
  readonly status: 200 | 304;
  readonly bytes: Buffer;
  readonly etag: string;
  readonly cacheControl: string;
  readonly cache: 'hit' | 'miss';
  /** Milliseconds this request waited for the tile to be drawn (0 on a cache hit). */
  readonly renderMs: number;
}

export interface TileService {
  /** 'st_asmvt' where the database encodes, 'node' where tiles/node-encoder.ts does. */
  readonly encoder: 'st_asmvt' | 'node';
  readonly options: TileServiceOptions;
  readonly cache: TileCache;
  /** Validates and answers one tile request (errors: TileNotFoundError, TileAddressError, TileFilterError). */
  tile(request: TileRequest): Promise<TileResponse>;
  /**
   * Several layers' tiles at one address as one tile (`/tiles/a,b,c/{z}/{x}/{y}.mvt`, as Martin
   * serves composite sources): each layer's tile drawn and cached as its own request would be,
   * their bytes concatenated (a vector tile is a list of layers, so the result is one valid tile).
   * A map whose base layers all come from one source asks for one tile per address instead of
   * one per layer. A layer whose zoom range leaves out z adds nothing.
   */
  composite(request: Omit<TileRequest, 'layer'> & { readonly layers: readonly string[] }): Promise<TileResponse>;
  /**
   * The SQL a tile request runs (for the benchmark's raw-SQL timing): for a sources detail
   * tile first the budget count (`probe`, run here to choose), then the tile statement.
   */
  statementFor(layer: string, tile: TileAddress, query: Record<string, unknown>): Promise<TilePlan & { encoding: Encoding }>;
  /** TileJSON of one layer; `bounds` is the extent of what `scope` may see (default national). */
  tileJson(layer: string, baseUrl: string, query: Record<string, unknown>, scope?: Scope): Promise<TileJsonDocument>;
  catalog(baseUrl: string, scope?: Scope): Promise<TileCatalogDocument>;
  /** Reads the change log now (the feed also does so by itself). */
  pollChanges(): Promise<void>;
  /** The change feed's lag and health, for /metrics. */
  feedStats(): ChangeFeedStats;
  close(): Promise<void>;
}

export interface TilePlan {
  readonly statement: TileStatement;
  readonly values: unknown[];
  readonly probe?: { readonly text: string; readonly values: unknown[] };
}

export class TileNotFoundError extends Error {
  override name = 'TileNotFoundError';
}

/** Options from the environment (YZT_TILE_*, validated by geodata/config/config.ts). */
export function tileOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<TileServiceOptions> {
  return loadTileSettings(env);
}

export async function createTileService(init: TileServiceInit): Promise<TileService> {
  const options: TileServiceOptions = { ...DEFAULT_TILE_OPTIONS, ...init.options };
  const version = (await init.pool.query<{ version: string }>(FIXED_SQL.create_tile_service_select)).rows[0]!.version;
  // The embedded engine is one session behind a socket: no named statements (they would
  // collide between connections), and NOTIFY does not reach other connections (checked).
  const embedded = /PGlite/i.test(version);
  const hasMvt = options.encoder === 'auto' && (await canEncodeMvt(init.pool));
  const encoding: Encoding = hasMvt ? 'mvt' : 'rows';
  const ownPool = init.databaseUrl && !embedded ? tilePool(init.databaseUrl, init.schema, init.poolSize ?? 10) : null;
  const pool = ownPool ?? init.pool;
  const cache = new TileCache(options.cacheBytes);
  const inflight = new Map<string, Promise<CachedTile>>();
  const extents = new Map<string, Promise<[number, number, number, number] | null>>();

  // Per scope and table: a scoped user's extent covers only the rows it may see (issue 13: the
  // national extent told a district user where the other districts' sources lie).
  const extentOf = (table: string, scope: Scope = NATIONAL) => {
    const key = `${scope}|${table}`;
    let extent = extents.get(key);
    if (!extent) {
      extent = isNational(scope) ? dataExtent(init.pool, table) : inScope(init.pool, scope, (client) => dataExtent(client, table));
      extents.set(key, extent);
      extent.catch(() => extents.delete(key));
    }
    return extent;
  };

  // The primary's position when the feed last heard of a change: a tile drawn after that on a
  // standby that has not replayed it yet would put the old picture back in the cache.
  let changedAt: bigint | null = null;
  const onChanges = (changes: DataChange[], atLsn: string | null) => {
    if (atLsn !== null) changedAt = maxLsn(changedAt, parseLsn(atLsn));
    cache.invalidate(changes);
    const tables = new Set(changes.map((c) => c.table));
    for (const key of extents.keys()) if (tables.has(key.slice(key.indexOf('|') + 1))) extents.delete(key);
  };
  let feed: ChangeFeed;
  try {
    feed = await startChangeFeed({
      pool: init.pool,
      schema: init.schema,
      listenUrl: embedded ? undefined : init.databaseUrl,
      withLsn: Boolean(init.reads),
      pollMs: options.pollMs,
      onChanges,
      onError: init.onError,
    });
  } catch (err) {
    await ownPool?.end();
    throw err;
  }

  const resolve = (layerId: string, z: string, x: string, y: string, query: Record<string, unknown>) => {
    const layer = TILE_LAYERS.get(layerId);
    if (!layer) throw new TileNotFoundError(`no tile layer "${layerId}" (layers: ${[...TILE_LAYERS.keys()].join(', ')})`);
    const tile = parseTileAddress(z, x, y, layer);
    const filters = parseTileFilters(layer, query);
    return { layer, tile, filters };
  };

  const budget = detailBudget(options.maxTileBytes);
  const plan = async (layer: TileLayer, tile: TileAddress, filters: TileFilters, db: Queryable = pool): Promise<TilePlan> => {
    const chosen = (variant: TileVariant, cellSize = options.cellSize) => {
      const statement = tileStatement(layer, variant, encoding);
      return { statement, values: statement.values(tile, filters, cellSize) };
    };
    if (layer.id !== 'sources') return chosen({ kind: 'features' });
    if (tile.z < options.detailZoom) {
      // Each filter declares whether the stored cells can answer it (geodata/model/source-filters.ts).
      const stored = options.storedCells ? storedCellSource(filters) : null;
      if (stored === 'all' && storedCellLevel(tile.z, options.cellSize) !== null) return chosen({ kind: 'stored-cells' });
      if (stored === 'by-type' && storedCellLevel(tile.z, options.cellSize, STORED_TYPE_CELL_LEVELS) !== null) return chosen({ kind: 'stored-type-cells' });
      return chosen({ kind: 'cells', agg: filters.agg });
    }
    // Detail zoom: individual sources unless the tile holds more than its byte budget allows.
    const count = featureCountStatement(layer);
    const probe = { text: count.text, values: count.values(tile, filters, budget.maxFeatures + 1) };
    const { rows } = await db.query<{ n: number }>(probe);
    const dense = rows[0]!.n > budget.maxFeatures;
    return { ...(dense ? chosen({ kind: 'cells', agg: 'grid' }, budget.fineCellSize) : chosen({ kind: 'features' })), probe };
  };

  const run = async (statement: TileStatement, values: unknown[], db: Queryable): Promise<Buffer> => {
    const config: pg.QueryConfig = { text: statement.text, values };
    if (!embedded) config.name = statement.name;
    if (encoding === 'mvt') {
      const { rows } = await db.query<{ tile: Buffer }>(config);
      return rows[0]?.tile ?? Buffer.alloc(0);
    }
    const { rows } = await db.query<Record<string, unknown>>(config);
    return encodeRows(statement, rows);
  };

  const draw = async (layer: TileLayer, tile: TileAddress, filters: TileFilters, db: Queryable): Promise<Buffer> => {
    const { statement, values } = await plan(layer, tile, filters, db);
    let bytes = await run(statement, values, db);
    // A low-zoom tile holds as many census units as the data has (zones over a whole region
    // measured 870 KB at z6): over the budget, the next coarser unit answers instead, down
    // to grid cells, which stay within it by construction. The codes show which unit it is.
    let agg = filters.agg;
    while (layer.id === 'sources' && tile.z < options.detailZoom && bytes.length > options.maxTileBytes && agg !== 'grid') {
      agg = COARSER_UNIT[agg];
      const coarser = tileStatement(layer, { kind: 'cells', agg }, encoding);
      bytes = await run(coarser, coarser.values(tile, filters, options.cellSize), db);
    }
    return bytes;
  };

  // A filter for a division outside the caller's scope: nothing to show, nothing to ask.
  const emptyTile = async (): Promise<CachedTile> => {
    const bytes = Buffer.alloc(0);
    return { bytes, etag: strongEtag(bytes), box: [0, 0, 0, 0], tables: [] };
  };

  const render = async (layer: TileLayer, tile: TileAddress, filters: TileFilters, scope: Scope, minLsn: bigint | null): Promise<CachedTile> => {
    const reader = init.reads ? init.reads.readPool(maxLsn(minLsn, changedAt), 'tiles') : pool;
    const bytes = isNational(scope)
      ? await draw(layer, tile, filters, reader)
      : await retryRead(() => inScope(reader, scope, (client) => draw(layer, tile, filters, client)));
    return {
      bytes,
      etag: strongEtag(bytes),
      box: tileLonLatBox(tile, TILE_BUFFER + 1),
      tables: tablesRead(layer, filters.basin !== null),
    };
  };

  // A map's first frame waits for the TileJSON of every source in its style, and each carries
  // its table's extent: a full scan of the sources. Computed here, before the server listens,
  // the first visitor does not wait for it (nor for PostGIS to load on the embedded engine).
  await Promise.all(LAYER_TABLES.map((t) => extentOf(t).catch(() => null)));
  // The first call of the projection and geometry functions loads their state (PROJ's
  // tables; on the embedded engine ~0.5 s): make it here rather than in the first tile.
  await pool.query(WARM_UP_SQL).catch(() => {});
  // And each layer's statements once, on an empty corner of the world (x = y = 0, near the
  // pole), so the first real tile finds them planned and its code paths compiled.
  for (const layer of TILE_LAYERS.values()) {
    const zooms = layer.id === 'sources' ? [Math.max(layer.minzoom, 9), options.detailZoom] : [Math.max(layer.minzoom, 9)];
    for (const z of zooms) await draw(layer, { z, x: 0, y: 0 }, NO_FILTERS, pool).catch(() => {});
  }

  const service: TileService = {
    encoder: hasMvt ? 'st_asmvt' : 'node',
    options,
    cache,
    async tile(request) {
      const resolved = resolve(request.layer, request.z, request.x, request.y, request.query);
      const { layer, tile } = resolved;
      const scope = request.scope ?? NATIONAL;
      // Sources outside the scope are filtered out by the division prefix too, which also keeps
      // scoped grid tiles off the national pre-aggregated cells.
      let filters = resolved.filters;
      let outside = false;
      if (!isNational(scope) && layer.id === 'sources') {
        const narrowed = narrowDivision(scope, filters.division);
        filters = { ...filters, division: narrowed.division };
        if (narrowed.empty) outside = true;
      }
      const key = `${scope}|${outside ? 'outside|' : ''}${layer.id}/${tile.z}/${tile.x}/${tile.y}?${filterKey(filters)}`;
      let entry = cache.get(key);
      let hit = true;
      let renderMs = 0;
      if (!entry) {
        hit = false;
        const started = performance.now();
        let pending = inflight.get(key);
        if (!pending) {
          const generation = cache.generation;
          pending = (outside ? emptyTile() : render(layer, tile, filters, scope, request.minLsn ?? null)).then(
            (t) => {
              inflight.delete(key);
              cache.set(key, t, generation);
              return t;
            },
            (err) => {
              inflight.delete(key);
              throw err;
            },
          );
          inflight.set(key, pending);
        }
        entry = await pending;
        renderMs = performance.now() - started;
      }
      const notModified = etagMatches(request.ifNoneMatch, entry.etag);
      return {
        status: notModified ? 304 : 200,
        bytes: notModified ? Buffer.alloc(0) : entry.bytes,
        etag: entry.etag,
        cacheControl: layer.cacheControl,
        cache: hit ? 'hit' : 'miss',
        renderMs,
      };
    },
    async composite(request) {
      const { layers, ...address } = request;
      if (layers.length < 2 || new Set(layers).size !== layers.length) {
        throw new TileNotFoundError(`a composite tile names two or more different layers separated by commas, got "${layers.join(',')}"`);
      }
      const z = Number(address.z);
      const parts: TileResponse[] = [];
      for (const id of layers) {
        const layer = TILE_LAYERS.get(id);
        if (!layer) throw new TileNotFoundError(`no tile layer "${id}" in the composite "${layers.join(',')}" (layers: ${[...TILE_LAYERS.keys()].join(', ')})`);
        if (Number.isInteger(z) && (z < layer.minzoom || z > layer.maxzoom)) continue;
        // One after another: on the embedded engine they would queue on its one session anyway.
        parts.push(await service.tile({ ...address, layer: id, ifNoneMatch: undefined }));
      }
      if (!parts.length) throw new TileAddressError(`z=${z} is outside the zoom range of every layer of the composite "${layers.join(',')}"`);
      // Named by its parts' ETags (which name their bytes), the composite is assembled once per
      // content and kept in the same byte-bounded cache: the same Buffer on every hit, so it is
      // also compressed once (tile-compression.ts keys on it). A changed part names a new one;
      // the old ages out (nothing to invalidate: no box, no tables).
      const etag = strongEtag(Buffer.from(parts.map((p) => p.etag).join(',')));
      const key = `composite|${etag}`;
      let assembled = cache.get(key);
      if (!assembled) {
        assembled = { bytes: Buffer.concat(parts.map((p) => p.bytes)), etag, box: [0, 0, 0, 0], tables: [] };
        cache.set(key, assembled, cache.generation);
      }
      const bytes = assembled.bytes;
      const notModified = etagMatches(request.ifNoneMatch, etag);
      // Kept by a browser only as long as every part may be.
      const controls = new Set(parts.map((p) => p.cacheControl));
      return {
        status: notModified ? 304 : 200,
        bytes: notModified ? Buffer.alloc(0) : bytes,
        etag,
        cacheControl: controls.size === 1 ? [...controls][0]! : 'public, no-cache',
        cache: parts.every((p) => p.cache === 'hit') ? 'hit' : 'miss',
        renderMs: parts.reduce((sum, p) => sum + p.renderMs, 0),
      };
    },
    async statementFor(layerId, tile, query) {
      const { layer, filters } = resolve(layerId, String(tile.z), String(tile.x), String(tile.y), query);
      return { ...(await plan(layer, tile, filters, pool)), encoding };
    },
    async tileJson(layerId, baseUrl, query, scope = NATIONAL) {
      const layer = TILE_LAYERS.get(layerId);
      if (!layer) throw new TileNotFoundError(`no tile layer "${layerId}" (layers: ${[...TILE_LAYERS.keys()].join(', ')})`);
      parseTileFilters(layer, query);
      return tileJson(layer, { baseUrl, query, bounds: await extentOf(layer.table, scope), detailZoom: options.detailZoom, cellSize: options.cellSize, maxTileBytes: options.maxTileBytes });
    },
    async catalog(baseUrl, scope = NATIONAL) {
      const bounds = new Map(await Promise.all(LAYER_TABLES.map(async (t): Promise<[string, number[] | null]> => [t, await extentOf(t, scope).catch(() => null)])));
      return catalogJson([...TILE_LAYERS.values()], baseUrl, options.detailZoom, bounds);
    },
    pollChanges: () => feed.poll(),
    feedStats: () => feed.stats(),
    async close() {
      await feed.stop();
      await ownPool?.end();
    },
  };
  return service;
}

export { SOURCE_CELLS_LAYER };

function maxLsn(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

const COARSER_UNIT: Readonly<Record<Exclude<Aggregation, 'grid'>, Aggregation>> = { zone: 'township', township: 'county', county: 'grid' };

/** ST_AsMVT may exist but be built without protobuf (the embedded engine's is): try it. */
async function canEncodeMvt(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query("SELECT ST_AsMVT(q, 'probe') FROM (SELECT 1 AS a, ST_MakePoint(1, 1) AS geom) q");
    return true;
  } catch {
    return false;
  }
}

function tilePool(url: string, schema: string, max: number): pg.Pool {
  return createPool(url, schema, max, TILE_SESSION_SQL);
}

const WARM_UP_SQL = `SELECT ST_AsGeoJSON(ST_Simplify(ST_Transform(ST_SetSRID(ST_MakePoint(113.5, 22.5), 4326), 3857), 1, true)) AS g,
  ST_AsText(ST_TileEnvelope(9, 416, 222)) AS e`;

/**
 * The extent of a layer's valid geometry: sources keep wrong coordinates for the review
 * (a latitude of 113.9, 0/0, 1139.3), and one of them made the bounds [0,0,1137.96,229.95],
 * which breaks every client that fits to bounds (issue 14). Geometry outside longitude/latitude
 * range or on a zero axis (the review's coord_out_of_range and coord_zero) is left out.
 */
async function dataExtent(pool: pg.Pool | pg.ClientBase, table: string): Promise<[number, number, number, number] | null> {
  // `table` comes from the static layer list, never from a request.
  const { rows } = await pool.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (
       SELECT ST_Extent(geom) AS e FROM ${pg.escapeIdentifier(table)}
       WHERE ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180 AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90
         AND NOT (ST_XMin(geom) = 0 AND ST_XMax(geom) = 0) AND NOT (ST_YMin(geom) = 0 AND ST_YMax(geom) = 0)) s`,
  );
  const r = rows[0];
  return r && r.xmin !== null ? [r.xmin, r.ymin, r.xmax, r.ymax] : null;
}
