/**
 * `npm run bench:workbench`: the reviewer's workbench on the demo region (600k sources by
 * default), in one browser run:
 *   (a) from selecting an item in the list to its map drawn (zone and division outlines, entered
 *       and suggested points, nearby sources; MapLibre idle): p50/p95 over 50 items, target
 *       p95 ≤ 300 ms in software WebGL, printed beside (b) the same items' two API reads
 *       (item and geobuf outlines) fetched from the same page, so the ratio says what the
 *       drawing adds to the wire. Two series: stepping through the list in order with a look of
 *       YZT_BENCH_DWELL_MS (1000) at each item, as a reviewer works (the next item's reads and
 *       tiles are asked for meanwhile), and jumping to items far apart (nothing prefetched);
 *   (c) the list scrolled from the first finding to the last in screenfuls: the pages it read
 *       and the rows it held in the DOM against the findings it holds (the list must never load
 *       them all at once).
 * YZT_BENCH_SOURCES changes the demo size, YZT_BENCH_ITEMS the items timed.
 * YZT_BENCH_DATA_DIR keeps the embedded data folder (and its findings) between invocations.
 * DATABASE_URL measures on a real PostGIS instead (YZT_DB_SCHEMA picks the schema).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createSession, createUser } from '../../geodata/access/index.ts';
import { runReview } from '../../geodata/review/index.ts';
import { loadConfig } from '../../server/config.ts';
import { SESSION_COOKIE } from '../../server/auth.ts';
import { startServer } from '../../server/start-server.ts';
import { HAS_CHROMIUM, launchBrowser, openPage } from '../web/browser.ts';

const SOURCES = Number(process.env.YZT_BENCH_SOURCES ?? 600_000);
const ITEMS = Number(process.env.YZT_BENCH_ITEMS ?? 50);
/** A reviewer's look at an item before the next, in ms (0: step at once). */
const DWELL = Number(process.env.YZT_BENCH_DWELL_MS ?? 1000);
const root = fileURLToPath(new URL('../../', import.meta.url));

if (!HAS_CHROMIUM) {
  console.log('bench:workbench skipped: /usr/bin/chromium is absent');
  process.exit(0);
}
spawnSync(process.execPath, ['--import', 'tsx', join(root, 'web', 'build-if-stale.ts')], { stdio: 'inherit', cwd: root });

const external = process.env.DATABASE_URL;
const dataDir = process.env.YZT_BENCH_DATA_DIR || mkdtempSync(join(tmpdir(), 'yzt-bench-workbench-'));
const marker = join(dataDir, 'yzt-bench-sources.txt');
if (!external && existsSync(marker) && readFileSync(marker, 'utf8').trim() !== String(SOURCES)) {
  throw new Error(`${dataDir} holds a demo of ${readFileSync(marker, 'utf8').trim()} sources, not ${SOURCES}; remove it or pick another YZT_BENCH_DATA_DIR`);
}
const started = Date.now();
const server = await startServer(
  loadConfig({
    PORT: '0', YZT_DEMO: 'on', YZT_DEMO_SOURCES: String(SOURCES), LOG_LEVEL: 'warn',
    ...(external ? { DATABASE_URL: external, YZT_DB_SCHEMA: process.env.YZT_DB_SCHEMA ?? 'bench_workbench' } : { YZT_DATA_DIR: dataDir }),
  }),
  pino({ level: 'warn' }),
);
if (!external) writeFileSync(marker, String(SOURCES));
const pool = server.db.pool;
console.log(`server with ${SOURCES.toLocaleString()} demo sources ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${server.url}`);

