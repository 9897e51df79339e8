import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'migrations');
const FILE_NAME = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The ordered migrations shipped with the product (geodata/migrations/NNN_name.sql). */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_NAME.exec(file);
      if (!m) throw new Error(`migration file ${file} must be named NNN_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: Number(m[1]), name: m[2]!, sql, checksum: sha256(sql) };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.version}_${m.name} is out of sequence`);
  });
  return migrations;
}

/**
 * Applies the migrations not yet applied, each in its own transaction, and returns the
 * versions it applied. A migration whose file changed after it was applied is an error:
 * the database would no longer match the code that describes it.
 */
export async function migrate(pool: pg.Pool, migrations = loadMigrations()): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Map(
      (await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migration'))
        .rows.map((r) => [r.version, r.checksum]),
    );
    const done: number[] = [];
    for (const m of migrations) {
      const known = applied.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum) {
          throw new Error(`migration ${m.version}_${m.name} was changed after it was applied`);
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        // Serialises concurrent starters on a shared database (server replicas).
        await client.query('SELECT pg_advisory_xact_lock(hashtext(current_schema()))');
        const again = await client.query('SELECT 1 FROM schema_migration WHERE version = $1', [m.version]);
        if (again.rowCount === 0) {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [
            m.version, m.name, m.checksum,
          ]);
          done.push(m.version);
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return done;
  } finally {
    client.release();
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
