import { performance } from 'node:perf_hooks';
import { createPool } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';
import { allSectionLoads, buildRiverNetwork, linkNetwork, traceUpstream } from '../../geodata/network/index.ts';

/**
 * npm run bench:network — on a real PostGIS (DATABASE_URL): loads the demo region (seed 1,
 * YZT_BENCH_SOURCES sources, default 3.6M) into schema YZT_BENCH_SCHEMA once, builds and links
 * the network, then times in the same run:
 *   - the indexed upstream trace + loads of one section (p50/p95 over YZT_BENCH_RUNS runs),
 *   - the same sums by a plain recursive CTE over river_reach.downstream_id,
 *   - loads of all sections in one query, and the recursive CTE section by section.
 */
const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must name a real PostGIS for this benchmark');
// With YZT_BENCH_LINES: the national river lines instead of the demo (network-lines.bench.ts).
if (process.env.YZT_BENCH_LINES) {
  const { benchLines } = await import('./network-lines.bench.ts');
  await benchLines(url, process.env.YZT_BENCH_LINES);
  process.exit(0);
}
const schema = process.env.YZT_BENCH_SCHEMA ?? 'bench_network';
const count = Number(process.env.YZT_BENCH_SOURCES ?? 3_600_000);
const runs = Number(process.env.YZT_BENCH_RUNS ?? 20);
const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

const admin = createPool(url, 'public', 1);
await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await admin.end();
const pool = createPool(url, schema, 2);
await migrate(pool);
const n = Number((await pool.query(`SELECT count(*) AS n FROM source`)).rows[0].n);
if (n === 0) {
  log(`loading the demo region with ${count} sources into ${schema}`);
  let last = 0;
  const r = await loadDemo(pool, { seed: 1, sources: count }, (p) => {
    if (p.layer === 'source' && p.rows - last >= 200_000) {
      last = p.rows;
      log(`  sources ${p.rows}/${count}`);
    }
  });
  log(`demo loaded in ${(r.elapsedMs / 1000).toFixed(0)} s`);
  await pool.query('ANALYZE');
} else {
  log(`schema ${schema} already holds ${n} sources`);
}

let t = performance.now();
const build = await buildRiverNetwork(pool, { direction: 'stored' });
log(`network build (stored direction, index): ${ms(t)}; ${build.reaches} reaches, ${build.outlets.length} outlets, ${build.cycles.length} cycles`);
t = performance.now();
const link = await linkNetwork(pool);
log(`link outfalls, sections, sources: ${ms(t)}; sources ${JSON.stringify(link.sources)}`);
await pool.query('ANALYZE network_source; ANALYZE network_reach; ANALYZE network_section');

// The section with the most counted sources upstream is the hardest single trace.
const { rows: secs } = await pool.query(`
  SELECT s.section_code AS code, s.reach_id, count(ns.source_id)::int AS n
    FROM network_section s JOIN network_reach r ON r.reach_id = s.reach_id
    LEFT JOIN network_source ns ON ns.pre BETWEEN s.pre AND r.last AND ns.dist_m >= s.dist_m AND ns.counted
   GROUP BY s.section_code, s.reach_id ORDER BY n DESC`);
const median = secs[Math.floor(secs.length / 2)];
for (const sec of [secs[0], median]) {
  log(`section ${sec.code}: ${sec.n} counted sources upstream`);
  const indexed = await timeRuns(() => traceUpstream(pool, sec.code, { scope: 'whole', limit: 20 }));
  const control = await timeRuns(() => traceUpstream(pool, sec.code, { scope: 'control', limit: 20 }));
  const cte = await timeRuns(() => recursiveLoads(sec.reach_id));
  log(`  indexed trace + loads (whole):   p50 ${indexed.p50} ms, p95 ${indexed.p95} ms`);
  log(`  indexed trace + loads (control): p50 ${control.p50} ms, p95 ${control.p95} ms`);
  log(`  recursive CTE reaches + loads:   p50 ${cte.p50} ms, p95 ${cte.p95} ms`);
}
t = performance.now();
const all = await allSectionLoads(pool, { scope: 'whole' });
log(`loads of all ${all.length} sections, one query (whole): ${ms(t)}`);
t = performance.now();
await allSectionLoads(pool, { scope: 'control' });
log(`loads of all sections, one query (control): ${ms(t)}`);
t = performance.now();
for (const sec of secs) await recursiveLoads(sec.reach_id);
log(`loads of all ${secs.length} sections by recursive CTE, one by one: ${ms(t)}`);
await pool.end();

/**
 * The direct way: walk river_reach.downstream_id upwards from the section's reach, then sum the
 * sources linked to those reaches (whole reaches, so it ignores the position on the section's
 * own reach and the decay — it is the cheaper query, not a stronger one).
 */
async function recursiveLoads(reachId: string) {
  return pool.query(`
    WITH RECURSIVE up AS (
      SELECT id FROM river_reach WHERE id = $1
      UNION ALL
      SELECT r.id FROM river_reach r JOIN up ON r.downstream_id = up.id)
    SELECT count(*) AS n, sum(s.cod) AS cod, sum(s.nh3n) AS nh3n, sum(s.tn) AS tn, sum(s.tp) AS tp
      FROM up JOIN network_source ns ON ns.reach_id = up.id AND ns.counted JOIN source s ON s.id = ns.source_id`, [reachId]);
}

async function timeRuns(run: () => Promise<unknown>) {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]!.toFixed(1);
  return { p50: q(0.5), p95: q(0.95) };
}

function ms(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(2)} s`;
}
