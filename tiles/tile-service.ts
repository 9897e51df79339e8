import pg from 'pg';
import { startChangeFeed, type ChangeFeed } from './change-feed.ts';
import { encodeRows } from './node-encoder.ts';
import { parseTileAddress, tileLonLatBox, TILE_BUFFER, type TileAddress } from './tile-address.ts';
import { etagMatches, strongEtag, TileCache, type CachedTile, type DataChange } from './tile-cache.ts';
import { filterKey, parseTileFilters, type TileFilters } from './tile-filters.ts';
import { SOURCE_CELLS_LAYER, TILE_LAYERS, tablesRead, type TileLayer } from './tile-layers.ts';
import { tileStatement, type Encoding, type TileStatement } from './tile-queries.ts';
import { catalogJson, tileJson } from './tile-json.ts';

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
}

export const DEFAULT_TILE_OPTIONS: TileServiceOptions = {
  detailZoom: 13,
  cellSize: 128,
  cacheBytes: 256 * 1024 * 1024,
  pollMs: 1000,
  encoder: 'auto',
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
}

export interface TileResponse {
  readonly status: 200 | 304;
  readonly bytes: Buffer;
  readonly etag: string;
  readonly cacheControl: string;
  readonly cache: 'hit' | 'miss';
}

export interface TileService {
  /** 'st_asmvt' where the database encodes, 'node' where vt-pbf does. */
  readonly encoder: 'st_asmvt' | 'node';
  readonly options: TileServiceOptions;
  readonly cache: TileCache;
  /** Validates and answers one tile request (errors: TileNotFoundError, TileAddressError, TileFilterError). */
  tile(request: TileRequest): Promise<TileResponse>;
  /** The SQL statement and values a tile request runs (for the benchmark's raw-SQL timing). */
  statementFor(layer: string, tile: TileAddress, query: Record<string, unknown>): { statement: TileStatement; values: unknown[]; encoding: Encoding };
  tileJson(layer: string, baseUrl: string, query: Record<string, unknown>): Promise<object>;
  catalog(baseUrl: string): object;
  /** Reads the change log now (the feed also does so by itself). */
  pollChanges(): Promise<void>;
  close(): Promise<void>;
}

export class TileNotFoundError extends Error {
  override name = 'TileNotFoundError';
}

