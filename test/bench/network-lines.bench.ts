import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { createPool } from '../../geodata/db/database.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { importFile } from '../../geodata/import/index.ts';
import { buildRiverNetwork, linkNetwork, traceUpstream } from '../../geodata/network/index.ts';

/**
 * npm run bench:network with YZT_BENCH_LINES=<river lines file> (the national lines, e.g.
 * ../shared/geodata/real/pearl-rivers-gd.geojson) — on a real PostGIS: imports the lines into a
 * fresh schema, times the 'auto' network build (outlets, banks, rings, index), places
 * YZT_BENCH_SOURCES (default 50,000) synthetic sources along the flow reaches and the three
 * sections of issue #15 (西江 肇庆, 北江 清远, 东江 惠州), links, then times per section in the same
 * run: the indexed trace + loads, a plain recursive CTE over downstream_id with the same sums,
 * and pgRouting's pgr_drivingDistance over the same graph when the extension can be created.
 */
export async function benchLines(url: string, file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`${file} not found`);
  const schema = process.env.YZT_BENCH_SCHEMA ?? 'bench_network_lines';
  const count = Number(process.env.YZT_BENCH_SOURCES ?? 50_000);
  const runs = Number(process.env.YZT_BENCH_RUNS ?? 20);
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  const admin = createPool(url, 'public', 1);
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`CREATE SCHEMA ${schema}`);
  let pgrouting = false;
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
    pgrouting = true;
  } catch (err) {
    log(`pgRouting not available: ${(err as Error).message}`);
  }
  await admin.end();
  const pool = createPool(url, schema, 2);
  await migrate(pool);
  await importFile(pool, { kind: 'river_reach', files: [file], actor: 'bench', mapping: { HYD2_4M_: 'id' } });

  const builds: number[] = [];
  let report;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    report = await buildRiverNetwork(pool, { direction: 'auto' });
    builds.push(performance.now() - t);
  }
  builds.sort((a, b) => a - b);
  log(`network build ('auto': outlets, banks, rings, index) of ${report!.reaches} lines: median ${builds[2]!.toFixed(0)} ms of 5; ` +
    `${report!.outlets.length} outlets, ${report!.auto!.banks.length} double-line stretches, ${report!.auto!.islandRings.length} island rings, ` +
    `${report!.auto!.forks.length} forks (${report!.auto!.ambiguousForks.length} ambiguous), ${report!.cycles.length} cycles, ${report!.noOutlet.length} without outlet`);

  // Sources spread evenly along the flow reaches (by length), with loads.
  await pool.query(`
    INSERT INTO source (census_id, name, source_type, geom, cod, nh3n, tn, tp)
    SELECT 'B' || g, '厂' || g, 'industrial', ST_LineInterpolatePoint(r.geom, random()), 10 + random() * 90, 1, 2, 0.1
      FROM generate_series(1, $1) g
      CROSS JOIN LATERAL (SELECT geom FROM river_reach rr JOIN network_reach nr ON nr.reach_id = rr.id
                           ORDER BY md5(g::text || rr.id::text) LIMIT 1) r`, [count]);
  await pool.query(`
    INSERT INTO section (code, name, level, target_class, geom) VALUES
      ('ZQ', '肇庆', 'national', 2, ST_SetSRID(ST_Point(112.47, 23.05), 4326)),
      ('QY', '清远', 'national', 2, ST_SetSRID(ST_Point(113.17, 23.73), 4326))`);
  // 惠州 between the two 东江 banks (arcs 2092 and 2089 of the 1:4M lines), as test/network/real-rivers.test.ts
  // places it: a fixed point beyond the link tolerance left it unlinked in the first run.
  await pool.query(`
    INSERT INTO section (code, name, level, target_class, geom)
    SELECT 'HZ', '惠州', 'national', 2, ST_LineInterpolatePoint(ST_MakeLine(p, ST_ClosestPoint(o.geom, p)), 0.5)
      FROM (SELECT ST_LineInterpolatePoint(geom, 0.4) AS p FROM river_reach WHERE id = 2092) a, river_reach o WHERE o.id = 2089`);
  let t = performance.now();
  const link = await linkNetwork(pool, { sectionToleranceM: 3000 });
  log(`link ${count} sources and 3 sections: ${((performance.now() - t) / 1000).toFixed(2)} s; sections ${JSON.stringify(link.sections)}`);
  await pool.query('ANALYZE');

  const { rows: secs } = await pool.query(`SELECT section_code AS code, reach_id FROM network_section WHERE pre IS NOT NULL ORDER BY section_code`);
  for (const sec of secs) {
    const trace = await traceUpstream(pool, sec.code, { limit: 20 });
    log(`section ${sec.code}: ${trace.totals.sources} sources, ${trace.reaches.length} reaches upstream`);
    const indexed = await timeRuns(runs, () => traceUpstream(pool, sec.code, { limit: 20 }));
    const cte = await timeRuns(runs, () => recursiveLoads(pool, sec.reach_id));
    log(`  indexed trace + loads:          p50 ${indexed.p50} ms, p95 ${indexed.p95} ms`);
    log(`  recursive CTE reaches + loads:  p50 ${cte.p50} ms, p95 ${cte.p95} ms`);
    if (pgrouting) {
      const pgr = await timeRuns(runs, () => pgRoutingLoads(pool, sec.reach_id));
      const n = (await pgRoutingLoads(pool, sec.reach_id)).rows[0].n;
      log(`  pgr_drivingDistance + loads:    p50 ${pgr.p50} ms, p95 ${pgr.p95} ms (${n} sources)`);
    }
  }
  await pool.end();
}

function recursiveLoads(pool: pg.Pool, reachId: string) {
  return pool.query(`
    WITH RECURSIVE up AS (
      SELECT id FROM river_reach WHERE id = $1
      UNION ALL
      SELECT r.id FROM river_reach r JOIN up ON r.downstream_id = up.id)
    SELECT count(*) AS n, sum(s.cod) AS cod, sum(s.nh3n) AS nh3n, sum(s.tn) AS tn, sum(s.tp) AS tp
      FROM up JOIN network_source ns ON ns.reach_id = up.id AND ns.counted JOIN source s ON s.id = ns.source_id`, [reachId]);
}

/** The same walk by pgRouting: reaches as vertices, an edge from each reach up to every reach draining into it. */
function pgRoutingLoads(pool: pg.Pool, reachId: string) {
  return pool.query(`
    SELECT count(*) AS n, sum(s.cod) AS cod, sum(s.nh3n) AS nh3n, sum(s.tn) AS tn, sum(s.tp) AS tp
      FROM pgr_drivingDistance(
             'SELECT id, downstream_id AS source, id AS target, 1.0::float8 AS cost FROM river_reach WHERE downstream_id IS NOT NULL',
             $1::bigint, 1e9::float8, directed => true) d
      JOIN network_source ns ON ns.reach_id = d.node AND ns.counted JOIN source s ON s.id = ns.source_id`, [reachId]);
}

async function timeRuns(runs: number, run: () => Promise<unknown>) {
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
