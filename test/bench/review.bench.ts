/**
 * npm run bench:review — the full geolocation check run next to a bare point-in-zone join,
 * on the same demo data in the same process, plus recall against the demo's seeded errors.
 *   DATABASE_URL=…          the real PostGIS to measure on (required: the target is set there)
 *   BENCH_SOURCES=600000    demo size (default 600,000: about 26,500 zones)
 *   BENCH_KEEP=1            keep the schema (bench_review) for another look
 */
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { generateDemo, loadDemo, type SeededError } from '../../geodata/demo/index.ts';
import { runReview } from '../../geodata/review/index.ts';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('set DATABASE_URL to a real PostGIS (e.g. postgres://postgres@127.0.0.1:5432/postgres)');
const sources = Number(process.env.BENCH_SOURCES ?? 600_000);
const schema = 'bench_review';

// Which check should catch each seeded kind (a kind may be caught by one of several).
const EXPECTED: Record<SeededError['kind'], string[]> = {
  swapped_lat_lon: ['swapped_lat_lon'], zero_coordinates: ['coord_zero'], empty_coordinates: ['coord_empty'],
  out_of_range: ['coord_out_of_range'], dms_as_decimal: ['dms_slip'], gcj02_as_wgs84: ['gcj02_as_wgs84'],
  bd09_as_wgs84: ['bd09_as_wgs84'], stacked_point: ['stacked_point'], township_centroid: ['division_centroid'],
  low_precision: ['low_precision'], outside_declared_zone: ['outside_declared_zone', 'outside_declared_division', 'in_no_zone', 'outside_region'],
};

const admin = createPool(url, 'public', 1);
await ensurePostgis(admin);
// BENCH_REUSE=1 measures again on the schema a BENCH_KEEP run left (same seed and size).
const reuse = process.env.BENCH_REUSE === '1' && (await admin.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).rowCount === 1;
if (!reuse) {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`CREATE SCHEMA ${schema}`);
}
await admin.end();
const pool = createPool(url, schema, 4);
try {
  if (!reuse) await migrate(pool);
  // A run of an interrupted earlier benchmark would block this one for 30 minutes.
  else await pool.query(`UPDATE review_run SET status = 'failed', error = 'abandoned benchmark run' WHERE status = 'running'`);
  let t = performance.now();
  const demo = reuse
    ? await (async () => {
        const region = generateDemo({ seed: 20191231, sources });
        const n = async (t: string) => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
        return { seededErrors: region.seededErrors, counts: { source: await n('source'), census_zone: await n('census_zone') } };
      })()
    : await loadDemo(pool, { seed: 20191231, sources });
  console.log(`${reuse ? 'reused' : 'loaded'} ${demo.counts.source} sources, ${demo.counts.census_zone} zones in ${s(performance.now() - t)}`);
  await pool.query('ANALYZE');

  const bare = async () => {
    const t0 = performance.now();
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM census_zone z JOIN source s ON ST_Intersects(z.geom, s.geom)');
    return { ms: performance.now() - t0, n: Number(rows[0]!.n) };
  };
  const warm = await bare();
  const before = await bare();
  t = performance.now();
  let last = performance.now();
  const unitMs: number[] = [];
  const run = await runReview(pool, 'bench', {}, () => { const now = performance.now(); unitMs.push(now - last); last = now; });
  const runMs = performance.now() - t;
  const after = await bare();
  const bareMs = Math.min(before.ms, after.ms);
  console.log(`bare point-in-zone join (zones driving ST_Intersects): ${s(before.ms)} / ${s(after.ms)} (warm-up ${s(warm.ms)}), ${before.n} pairs`);
  console.log(`units (stacks, counties…, outfalls, patterns): ${unitMs.map((m) => (m / 1000).toFixed(1)).join(' ')} s`);
  console.log(`full check run: ${s(runMs)} over ${run.totalUnits} units, ${run.findings} findings; ratio ${(runMs / bareMs).toFixed(2)}x (target <= 3x)`);

  const found = new Map<string, Set<string>>();
  const { rows } = await pool.query<{ census_id: string; check_code: string }>(
    `SELECT s.census_id, f.check_code FROM review_finding f JOIN source s ON s.id = f.source_id`);
  for (const r of rows) (found.get(r.census_id) ?? found.set(r.census_id, new Set()).get(r.census_id)!).add(r.check_code);
  const perKind = new Map<string, { n: number; hit: number }>();
  for (const e of demo.seededErrors) {
    const k = perKind.get(e.kind) ?? { n: 0, hit: 0 };
    k.n++;
    if (EXPECTED[e.kind].some((c) => found.get(e.census_id)?.has(c))) k.hit++;
    perKind.set(e.kind, k);
  }
  console.log('recall on the demo\'s seeded errors (caught by the expected check):');
  for (const [kind, k] of [...perKind].sort()) console.log(`  ${kind.padEnd(22)} ${k.hit}/${k.n} = ${(k.hit / k.n).toFixed(3)}`);
  const seeded = new Set(demo.seededErrors.map((e) => e.census_id));
  const flaggedClean = [...found.keys()].filter((c) => !seeded.has(c)).length;
  console.log(`sources flagged without a seeded error: ${flaggedClean} of ${demo.counts.source - seeded.size}`);
} finally {
  if (!process.env.BENCH_KEEP) await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
  await pool.end();
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