/** Options from the environment: YZT_TILE_DETAIL_ZOOM, YZT_TILE_CELL, YZT_TILE_CACHE_MB, YZT_TILE_POLL_MS. */
export function tileOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<TileServiceOptions> {
  const int = (name: string, min: number, max: number): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v)}`);
    return n;
  };
  const out: { -readonly [K in keyof TileServiceOptions]?: TileServiceOptions[K] } = {};
  const detail = int('YZT_TILE_DETAIL_ZOOM', 0, 23);
  const cell = int('YZT_TILE_CELL', 8, 4096);
  const cacheMb = int('YZT_TILE_CACHE_MB', 0, 65536);
  const poll = int('YZT_TILE_POLL_MS', 50, 600_000);
  if (detail !== undefined) out.detailZoom = detail;
  if (cell !== undefined) out.cellSize = cell;
  if (cacheMb !== undefined) out.cacheBytes = cacheMb * 1024 * 1024;
  if (poll !== undefined) out.pollMs = poll;
  return out;
}

export async function createTileService(init: TileServiceInit): Promise<TileService> {
  const options: TileServiceOptions = { ...DEFAULT_TILE_OPTIONS, ...init.options };
  const version = (await init.pool.query<{ version: string }>('SELECT version() AS version')).rows[0]!.version;
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

  const onChanges = (changes: DataChange[]) => {
    cache.invalidate(changes);
    for (const c of changes) extents.delete(c.table);
  };
  let feed: ChangeFeed;
  try {
    feed = await startChangeFeed({
      pool: init.pool,
      schema: init.schema,
      listenUrl: embedded ? undefined : init.databaseUrl,
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

  const statementOf = (layer: TileLayer, tile: TileAddress, filters: TileFilters) => {
    const aggregated = layer.id === 'sources' && tile.z < options.detailZoom;
    const statement = tileStatement(layer, aggregated ? { kind: 'cells', agg: filters.agg } : { kind: 'features' }, encoding);
    return { statement, values: statement.values(tile, filters, options.cellSize) };
  };

  const render = async (layer: TileLayer, tile: TileAddress, filters: TileFilters): Promise<CachedTile> => {
    const { statement, values } = statementOf(layer, tile, filters);
    const config: pg.QueryConfig = { text: statement.text, values };
    if (!embedded) config.name = statement.name;
    let bytes: Buffer;
    if (encoding === 'mvt') {
      const { rows } = await pool.query<{ tile: Buffer }>(config);
      bytes = rows[0]?.tile ?? Buffer.alloc(0);
    } else {
      const { rows } = await pool.query<Record<string, unknown>>(config);
      bytes = encodeRows(statement, rows);
    }
    return {
      bytes,
      etag: strongEtag(bytes),
      box: tileLonLatBox(tile, TILE_BUFFER + 1),
      tables: tablesRead(layer, filters.basin !== null),
    };
  };

  return {
    encoder: hasMvt ? 'st_asmvt' : 'node',
    options,
    cache,
    async tile(request) {
      const { layer, tile, filters } = resolve(request.layer, request.z, request.x, request.y, request.query);
      const key = `${layer.id}/${tile.z}/${tile.x}/${tile.y}?${filterKey(filters)}`;
      let entry = cache.get(key);
      let hit = true;
      if (!entry) {
        hit = false;
        let pending = inflight.get(key);
        if (!pending) {
          const generation = cache.generation;
          pending = render(layer, tile, filters).then(
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
      }
      const notModified = etagMatches(request.ifNoneMatch, entry.etag);
      return {
        status: notModified ? 304 : 200,
        bytes: notModified ? Buffer.alloc(0) : entry.bytes,
        etag: entry.etag,
        cacheControl: layer.cacheControl,
        cache: hit ? 'hit' : 'miss',
      };
    },
    statementFor(layerId, tile, query) {
      const { layer, filters } = resolve(layerId, String(tile.z), String(tile.x), String(tile.y), query);
      return { ...statementOf(layer, tile, filters), encoding };
    },
    async tileJson(layerId, baseUrl, query) {
      const layer = TILE_LAYERS.get(layerId);
      if (!layer) throw new TileNotFoundError(`no tile layer "${layerId}" (layers: ${[...TILE_LAYERS.keys()].join(', ')})`);
      parseTileFilters(layer, query);
      let extent = extents.get(layer.table);
      if (!extent) {
        extent = dataExtent(init.pool, layer.table);
        extents.set(layer.table, extent);
        extent.catch(() => extents.delete(layer.table));
      }
      return tileJson(layer, { baseUrl, query, bounds: await extent, detailZoom: options.detailZoom, cellSize: options.cellSize });
    },
    catalog(baseUrl) {
      return catalogJson([...TILE_LAYERS.values()], baseUrl, options.detailZoom);
    },
    pollChanges: () => feed.poll(),
    async close() {
      await feed.stop();
      await ownPool?.end();
    },
  };
}

export { SOURCE_CELLS_LAYER };

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
  const setup = `SET search_path TO ${pg.escapeIdentifier(schema)}, public; SET max_parallel_workers_per_gather = 0; SET jit = off; SET plan_cache_mode = force_custom_plan`;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 15_000,
    onConnect: async (client: pg.ClientBase) => {
      await client.query(setup);
    },
  });
  pool.on('error', () => {});
  return pool;
}

async function dataExtent(pool: pg.Pool, table: string): Promise<[number, number, number, number] | null> {
  // `table` comes from the static layer list, never from a request.
  const { rows } = await pool.query<{ xmin: number | null; ymin: number; xmax: number; ymax: number }>(
    `SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (SELECT ST_Extent(geom) AS e FROM ${pg.escapeIdentifier(table)}) s`,
  );
  const r = rows[0];
  return r && r.xmin !== null ? [r.xmin, r.ymin, r.xmax, r.ymax] : null;
}
