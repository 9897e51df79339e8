import pg from 'pg';
import { startEmbeddedEngine, type EmbeddedEngine } from './embedded-engine.ts';

export type EngineKind = 'embedded' | 'postgres';

export interface DatabaseOptions {
  /** A real PostgreSQL/PostGIS; when absent the embedded engine is started on dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** The schema that holds the product's tables (search_path puts it before public). */
  schema: string;
  poolSize?: number;
}

export interface Database {
  readonly pool: pg.Pool;
  readonly engine: EngineKind;
  readonly schema: string;
  /** Where the data lives: the data folder, or the server's host/port/database. */
  readonly location: string;
  close(): Promise<void>;
}

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
  const pool = createPool(url, options.schema, options.poolSize ?? 10);
  try {
    await ensurePostgis(pool);
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(options.schema)}`);
  } catch (err) {
    await pool.end();
    await embedded?.stop();
    throw err;
  }
  return {
    pool,
    engine: embedded ? 'embedded' : 'postgres',
    schema: options.schema,
    location: embedded ? embedded.dataDir : describeUrl(url),
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}

/**
 * A pool whose connections have the schema first on their search_path, plus any further
 * session settings (`sessionSql`, fixed text: the tile pool's planner settings).
 */
export function createPool(url: string, schema: string, max: number, sessionSql = ''): pg.Pool {
  const searchPath = `SET search_path TO ${pg.escapeIdentifier(schema)}, public${sessionSql ? `; ${sessionSql}` : ''}`;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 15_000,
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
  const { rowCount } = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
  if (rowCount) return;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (err) {
    throw new Error(
      `PostGIS is not installed in this database and could not be created (${(err as Error).message}); ` +
        'run CREATE EXTENSION postgis as a superuser',
      { cause: err },
    );
  }
}

export async function postgisVersion(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ v: string }>('SELECT postgis_lib_version() AS v');
  return rows[0]!.v;
}

function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
