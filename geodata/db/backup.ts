import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { REQUEST_ROLE } from '../access/scoped-pool.ts';
import { loadStatements } from './sql-statements.ts';

// The fixed statements of this file, by name, in backup.sql beside it.
const FIXED_SQL = loadStatements(new URL('./backup.sql', import.meta.url), ['restore_server_select_pg_namespace']);

const run = promisify(execFile);

/**
 * Backups that restore on either engine.
 *
 * - A real PostgreSQL: Debian's `pg_dump --format=custom` of the product's schema, restored
 *   with `pg_restore`. libpq takes the multi-host DATABASE_URL as it is.
 * - The embedded engine: a plain SQL dump of the schema, made by PGlite's own pg_dump (the
 *   WebAssembly build in @electric-sql/pglite-tools) on the data folder. Debian's pg_dump 15
 *   cannot be used through the embedded engine's socket: PGlite is PostgreSQL 18 and pg_dump
 *   refuses a server newer than itself ("server version mismatch"). The SQL uses INSERTs, no
 *   COPY from stdin, so both PGlite (exec) and psql load it: a fresh data folder, or a real
 *   PostgreSQL 15 (the few settings only newer servers know are left out).
 *
 * The schema is dumped without PostGIS (an extension in public) and without the request role
 * (a role of the whole cluster): a restore creates both first, then loads the dump.
 */
export type BackupFormat = 'custom' | 'sql';

export interface BackupResult {
  readonly file: string;
  readonly format: BackupFormat;
  readonly bytes: number;
  readonly elapsedMs: number;
}

// Settings of PostgreSQL 17/18's pg_dump preamble that PostgreSQL 15 rejects.
const NEWER_SETTINGS = /^SET (transaction_timeout) = .*;$/gm;

/** pg_dump of `schema` on a real PostgreSQL into `file` (custom format). */
export async function backupServer(databaseUrl: string, schema: string, file: string): Promise<BackupResult> {
  const started = Date.now();
  await run('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${file}`, databaseUrl], { timeout: 3_600_000 });
  return { file, format: 'custom', bytes: readFileSync(file).length, elapsedMs: Date.now() - started };
}

/** A plain SQL dump of `schema` from an embedded data folder (the server must not hold it). */
export async function backupEmbedded(dataDir: string, schema: string, file: string): Promise<BackupResult> {
  const started = Date.now();
  const folder = resolve(dataDir);
  if (!existsSync(`${folder}/pgdata`)) throw new Error(`${folder} holds no embedded database (no pgdata folder): nothing to back up`);
  const lock = lockDataDir(folder);
  try {
    const db = await PGlite.create({ dataDir: `${folder}/pgdata`, extensions: { postgis } });
    try {
      const dump = await pgDump({ pg: db, args: [`--schema=${schema}`, '--no-owner'] });
      const sql = (await dump.text()).replace(NEWER_SETTINGS, '-- $& (left out: PostgreSQL 15 does not know it)');
      writeFileSync(file, sql);
      return { file, format: 'sql', bytes: Buffer.byteLength(sql), elapsedMs: Date.now() - started };
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}

export function backupFormatOf(file: string): BackupFormat {
  const head = readFileSync(file).subarray(0, 5).toString('latin1');
  return head === 'PGDMP' ? 'custom' : 'sql';
}

/** What a restore needs before the dump: PostGIS, and the role requests run as. */
const PREPARE_SQL = `CREATE EXTENSION IF NOT EXISTS postgis;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${REQUEST_ROLE}') THEN CREATE ROLE ${REQUEST_ROLE} NOLOGIN; END IF;
END $$;`;

/** Restores a backup into a real PostgreSQL database whose `schema` does not exist yet. */
export async function restoreServer(file: string, databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(FIXED_SQL.restore_server_select_pg_namespace, [schema]);
    if (rows.length) throw new Error(`schema "${schema}" already exists in ${new URL(databaseUrl).pathname.slice(1)}: restore into a new database, or drop it first (DROP SCHEMA ${schema} CASCADE)`);
    await client.query(PREPARE_SQL);
    await client.query(`GRANT ${REQUEST_ROLE} TO current_user`).catch(() => {});
  } finally {
    await client.end();
  }
  if (backupFormatOf(file) === 'custom') {
    await run('pg_restore', ['--exit-on-error', '--no-owner', `--dbname=${databaseUrl}`, file], { timeout: 3_600_000 });
  } else {
    await run('psql', ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', `--dbname=${databaseUrl}`, `--file=${file}`], { timeout: 3_600_000, maxBuffer: 64 * 1024 * 1024 });
  }
}

/** Restores a plain SQL backup into a new embedded data folder. */
export async function restoreEmbedded(file: string, dataDir: string): Promise<void> {
  if (backupFormatOf(file) === 'custom') {
    throw new Error(`${file} is a pg_dump custom-format archive of a server: the embedded engine loads plain SQL backups (npm run backup without DATABASE_URL, or pg_dump --format=plain --inserts)`);
  }
  const folder = resolve(dataDir);
  if (existsSync(folder) && readdirSync(folder).length) throw new Error(`${folder} is not empty: restore into a new folder (YZT_DATA_DIR), then start the server on it`);
  mkdirSync(folder, { recursive: true });
  const lock = lockDataDir(folder);
  try {
    const db = await PGlite.create({ dataDir: `${folder}/pgdata`, extensions: { postgis } });
    try {
      await db.exec(PREPARE_SQL);
      await db.exec(readFileSync(file, 'utf8'));
    } finally {
      await db.close();
    }
  } finally {
    lock.release();
  }
}
