import { createPool } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { generateBenchSources } from './tiles-bench-data.ts';

/** Makes (once) a schema holding `count` benchmark sources; returns when it is ready. */
export async function prepareBenchSchema(url: string, schema: string, count: number, log: (m: string) => void): Promise<void> {
  const admin = createPool(url, 'public', 1);
  await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await admin.end();
  const pool = createPool(url, schema, 2);
  try {
    await migrate(pool);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM source');
    if (Number(rows[0]!.n) === count) return;
    log(`making ${count} benchmark sources in schema ${schema} (about 1 min per million on PostGIS)`);
    await pool.query('TRUNCATE source');
    await generateBenchSources(pool, count, log);
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
  await prepareBenchSchema(url, process.env.YZT_BENCH_SCHEMA ?? 'bench_tiles', count, console.log);
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
