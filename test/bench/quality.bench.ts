/**
 * npm run bench:quality — the census quality loop on the 600k demo, each figure next to its
 * baseline from the same run:
 *   - the attribute screening (geodata/quality/screening.sql) against a plain GROUP BY over the
 *     same rows (sources per province and industry with their emission sums) and against the
 *     peer medians alone (percentile_cont per group, the one aggregate the screening cannot do
 *     without); target: screening ≤ 3× the plain GROUP BY;
 *   - comparing a 50,000-row external list with the directory (credit code, organisation code,
 *     normalised name); target ≤ 30 s on the embedded engine.
 *   DATABASE_URL=…            measure on that real PostGIS (schema bench_quality, kept)
 *   (unset)                   the embedded engine on YZT_BENCH_DATA_DIR
 *                             (default: <tmp>/yzt-bench-quality-<sources>, kept)
 *   BENCH_SOURCES=600000, BENCH_RUNS=3, BENCH_LIST_ROWS=50000
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { NATIONAL, scopedPool } from '../../geodata/access/index.ts';
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';
import { importList } from '../../geodata/quality/list-matching.ts';
import { runScreening } from '../../geodata/quality/screening.ts';

const sources = Number(process.env.BENCH_SOURCES ?? 600_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const listRows = Number(process.env.BENCH_LIST_ROWS ?? 50_000);
const schema = 'bench_quality';

const PLAIN_GROUP_BY = `
  SELECT left(division_code, 2) AS province, industry_code, count(*),
         sum(cod), sum(nh3n), sum(tn), sum(tp), sum(so2), sum(nox), sum(pm), sum(vocs)
  FROM source WHERE status IN ('active', 'stopped', 'closed', 'other') AND source_type = 'industrial'
  GROUP BY 1, 2`;
const PEER_MEDIANS = `
  SELECT left(division_code, 2) AS province, industry_code, p.code, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ln(p.v))
  FROM source s CROSS JOIN LATERAL (VALUES ('cod', s.cod), ('nh3n', s.nh3n), ('tn', s.tn), ('tp', s.tp),
                                            ('so2', s.so2), ('nox', s.nox), ('pm', s.pm), ('vocs', s.vocs)) AS p(code, v)
  WHERE status IN ('active', 'stopped', 'closed', 'other') AND source_type = 'industrial' AND p.v > 0
  GROUP BY 1, 2, 3`;

let engine: EmbeddedEngine | undefined;
let url = process.env.DATABASE_URL;
if (!url) {
  const dataDir = process.env.YZT_BENCH_DATA_DIR || join(tmpdir(), `yzt-bench-quality-${sources}`);
  console.log(`embedded engine on ${dataDir}${existsSync(dataDir) ? ' (kept from an earlier run)' : ''}`);
  engine = await startEmbeddedEngine({ dataDir });
  url = engine.url;
}
const admin = createPool(url, 'public', 1);
if (!engine) await ensurePostgis(admin);
await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await admin.end();
const pool = createPool(url, schema, 4);
const work = mkdtempSync(join(tmpdir(), 'yzt-bench-quality-'));
try {
  const applied = await migrate(pool);
  if (applied.length > 0) console.log(`migrations ${applied.join(', ')} applied`);
  const count = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM source')).rows[0]!.n);
  if (count === 0) {
    console.log(`loading the demo region, ${sources} sources, into schema ${schema}`);
    const result = await loadDemo(pool, { seed: 20191231, sources });
    console.log(`demo loaded in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    await pool.query('VACUUM ANALYZE source');
  }
  console.log(`engine: ${engine ? 'embedded' : 'postgres'}, ${count || sources} sources, ${runs} runs each\n`);

  const time = async (work: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await work();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  };
  const plain = await time(() => pool.query(PLAIN_GROUP_BY));
  const medians = await time(() => pool.query(PEER_MEDIANS));
  let findings = 0;
  // Rolled back: every run screens the same data and leaves no findings behind.
  const screening = await time(async () => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const run = await c.query<{ id: string }>(`INSERT INTO review_run (scope, actor) VALUES ('all', 'bench') RETURNING id`);
      findings = await runScreening(c, Number(run.rows[0]!.id));
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  });
  console.log('| step | median | × plain GROUP BY |');
  console.log('|---|---|---|');
  console.log(`| plain GROUP BY (province × industry, emission sums) | ${ms(plain)} | 1.00 |`);
  console.log(`| peer medians alone (percentile_cont per group and pollutant) | ${ms(medians)} | ${(medians / plain).toFixed(2)} |`);
  console.log(`| attribute screening, all nine checks (${findings} findings) | ${ms(screening)} | **${(screening / plain).toFixed(2)}** |`);

  // A list as a market-regulation office would send it: most units in the census under name
  // variants or by code, a fifth not in it.
  const { rows } = await pool.query<{ name: string; credit_code: string | null }>(
    `SELECT name, credit_code FROM source WHERE status = 'active' ORDER BY id LIMIT $1`, [listRows]);
  const rng = seedrandom('bench-list');
  const lines = ['企业名称,统一社会信用代码,组织机构代码,地址'];
  for (const [i, r] of rows.entries()) {
    const roll = rng();
    if (roll < 0.2) lines.push(`"新设${i}号${r.name.slice(-6)}",,,`);
    else if (roll < 0.5 && r.credit_code) lines.push(`"${r.name}",${r.credit_code},,`);
    else if (roll < 0.6 && r.credit_code) lines.push(`"${r.name}",,${r.credit_code.slice(8, 16)}-${r.credit_code[16]},`);
    else lines.push(`"${r.name.replace(/有限公司$/, '有限责任公司')}",,,`);
  }
  const file = join(work, 'list.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const scoped = scopedPool(pool, NATIONAL);
  const t = performance.now();
  const result = await importList(scoped, NATIONAL, 'bench', { path: file, fileName: 'list.csv' }, 'bench list');
  const matchMs = performance.now() - t;
  await pool.query('DELETE FROM ext_list WHERE id = $1', [result.id]);
  console.log(`\n| list comparison | rows | matched | ambiguous | unmatched | time | target |`);
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| ${engine ? 'embedded' : 'postgres'} | ${result.units} | ${result.matched} | ${result.ambiguous} | ${result.unmatched} | ${ms(matchMs)} | ≤ 30 s embedded |`);
} finally {
  rmSync(work, { recursive: true, force: true });
  await pool.end();
  await engine?.stop();
}

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`;
}
