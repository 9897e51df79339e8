import pg from 'pg';
import { startEmbeddedEngine, type EmbeddedEngine } from './embedded-engine.ts';
import { createReadRouter, type ReadRouter } from './read-routing.ts';
import { describeHost, hostFollower, needsFollowing } from './postgres-url.ts';
import { loadStatements } from './sql-statements.ts';

// The fixed statements of this file, by name, in database.sql beside it.
const FIXED_SQL = loadStatements(new URL('./database.sql', import.meta.url), ['ensure_postgis_select_pg_extension', 'ensure_postgis_create', 'postgis_version_select']);

export type EngineKind = 'embedded' | 'postgres';

export interface DatabaseOptions {
  /** A real PostgreSQL/PostGIS; when absent the embedded engine is started on dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** The schema that holds the product's tables (search_path puts it before public). */
  schema: string;
  poolSize?: number;
  /** Hot standbys that serve reads (YZT_READ_URLS); needs databaseUrl. */
  readUrls?: readonly string[];
  readRouting?: { maxLagMs: number; checkMs: number; waitMs: number };
}

export interface Database {
  readonly pool: pg.Pool;
  readonly engine: EngineKind;
  readonly schema: string;
  /** Where the data lives: the data folder, or the server's host/port/database. */
  readonly location: string;
  /** Read routing over hot standbys; null without YZT_READ_URLS (every read on the primary). */
  readonly reads?: ReadRouter | null;
  close(): Promise<void>;
}

export const DEFAULT_READ_ROUTING = { maxLagMs: 5_000, checkMs: 500, waitMs: 2_000 };

/**
 * The tile pool's session settings: parallel workers off, no JIT, custom plans (faster for
 * tile-sized queries, measured in tiles/README.md). Applied on the primary and on standbys.
 */
export const TILE_SESSION_SQL = 'SET max_parallel_workers_per_gather = 0; SET jit = off; SET plan_cache_mode = force_custom_plan';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens the one data path: a pg.Pool on either engine, search_path set to the schema. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (!SCHEMA_NAME.test(options.schema)) {
    throw new Error(`schema name "${options.schema}" must be lower-case letters, digits and _`);
  }
  let embedded: EmbeddedEngine | undefined;
  let url = options.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedEngine({ dataDir: options.dataDir });
    url = embedded.url;
  }
  const poolSize = options.poolSize ?? 10;
  const pool = createPool(url, options.schema, poolSize);
  if (options.readUrls?.length && embedded) {
    await pool.end();
    await embedded.stop();
    throw new Error('YZT_READ_URLS needs DATABASE_URL: the embedded engine has no standbys');
  }
  let reads: ReadRouter | null = null;
  let primaryTiles: pg.Pool | undefined;
  try {
    await ensurePostgis(pool);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(options.schema)}`);
    if (options.readUrls?.length) {
      const primaryUrl = url;
      reads = createReadRouter({
        ...DEFAULT_READ_ROUTING,
        ...options.readRouting,
        primary: (kind) => (kind === 'api' ? pool : (primaryTiles ??= createPool(primaryUrl, options.schema, poolSize, TILE_SESSION_SQL))),
        primaryName: describeUrl(url),
        replicaUrls: options.readUrls,
        makePool: (replicaUrl, kind) => createPool(replicaUrl, options.schema, poolSize, kind === 'tiles' ? TILE_SESSION_SQL : '', 2_000),
      });
      await reads.check();
    }
  } catch (err) {
    await reads?.close();
    await pool.end();
    await embedded?.stop();
    throw err;
  }
  return {
    pool,
    engine: embedded ? 'embedded' : 'postgres',
    schema: options.schema,
    location: embedded ? embedded.dataDir : describeUrl(url),
    reads,
    async close() {
      await reads?.close();
      await primaryTiles?.end();
      await pool.end();
      await embedded?.stop();
    },
  };
}

/**
 * A pool whose connections have the schema first on their search_path, plus any further
 * session settings (`sessionSql`, fixed text: the tile pool's planner settings).
 */
export function createPool(url: string, schema: string, max: number, sessionSql = '', connectTimeoutMs = 15_000): pg.Pool {
  const searchPath = `SET search_path TO ${pg.escapeIdentifier(schema)}, public${sessionSql ? `; ${sessionSql}` : ''}`;
  // A multi-host or read-write URL: connections follow the primary (geodata/db/postgres-url.ts).
  const following = needsFollowing(url);
  const pool = new pg.Pool({
    ...(following ? { Client: hostFollower(url).Client } : { connectionString: url }),
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    // Awaited before the client is handed out. A startup `options` parameter would do the
    // same on a real server, but the embedded engine's socket ignores startup parameters.
    onConnect: async (client: pg.ClientBase) => {
      await client.query(searchPath);
    },
  });
  ignoreConnectionErrors(pool);
  return pool;
}

/**
 * A connection dropped by a restarting server must not crash the process. pg-pool listens for
 * errors only on idle clients; a checked-out client between two statements (a transaction in
 * progress) has no listener, and an 'error' event without one kills Node. The statement that
 * runs next on it fails on its own, so nothing is swallowed; the next checkout opens anew.
 */
export function ignoreConnectionErrors(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
}

/**
 * PostGIS must be installed in the database before the migrations run. Creating it needs a
 * superuser, so a server started with a less privileged role gets a message saying what to do.
 */
export async function ensurePostgis(pool: pg.Pool): Promise<void> {
  const { rowCount } = await pool.query(FIXED_SQL.ensure_postgis_select_pg_extension);
  if (rowCount) return;
  try {
    await pool.query(FIXED_SQL.ensure_postgis_create);
  } catch (err) {
    throw new Error(
      `PostGIS is not installed in this database and could not be created (${(err as Error).message}); ` +
        'run CREATE EXTENSION postgis as a superuser',
      { cause: err },
    );
  }
}

export async function postgisVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>(FIXED_SQL.postgis_version_select);
  return rows[0]!.v;
}

function describeUrl(url: string): string {
  return describeHost(url);
}
