import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { loadMigrations, migrate } from './migrate.ts';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('migrate', { migrate: false });
  });
  afterAll(() => db.close());

  it('applies every migration once, in order, and creates the census tables with spatial indexes', async () => {
    const applied = await migrate(db.pool);
    expect(applied).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db.pool)).toEqual([]);
    const { rows } = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [db.schema]);
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([
      'air_reading', 'air_station', 'basin', 'census_zone', 'division', 'edit_log', 'import_batch',
      'outfall', 'river_reach', 'schema_migration', 'section', 'section_reading', 'source',
    ]));
    const gist = await db.pool.query<{ tablename: string }>(
      `SELECT tablename FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%USING gist%'`, [db.schema]);
    expect(new Set(gist.rows.map((r) => r.tablename))).toEqual(new Set([
      'air_station', 'basin', 'census_zone', 'division', 'outfall', 'river_reach', 'section', 'source',
    ]));
  });

  it('refuses a migration whose file changed after it was applied', async () => {
    const changed = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(db.pool, changed)).rejects.toThrow(/changed after it was applied/);
  });

  it('keeps the edit log append-only', async () => {
    await db.pool.query(`INSERT INTO edit_log (actor, entity, entity_id, action) VALUES ('t', 'source', '1', 'edit')`);
    await expect(db.pool.query('UPDATE edit_log SET actor = $1', ['x'])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM edit_log')).rejects.toThrow(/append-only/);
  });
});