// The findings: a full check run, once per data folder (a kept folder already has them).
const findings = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM review_finding')).rows[0]!.n);
if ((await findings()) === 0) {
  const t = Date.now();
  await runReview(pool, 'bench');
  console.log(`full check run in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
const total = await findings();
console.log(`${total.toLocaleString()} findings`);

const username = `bench_reviewer_${Date.now()}`;
const user = await createUser(pool, { username, password: `pw-${username}-0123456789`, role: 'reviewer', region: null }, 'bench');
const session = await createSession(pool, user.id, 1);

const browser = await launchBrowser();
try {
  const { page, errors, close } = await openPage(browser);
  const seen: { kind: string; start: number; end?: number; renderMs?: number }[] = [];
  const pending = new Map<object, (typeof seen)[number]>();
  page.on('request', (r) => {
    const u = r.url();
    const e = { kind: u.includes('/tiles/') ? 'tiles' : u.includes('/api/') ? 'api' : 'other', start: performance.now() };
    pending.set(r, e);
    seen.push(e);
  });
  const ended = (r: import('playwright-core').Request) => {
    const e = pending.get(r);
    pending.delete(r);
    if (!e) return;
    e.end = performance.now();
    // The server's own time for a tile (database and encoding), from its Server-Timing header.
    void r.response().then((res) => {
      const render = /render;dur=([\d.]+)/.exec(res?.headers()['server-timing'] ?? '');
      if (render) e.renderMs = Number(render[1]);
    }).catch(() => undefined);
  };
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  await page.context().addCookies([{ name: SESSION_COOKIE, value: session.token, url: server.url }]);
  await page.goto(`${server.url}/review`);
  await page.waitForSelector('#screen[data-screen=review][data-ready=true]', { timeout: 180_000 });

  // (a) and (b), twice: stepping through the first ITEMS rows in list order with a look of DWELL
  // ms at each (a reviewer's pace; the next item's reads and tiles are asked for meanwhile), and
  // jumping to ITEMS rows spread over the whole list, none of them the next (nothing prefetched).
  type Series = { drawn: number[]; wire: number[]; requests: Record<string, { n: number[]; end: number[]; render: number[] }> };
  const timeItems = async (indexes: number[]): Promise<Series> => {
    const out: Series = { drawn: [], wire: [], requests: {} };
    for (const i of indexes) {
      const id = await page.evaluate(async (i) => {
        const w = window as any;
        const item = await w.__review.list.at(i);
        w.__review.list.reveal(i);
        return item?.id as number | undefined;
      }, i);
      if (id === undefined) break;
      const row = page.locator(`.rv-row[data-id="${id}"]`);
      await row.waitFor();
      seen.length = 0;
      const clicked = performance.now();
      // Timed inside the page: from the click to the item shown and the map idle.
      const ms = await page.evaluate(async (id) => {
        const w = window as any;
        const screen = document.getElementById('screen')!;
        const t0 = performance.now();
        (document.querySelector(`.rv-row[data-id="${id}"]`) as HTMLElement).click();
        while (screen.dataset.shown !== String(id)) await new Promise((r) => setTimeout(r, 5));
        await w.__review.whenIdle();
        return performance.now() - t0;
      }, id);
      out.drawn.push(ms);
      // What the wait was made of: the requests made between the click and the map idle (the
      // browser's own, MapLibre's tile fetches from its workers included), by kind, and when the
      // last of each kind ended after the click. A tile the browser's cache answered ends at once
      // and carries the Server-Timing of the request that filled it.
      await new Promise((r) => setTimeout(r, 20));
      const kinds: Record<string, { n: number; end: number; render: number }> = {};
      for (const r of seen.splice(0)) {
        if (r.start < clicked || r.start > clicked + ms + 50) continue;
        const k = (kinds[r.kind] ??= { n: 0, end: 0, render: 0 });
        k.n++;
        k.end = Math.max(k.end, (r.end ?? Infinity) - clicked);
        k.render += r.renderMs ?? 0;
      }
      for (const [kind, k] of Object.entries(kinds)) {
        const into = (out.requests[kind] ??= { n: [], end: [], render: [] });
        into.n.push(k.n);
        into.end.push(k.end);
        into.render.push(k.render);
      }
      // The look at the item; the API reads are timed after it, when nothing else is in flight.
      await new Promise((r) => setTimeout(r, DWELL));
      out.wire.push(await page.evaluate(async (id) => {
        const t0 = performance.now();
        await Promise.all([fetch(`/api/review/items/${id}`).then((r) => r.json()), fetch(`/api/review/items/${id}/outlines`).then((r) => r.arrayBuffer())]);
        return performance.now() - t0;
      }, id));
    }
    return out;
  };
  const stepping = await timeItems(Array.from({ length: ITEMS }, (_, i) => i));
  const length = await page.evaluate(() => (window as any).__review.list.length as number);
  // Beyond the stepped rows, evenly spread, in an order that never goes to the next row.
  const spread = Array.from({ length: ITEMS }, (_, k) => ITEMS + 1 + Math.floor(((k * 7919) % ITEMS) * ((length - ITEMS - 2) / ITEMS)));
  const jumping = await timeItems(spread);

  // (c): the whole list in screenfuls, as a reviewer dragging the scroll bar to the end would.
  const scroll = await page.evaluate(async () => {
    const w = window as any;
    const host = document.querySelector('.vl-spacer')!.parentElement as HTMLElement;
    let maxRows = 0;
    const screenfuls = Math.ceil(host.scrollHeight / host.clientHeight);
    const step = Math.max(host.clientHeight, Math.floor(host.scrollHeight / 200));
    for (let top = 0; top <= host.scrollHeight; top += step) {
      host.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
      maxRows = Math.max(maxRows, w.__review.list.renderedCount());
    }
    host.scrollTop = host.scrollHeight;
    // The last screenful's page, read and drawn.
    const t0 = performance.now();
    while (!document.querySelector(`.rv-row[data-index="${w.__review.list.length - 1}"]`) && performance.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 50));
    }
    return { screenfuls, maxRows, pages: w.__review.list.loadedPages(), lastDrawn: !!document.querySelector(`.rv-row[data-index="${w.__review.list.length - 1}"]`), length: w.__review.list.length };
  });
  await close();

  const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!; };
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  const report = (title: string, r: Series) => {
    console.log(`\n${title}, ${r.drawn.length} items: item selected → map drawn  p50 ${f(q(r.drawn, 0.5))}  p95 ${f(q(r.drawn, 0.95))}  max ${f(Math.max(...r.drawn))}  (target p95 ≤ 300 ms)`);
    console.log(`  the five slowest: ${[...r.drawn].sort((a, b) => b - a).slice(0, 5).map(f).join(', ')} (items ${[...r.drawn.keys()].sort((a, b) => r.drawn[b]! - r.drawn[a]!).slice(0, 5).join(', ')} of the series)`);
    console.log(`  its two API reads alone:  p50 ${f(q(r.wire, 0.5))}  p95 ${f(q(r.wire, 0.95))}; ratio drawn / API reads (p95) ${(q(r.drawn, 0.95) / q(r.wire, 0.95)).toFixed(2)}`);
    for (const [kind, k] of Object.entries(r.requests)) {
      console.log(`  ${kind.padEnd(6)} requests per item: median ${q(k.n, 0.5)}, max ${Math.max(...k.n)}; the last one ended after p50 ${f(q(k.end, 0.5))}, p95 ${f(q(k.end, 0.95))}${kind === 'tiles' ? `; the server drew them in p50 ${f(q(k.render, 0.5))}, p95 ${f(q(k.render, 0.95))} in all` : ''}`);
    }
  };
  report(`stepping through the list in order, ${DWELL} ms on each item`, stepping);
  report('jumping to items far apart (nothing prefetched)', jumping);
  console.log(`\nlist scrolled to its end: ${scroll.length.toLocaleString()} findings in ${scroll.screenfuls.toLocaleString()} screenfuls; read ${scroll.pages} pages of 100 (${(scroll.pages * 100).toLocaleString()} rows, ${((scroll.pages * 100) / scroll.length * 100).toFixed(2)} % of the list), at most ${scroll.maxRows} rows in the DOM; last row drawn: ${scroll.lastDrawn ? 'yes' : 'NO'}`);
  if (errors.length) console.log(`browser errors: ${errors.slice(0, 5).join('; ')}`);
  if (scroll.length !== total) console.log(`the list holds ${scroll.length} rows, the table ${total} findings (the list's default filter)`);
} finally {
  await browser.close();
  await server.close();
}
