import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';

// An importer that dies while its rows move into the layer (geodata/import/import-stage.ts)
// leaves a 'loading' batch with some of its rows. The next server start takes them back, so a
// killed import leaves nothing, and says so in its log.
describe('a server start after an import died half-moved', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('start_takes_back');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('removes the half-moved rows and their batch, keeps a finished batch, and logs what it removed', async () => {
    const batch = async (status: string) =>
      (await db.pool.query<{ id: string }>(
        `INSERT INTO import_batch (kind, file_name, format, actor, status) VALUES ('division', 'd.geojson', 'geojson', 'test', $1) RETURNING id`, [status],
      )).rows[0]!.id;
    const done = await batch('done'), loading = await batch('loading');
    await db.pool.query(
      `INSERT INTO division (code, name, level, import_batch) VALUES ('440303', '罗湖区', 'county', $1), ('440304', '福田区', 'county', $2), ('440305', '南山区', 'county', $2)`,
      [done, loading],
    );
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const server = await startTestServer(db, {}, logger);
    try {
      const { rows } = await db.pool.query(`SELECT code FROM division ORDER BY code`);
      expect(rows.map((r) => r.code)).toEqual(['440303']);
      expect((await db.pool.query(`SELECT id::text, status FROM import_batch`)).rows).toEqual([{ id: done, status: 'done' }]);
      expect(lines.join('')).toContain(`import batch ${loading} (division) was left half-moved by an importer that stopped; removed its 2 row(s)`);
    } finally {
      await server.close();
    }
  }, 60_000);
});
