import { escapeIdentifier } from 'pg';
import type pg from 'pg';
import { inject } from 'vitest';
import { createPool } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';

export interface TestDatabase {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly url: string;
  readonly engine: 'embedded' | 'postgres';
  close(): Promise<void>;
}

/**
 * A fresh, migrated schema on the suite's database (embedded or real), dropped on close.
 * Each test file takes its own schema so files never see each other's rows.
 */
export async function openTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const url = inject('databaseUrl');
  if (!url) {
    throw new Error(
      'this test file opens the database, but its tier starts none: a test beside the code that needs PostGIS ' +
        'is named *.db.test.ts (README "Test tiers"; vitest.config.ts)',
    );
  }
  const schema = `t_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${process.pid}_${Date.now().toString(36)}`.slice(0, 60);
  const admin = createPool(url, 'public', 1);
  await admin.query(`CREATE SCHEMA ${escapeIdentifier(schema)}`);
  await admin.end();
  const pool = createPool(url, schema, 4);
  if (options.migrate !== false) await migrate(pool);
  return {
    pool,
    schema,
    url,
    engine: inject('engine'),
    async close() {
      await pool.query(`DROP SCHEMA ${escapeIdentifier(schema)} CASCADE`);
      await pool.end();
    },
  };
}
