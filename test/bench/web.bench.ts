/**
 * `npm run bench:web`: in one browser run, the time from navigation to first map idle for
 * (a) the product on the 600k-source demo set and (b) a bare MapLibre + deck.gl page drawing
 * 100k points from one GeoJSON file. Target: (a) no slower than (b) while showing 6x the data.
 * YZT_BENCH_SOURCES changes the demo size, YZT_BENCH_RUNS the repeats (median reported).
 * YZT_BENCH_DATA_DIR keeps the embedded data folder between invocations (the demo load, ~140 s
 * at 600k, happens once; a folder loaded with another size is refused).
 *
 * Every product run starts its own server on the data folder, so each is a first visit to a
 * freshly started server: no tile of the view is in the server's tile cache (the naive page has
 * nothing to warm either), and every browser run has its own context (empty HTTP cache).
 */
import express from 'express';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/start-server.ts';
import { HAS_CHROMIUM, launchBrowser, openPage, waitIdle } from '../web/browser.ts';

const SOURCES = Number(process.env.YZT_BENCH_SOURCES ?? 600_000);
const NAIVE_POINTS = 100_000;
const RUNS = Number(process.env.YZT_BENCH_RUNS ?? 3);
/** YZT_BENCH_TRACE=1 prints the product's requests (start → finish, path) up to first idle. */
const TRACE = process.env.YZT_BENCH_TRACE === '1';
const root = fileURLToPath(new URL('../../', import.meta.url));

if (!HAS_CHROMIUM) {
  console.log('bench:web skipped: /usr/bin/chromium is absent');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'yzt-bench-web-'));
const naiveDir = join(work, 'naive');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
spawnSync(process.execPath, ['--import', 'tsx', join(root, 'web', 'build-if-stale.ts')], { stdio: 'inherit', cwd: root });
const built = spawnSync(process.execPath, [vite, 'build', join(root, 'test', 'bench', 'web-naive'), '--outDir', naiveDir, '--base', './', '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
if (built.status !== 0) throw new Error('naive page build failed');

const dataDir = process.env.YZT_BENCH_DATA_DIR || join(work, 'data');
const marker = join(dataDir, 'yzt-bench-sources.txt');
if (existsSync(marker) && readFileSync(marker, 'utf8').trim() !== String(SOURCES)) {
  throw new Error(`${dataDir} holds a demo of ${readFileSync(marker, 'utf8').trim()} sources, not ${SOURCES}; remove it or pick another YZT_BENCH_DATA_DIR`);
}
const startProduct = () => startServer(
  loadConfig({ PORT: '0', YZT_DATA_DIR: dataDir, YZT_DEMO: 'on', YZT_DEMO_SOURCES: String(SOURCES), LOG_LEVEL: 'warn' }),
  pino({ level: 'warn' }),
);
const loadStarted = Date.now();
console.log(existsSync(marker)
  ? `reopening the demo region with ${SOURCES.toLocaleString()} sources in ${dataDir} …`
  : `loading the demo region with ${SOURCES.toLocaleString()} sources (embedded engine) …`);
let server = await startProduct();
writeFileSync(marker, String(SOURCES));
console.log(`server ready in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s at ${server.url}`);

const { rows } = await server.db.pool.query<{ lng: number; lat: number }>(
  `SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat FROM source WHERE geom IS NOT NULL ORDER BY id LIMIT $1`, [NAIVE_POINTS]);
mkdirSync(naiveDir, { recursive: true });
writeFileSync(join(naiveDir, 'points.geojson'), JSON.stringify({
  type: 'FeatureCollection',
  features: rows.map((r) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [Number(r.lng), Number(r.lat)] } })),
}));
const naiveApp = express().use(express.static(naiveDir));
const naiveServer = naiveApp.listen(0, '127.0.0.1');
await new Promise((r) => naiveServer.once('listening', r));
const naivePort = (naiveServer.address() as { port: number }).port;

const browser = await launchBrowser();
const product: number[] = [];
const productStats: number[] = [];
const naive: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    // A freshly started server for every product run (cold tile cache, as on a first visit).
    await server.close();
    server = await startProduct();
    const p = await openPage(browser);
    const trace: string[] = [];
    if (TRACE) {
      const started = new Map<unknown, number>();
      p.page.on('request', (r) => started.set(r, Date.now() - t0));
      p.page.on('requestfinished', (r) => {
        const u = new URL(r.url());
        trace.push(`${String(started.get(r) ?? '?').padStart(6)} → ${String(Date.now() - t0).padStart(6)} ms  ${u.pathname}${u.search.slice(0, 60)}`);
      });
    }
    const t0 = Date.now();
    await p.page.goto(`${server.url}/#map=9.00/22.65000/113.40000/0.0/0.0`);
    // First map idle: base map and source tiles drawn; the statistics panel is timed on its own.
    await waitIdle(p.page, 180_000, false);
    product.push(Date.now() - t0);
    if (TRACE) console.log(`product run ${i + 1}, requests finished before first idle (${trace.length}):\n${trace.join('\n')}`);
    await waitIdle(p.page, 180_000, true);
    productStats.push(Date.now() - t0);
    if (i === 0) await p.page.screenshot({ path: join(root, 'test-artifacts', 'bench-product.png') });
    if (p.errors.length) console.warn('product page errors:', p.errors.slice(0, 3));
    await p.close();

    const n = await openPage(browser);
    const t1 = Date.now();
    await n.page.goto(`http://127.0.0.1:${naivePort}/index.html`);
    await n.page.waitForFunction(() => (window as any).__naiveIdle !== undefined, undefined, { timeout: 180_000 });
    await n.page.evaluate(() => (window as any).__naiveIdle());
    naive.push(Date.now() - t1);
    if (i === 0) await n.page.screenshot({ path: join(root, 'test-artifacts', 'bench-naive.png') });
    await n.close();
  }
} finally {
  await browser.close();
  naiveServer.close();
  await server.close();
  rmSync(work, { recursive: true, force: true });
  // (a YZT_BENCH_DATA_DIR outside `work` is kept for the next invocation)
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pm = median(product);
const nm = median(naive);
console.log(`product, ${SOURCES.toLocaleString()} sources via tiles: navigation → first idle ${pm} ms (runs: ${product.join(', ')})`);
console.log(`product statistics panel filled (600k-source view): ${median(productStats)} ms (runs: ${productStats.join(', ')})`);
console.log(`naive page, ${NAIVE_POINTS.toLocaleString()} points from one GeoJSON: navigation → first idle ${nm} ms (runs: ${naive.join(', ')})`);
console.log(`target (product <= naive while showing ${(SOURCES / NAIVE_POINTS).toFixed(0)}x the data): ${pm <= nm ? 'met' : 'NOT met'}`);
