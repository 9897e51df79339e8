import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scopedPool } from '../access/index.ts';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile, takeBackAbandonedImports } from './index.ts';
import { clearTables, countRows, fixtureDir } from './test-support/fixtures.ts';

const HEADER = '普查编号,单位名称,污染源类型,行业代码,行政区划代码,经度,纬度,化学需氧量\n';

/** A sources CSV; `divisionOf(i)` gives row i's division code (all Nanshan by default). */
function sourcesCsv(rows: number, divisionOf: (i: number) => string = () => '440305'): string {
  const lines = [HEADER];
  for (let i = 1; i <= rows; i++) {
    lines.push(`G${String(i).padStart(7, '0')},某企业${i},工业源,1713,${divisionOf(i)},${(113.9 + (i % 500) / 10_000).toFixed(5)},${(22.5 + (i % 300) / 10_000).toFixed(5)},${i % 89}\n`);
  }
  return lines.join('');
}

// The import stages its rows and moves them into the layer in short transactions
// (import-stage.ts). These tests watch that from outside: other queries answer while it runs,
// staged rows are not in the layer, a row the layer refuses on the way in takes back what
// moved, and a batch left half-moved by a dead importer is taken back.
describe('an import stages its rows, then moves them', () => {
  let db: TestDatabase;
  const files = fixtureDir('stage');
  beforeAll(async () => {
    db = await openTestDatabase('import_stage');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['source', 'import_batch']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('lets other queries answer while a large import runs, and keeps its rows out of the layer until they move', async () => {
    // On the embedded engine every connection shares one PostgreSQL session: an import held in
    // one transaction made every other query wait for the file's end.
    const ROWS = 40_000;
    const path = files.file('big.csv', sourcesCsv(ROWS));
    let done = false;
    let countWhileReading: number | null = null;
    let reading = false;
    const importing = importFile(db.pool, {
      kind: 'source', files: [path], actor: 'test',
      onProgress: (p) => {
        if (p.rowsMoved === undefined && p.rowsRead >= 10_000) reading = true;
      },
    }).finally(() => (done = true));
    const answeredDuringImport: number[] = [];
    while (!done) {
      const n = await countRows(db.pool, 'source');
      if (!done) answeredDuringImport.push(n);
      if (reading && countWhileReading === null && !done) countWhileReading = n;
      await new Promise((r) => setTimeout(r, 20));
    }
    const report = await importing;
    expect(report).toMatchObject({ rowsRead: ROWS, rowsStored: ROWS, errors: [] });
    expect(answeredDuringImport.length).toBeGreaterThanOrEqual(10);
    // Read and staged, not yet moved: nothing of the file in the layer.
    expect(countWhileReading).toBe(0);
    // The rows arrive in ranges, never to leave again.
    expect(answeredDuringImport).toEqual([...answeredDuringImport].sort((a, b) => a - b));
    expect(await countRows(db.pool, 'source')).toBe(ROWS);
    const { rows } = await db.pool.query(`SELECT status, rows_stored FROM import_batch`);
    expect(rows).toEqual([{ status: 'done', rows_stored: ROWS }]);
    // The stage table is gone.
    const stages = await db.pool.query(`SELECT relname FROM pg_class WHERE relname LIKE 'import_stage_%' AND relpersistence = 't'`);
    expect(stages.rows).toEqual([]);
  }, 180_000);

  it('takes back what moved when the layer refuses a row on the way in (a source outside the importer\'s region)', async () => {
    // Row 27 of 30 is in Bao'an; a Nanshan account may not write it, which only the layer's
    // row-level security says. Ranges of 5 rows: 25 rows have moved when row 27 is refused.
    const path = files.file('one-outside.csv', sourcesCsv(30, (i) => (i === 27 ? '440306' : '440305')));
    const nanshan = scopedPool(db.pool, '440305');
    const report = await importFile(nanshan, { kind: 'source', files: [path], actor: 'test', batchSize: 5 });
    expect(report.rowsStored).toBe(0);
    expect(report.batchId).toBeNull();
    expect(report.errors.map((e) => e.line)).toEqual([28]);
    expect(await countRows(db.pool, 'source')).toBe(0);
    expect(await countRows(db.pool, 'import_batch')).toBe(0);

    const kept = await importFile(nanshan, { kind: 'source', files: [path], actor: 'test', batchSize: 5, keepValidRows: true });
    expect(kept).toMatchObject({ rowsStored: 29, rejected: 1 });
    expect(kept.errors.map((e) => e.line)).toEqual([28]);
    expect(await countRows(db.pool, 'source')).toBe(29);
    const { rows } = await db.pool.query(`SELECT status, rows_stored FROM import_batch`);
    expect(rows).toEqual([{ status: 'done', rows_stored: 29 }]);
  });

  it('takes back a batch a dead importer left half-moved, and leaves finished batches alone', async () => {
    const path = files.file('done.csv', sourcesCsv(10));
    const finished = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    // What an importer killed between two ranges leaves: a 'loading' batch and some of its rows.
    const { rows: [loading] } = await db.pool.query<{ id: string }>(
      `INSERT INTO import_batch (kind, file_name, format, actor, status) VALUES ('source', 'killed.csv', 'csv', 'test', 'loading') RETURNING id`,
    );
    await db.pool.query(
      `INSERT INTO source (census_id, name, source_type, industry_code, division_code, geom, import_batch)
       SELECT 'K' || i, '半途企业' || i, 'industrial', '1713', '440305', ST_SetSRID(ST_MakePoint(113.95, 22.52), 4326), $1
         FROM generate_series(1, 7) i`,
      [loading!.id],
    );
    expect(await countRows(db.pool, 'source')).toBe(17);
    expect(await takeBackAbandonedImports(db.pool)).toEqual([{ batchId: Number(loading!.id), kind: 'source', rowsRemoved: 7 }]);
    expect(await countRows(db.pool, 'source')).toBe(10);
    const { rows } = await db.pool.query(`SELECT id::int, status FROM import_batch`);
    expect(rows).toEqual([{ id: finished.batchId, status: 'done' }]);
    expect(await takeBackAbandonedImports(db.pool)).toEqual([]);
  });

  it('leaves a loading batch alone while its importer still holds it (another server is moving it)', async (ctx) => {
    // The embedded engine is one session, whose own advisory locks never block it; only a
    // server there, so it takes back its batches at start, before any import can run.
    if (db.engine === 'embedded') ctx.skip();
    const { rows: [loading] } = await db.pool.query<{ id: string }>(
      `INSERT INTO import_batch (kind, file_name, format, actor, status) VALUES ('source', 'moving.csv', 'csv', 'test', 'loading') RETURNING id`,
    );
    const importer = new pg.Client({ connectionString: db.url });
    await importer.connect();
    try {
      await importer.query(`SET search_path TO ${pg.escapeIdentifier(db.schema)}, public`);
      await importer.query(`SELECT pg_advisory_lock(hashtext(current_schema() || '.import_batch'), ($1::bigint % 2147483647)::int)`, [loading!.id]);
      expect(await takeBackAbandonedImports(db.pool)).toEqual([]);
    } finally {
      await importer.end();
    }
    expect(await takeBackAbandonedImports(db.pool)).toEqual([{ batchId: Number(loading!.id), kind: 'source', rowsRemoved: 0 }]);
  });
});
