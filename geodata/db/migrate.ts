import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { loadStatements } from './sql-statements.ts';

// The fixed statements of this file, by name, in migrate.sql beside it.
const FIXED_SQL = loadStatements(new URL('./migrate.sql', import.meta.url), ['migrate_create', 'migrate_select_schema_migration', 'select', 'select_schema_migration', 'insert_schema_migration']);

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
    await client.query(FIXED_SQL.migrate_create);
    const applied = new Map(
      (await client.query<{ version: number; checksum: string }>(FIXED_SQL.migrate_select_schema_migration))
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
        await client.query(FIXED_SQL.select);
        const again = await client.query(FIXED_SQL.select_schema_migration, [m.version]);
        if (again.rowCount === 0) {
          await client.query(m.sql);
          await client.query(FIXED_SQL.insert_schema_migration, [
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
