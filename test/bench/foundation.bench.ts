/**
 * npm run bench:foundation — start-up and load times of the two engines, measured in one run:
 * embedded cold start (new data folder) and warm start (reopened folder), and the time to
 * generate and load the demo region at each size on each engine.
 *   BENCH_SIZES=20000,600000   sizes to load (default both)
 *   DATABASE_URL=…             also load into that real PostGIS (a fresh schema each, dropped after)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { startEmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';

const sizes = (process.env.BENCH_SIZES ?? '20000,600000').split(',').map(Number);
const seed = 20191231;
const rows: string[][] = [['measure', 'engine', 'value']];
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const dir = mkdtempSync(join(tmpdir(), 'yzt-bench-'));
try {
  let t = performance.now();
  let engine = await startEmbeddedEngine({ dataDir: dir });
  await firstQuery(engine.url);
  rows.push(['cold start (new data folder)', 'embedded', s(performance.now() - t)]);
  await engine.stop();

  t = performance.now();
  engine = await startEmbeddedEngine({ dataDir: dir });
  await firstQuery(engine.url);
  rows.push(['warm start (reopened folder)', 'embedded', s(performance.now() - t)]);

  for (const size of sizes) rows.push([`load demo ${size.toLocaleString('en')} sources`, 'embedded', s(await timeLoad(engine.url, size))]);
  await engine.stop();

  if (process.env.DATABASE_URL) {
    const admin = createPool(process.env.DATABASE_URL, 'public', 1);
    await ensurePostgis(admin);
    await admin.end();
    for (const size of sizes) rows.push([`load demo ${size.toLocaleString('en')} sources`, 'postgres', s(await timeLoad(process.env.DATABASE_URL, size))]);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));

async function firstQuery(url: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  await client.query('SELECT postgis_lib_version()');
  await client.end();
}

/** Generates and loads one demo region into a fresh schema (migrations included), then drops it. */
async function timeLoad(url: string, sources: number): Promise<number> {
  const schema = `bench_${sources}_${Date.now().toString(36)}`;
  const pool = createPool(url, schema, 2);
  try {
    await pool.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
    await migrate(pool);
    const t = performance.now();
    await loadDemo(pool, { seed, sources });
    return performance.now() - t;
  } finally {
    await pool.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`).catch(() => {});
    await pool.end();
  }
}
