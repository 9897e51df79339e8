/**
 * npm run bench:search — the search box on the 600k demo: the query it had before migration 010
 * (name ILIKE '%q%' over every source, sorted by length) against the indexed search, side by
 * side per query, in one run, as a national viewer (row-level security on, as every request).
 *   DATABASE_URL=…            measure on that real PostGIS (schema bench_search, kept)
 *   (unset)                   the embedded engine on YZT_BENCH_DATA_DIR
 *                             (default: <tmp>/yzt-bench-search-<sources>, kept)
 *   BENCH_SOURCES=600000      demo size (seed 20191231)
 *   BENCH_RUNS=20             timed runs of the new search per query (BENCH_OLD_RUNS=5 of the old)
 * The demo is loaded once; a later run reuses it (and applies new migrations to it first, which
 * it times: that is the index build on data already loaded).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { scopedPool } from '../../geodata/access/index.ts';
import { createPool, ensurePostgis } from '../../geodata/db/database.ts';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { loadDemo } from '../../geodata/demo/index.ts';
import { runSearch, SCANNED_LAYERS_SQL, searchFeatures, type SearchHit } from '../../geodata/explore/search.ts';

// The search as it was before migration 010 (geodata/explore/search.ts at 904befe): every
// source name re-checked with ILIKE and sorted by length; the credit code without an index.
// The other layers' branches are unchanged, so they are the product's own.
const OLD_SEARCH_SQL = `
  WITH q AS (SELECT $1::text AS exact, $2::text AS pattern, $3::int AS lim)
  (SELECT 'source' AS layer, s.census_id AS id, s.name, s.source_type AS detail, ST_X(s.geom) AS lng, ST_Y(s.geom) AS lat,
          NULL::float8[] AS bbox, 0 AS rank
     FROM source s, q
    WHERE s.status <> 'deleted' AND s.geom IS NOT NULL AND (s.census_id = q.exact OR s.credit_code = upper(q.exact))
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'source', s.census_id, s.name, s.source_type, ST_X(s.geom), ST_Y(s.geom), NULL, 2
     FROM source s, q
    WHERE s.status <> 'deleted' AND s.geom IS NOT NULL AND s.name ILIKE q.pattern
    ORDER BY length(s.name), s.census_id
    LIMIT (SELECT lim FROM q))
  UNION ALL
  (SELECT 'census_zone', z.code, coalesce(z.name, z.code), z.county_code, ST_X(ST_PointOnSurface(z.geom)), ST_Y(ST_PointOnSurface(z.geom)),
          ARRAY[ST_XMin(z.geom), ST_YMin(z.geom), ST_XMax(z.geom), ST_YMax(z.geom)], CASE WHEN z.code = q.exact THEN 0 ELSE 1 END
     FROM census_zone z, q
    WHERE z.geom IS NOT NULL AND (left(z.code, length(q.exact)) = q.exact OR z.name ILIKE q.pattern)
    ORDER BY z.code
    LIMIT (SELECT lim FROM q))
  UNION ALL ${SCANNED_LAYERS_SQL}`;

const sources = Number(process.env.BENCH_SOURCES ?? 600_000);
const runs = Number(process.env.BENCH_RUNS ?? 20);
const oldRuns = Number(process.env.BENCH_OLD_RUNS ?? 5);
const schema = 'bench_search';
const seed = 20191231;

let engine: EmbeddedEngine | undefined;
let url = process.env.DATABASE_URL;
if (!url) {
  const dataDir = process.env.YZT_BENCH_DATA_DIR || join(tmpdir(), `yzt-bench-search-${sources}`);
  console.log(`embedded engine on ${dataDir}${existsSync(dataDir) ? ' (kept from an earlier run)' : ''}`);
  engine = await startEmbeddedEngine({ dataDir });
  url = engine.url;
}
const admin = createPool(url, 'public', 1);
if (!engine) await ensurePostgis(admin);
await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
await admin.end();
const pool = createPool(url, schema, 4);
try {
  let t = performance.now();
  const applied = await migrate(pool);
  if (applied.length > 0) console.log(`migrations ${applied.join(', ')} applied in ${s(performance.now() - t)}`);
  if (applied.length > 0) await pool.query('ANALYZE source');
  const count = Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM source')).rows[0]!.n);
  if (count === 0) {
    console.log(`loading the demo region, ${sources} sources, into schema ${schema}`);
    const result = await loadDemo(pool, { seed, sources });
    console.log(`demo loaded in ${s(result.elapsedMs)}`);
    t = performance.now();
    await pool.query('VACUUM ANALYZE source');
    console.log(`VACUUM ANALYZE source: ${s(performance.now() - t)}`);
  } else if (count !== sources) {
    throw new Error(`schema ${schema} holds ${count} sources, not ${sources}; drop it (or the data folder) first`);
  }
  const { rows: facts } = await pool.query<{ engine: string; zones: string; credit: string; district: string }>(
    `SELECT version() AS engine, (SELECT count(*) FROM census_zone)::text AS zones,
            (SELECT credit_code FROM source WHERE credit_code IS NOT NULL ORDER BY census_id LIMIT 1) AS credit,
            (SELECT left(division_code, 6) FROM source GROUP BY 1 ORDER BY count(*) DESC LIMIT 1) AS district`);
  const { engine: version, zones, credit, district } = facts[0]!;
  console.log(`${engine ? 'embedded' : 'postgres'}: ${version.split(',')[0]}; ${count} sources, ${zones} census zones`);

  const queries: [label: string, q: string][] = [
    ['2 chars, every name', '示范'],
    ['2 chars, 60%, long names only', '公司'],
    ['2 chars, 1%', '石化'],
    ['2 chars, 12 names', '荣鹿'],
    ['4 chars, 337 names', '立信涂料'],
    ['5 chars, 1,449 names', '污水处理厂'],
    ['5 chars, 17 names', '柳隆镇立信'],
    ['1 char, 2%', '蚝'],
    ['Latin, no name', 'abc'],
    ['census id', 'SFQ00123456'],
    ['credit code, lower case', credit.toLowerCase()],
    ['no hit', '无此企业'],
  ];
  const national = scopedPool(pool, '*');
  const county = scopedPool(pool, district);
  const cases: [string, string, pg.Pool][] = [
    ...queries.map(([label, q]): [string, string, pg.Pool] => [label, q, national]),
    [`district ${district}, 2 chars, 60%`, '公司', county],
    [`district ${district}, 2 chars, 1%`, '石化', county],
  ];
  const rows: string[][] = [['query', '', 'hits', 'old p50', 'old p95', 'new p50', 'new p95', 'same hits']];
  for (const [label, q, scoped] of cases) {
    const before = await oldSearch(scoped, q);
    const after = await searchFeatures(scoped, q);
    const oldMs = await timeRuns(oldRuns, () => oldSearch(scoped, q));
    const newMs = await timeRuns(runs, () => searchFeatures(scoped, q));
    rows.push([label, q, String(after.length), ms(p(oldMs, 50)), ms(p(oldMs, 95)), ms(p(newMs, 50)), ms(p(newMs, 95)), same(before, after)]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  for (const r of rows) console.log(r.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  '));
  console.log(`old: ${oldRuns} runs per query, new: ${runs}; limit 20; every layer searched, as the search box does`);
} finally {
  await pool.end();
  await engine?.stop();
}

async function timeRuns(n: number, run: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out;
}

function p(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)]!;
}

function same(a: SearchHit[], b: SearchHit[]): string {
  const key = (h: SearchHit) => `${h.layer}:${h.id}`;
  if (a.map(key).join() === b.map(key).join()) return 'yes';
  // Equal names at the cut length may come in another order (see migration 010).
  const len = (hs: SearchHit[]) => hs.map((h) => `${h.layer}:${h.name.length}`).join();
  return len(a) === len(b) ? 'same lengths' : 'NO';
}

function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`;
}

function s(x: number): string {
  return `${(x / 1000).toFixed(1)} s`;
}

/** Display width: a CJK character takes two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1;
  return w;
}

function oldSearch(db: pg.Pool, text: string): Promise<SearchHit[]> {
  return runSearch(db, OLD_SEARCH_SQL, text, 20);
}
