import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { countRows, fixtureDir } from './test-support/fixtures.ts';

const ROWS = 100_000;
const BATCH = 2_000;

/** Writes a sources CSV of `rows` rows without holding it in memory either. */
async function writeSourcesCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('普查编号,单位名称,污染源类型,行业代码,经度,纬度,化学需氧量\n');
  for (let i = 0; i < rows; i++) {
    const line = `S${String(i).padStart(7, '0')},某企业${i},工业源,${3300 + (i % 50)},${(113 + (i % 1000) / 1000).toFixed(4)},${(22.5 + (i % 700) / 1000).toFixed(4)},${i % 97}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('streaming import', () => {
  let db: TestDatabase;
  const files = fixtureDir('stream');
  beforeAll(async () => {
    db = await openTestDatabase('import_stream');
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it(`imports a ${ROWS}-row CSV while holding no more than about one batch of rows`, async () => {
    const path = `${files.dir}/sources-100k.csv`;
    await writeSourcesCsv(path, ROWS);
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test', batchSize: BATCH });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: ROWS, rowsStored: ROWS });
    expect(await countRows(db.pool, 'source')).toBe(ROWS);
    // peakBufferedRows counts records the CSV parser produced that were neither written nor
    // rejected yet: the batch being filled plus the parser's read-ahead. A reader that parsed
    // the file ahead of the writer would show tens of thousands here.
    expect(report.peakBufferedRows).toBeGreaterThanOrEqual(BATCH);
    expect(report.peakBufferedRows).toBeLessThan(2 * BATCH);
    const { rows } = await db.pool.query(`SELECT count(DISTINCT import_batch) AS batches, max(cod) AS cod FROM source`);
    expect(rows[0]).toEqual({ batches: '1', cod: 96 });
    // A memory test, not a speed test: 100,000 rows take 20-50 s on a quiet machine and went past
    // the default minute on a loaded CI machine (import speed is bench:import's business).
  }, 300_000);
});
