import { createPool } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';
import { generateBenchSources } from './tiles-bench-data.ts';

/**
 * Where the benchmark sources come from: the demo region generator (geodata/demo, seed 1)
 * or the clustered points made in SQL (tiles-bench-data.ts). YZT_BENCH_DATA picks; default
 * demo on the embedded engine, sql on a real PostGIS (README: the demo loader's speed).
 */
export type BenchData = 'demo' | 'sql';

/** Makes (once) a schema holding `count` benchmark sources; returns when it is ready. */
export async function prepareBenchSchema(url: string, schema: string, count: number, log: (m: string) => void, data: BenchData = 'sql'): Promise<void> {
  const admin = createPool(url, 'public', 1);
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await admin.end();
  const pool = createPool(url, schema, 2);
  try {
    await migrate(pool);
    const { rows } = await pool.query<{ n: string; demo: boolean }>(
      "SELECT count(*)::text AS n, EXISTS (SELECT 1 FROM import_batch WHERE kind = 'demo') AS demo FROM source");
    if (Number(rows[0]!.n) === count && rows[0]!.demo === (data === 'demo')) return;
    if (data === 'demo') {
      if (Number(rows[0]!.n) > 0) throw new Error(`schema ${schema} holds other benchmark data; drop it first`);
      log(`loading the demo region with ${count} sources into schema ${schema}`);
      let last = 0;
      const result = await loadDemo(pool, { seed: 1, sources: count }, (p) => {
        if (p.layer === 'source' && p.rows - last >= 100_000) {
          last = p.rows;
          log(`  sources ${p.rows}/${count}`);
        }
      });
      log(`  demo loaded in ${(result.elapsedMs / 1000).toFixed(0)} s`);
      await pool.query('ANALYZE source');
      await pool.query('ANALYZE source_cell');
    } else {
      log(`making ${count} benchmark sources in schema ${schema} (about 1 min per million on PostGIS)`);
      await pool.query('TRUNCATE source');
      await generateBenchSources(pool, count, log);
      await pool.query('ANALYZE source_cell');
    }
    await pool.query('DELETE FROM tile_change');
  } finally {
    await pool.end();
  }
}

if (process.argv[1]?.endsWith('tiles-bench-prepare.ts')) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const count = Number(process.argv[2] ?? 3_600_000);
  const started = Date.now();
  await prepareBenchSchema(url, process.env.YZT_BENCH_SCHEMA ?? 'bench_tiles', count, console.log, benchData(true));
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

export function benchData(real: boolean): BenchData {
  const v = process.env.YZT_BENCH_DATA ?? (real ? 'sql' : 'demo');
  if (v !== 'demo' && v !== 'sql') throw new Error(`YZT_BENCH_DATA must be demo or sql, got ${JSON.stringify(v)}`);
  return v;
}
