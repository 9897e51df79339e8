/**
 * npm run bench:interop — what GIS clients get, side by side in one run:
 *  1. OGC API – Features: every source read page by page (limit 10,000, following `next` links,
 *     as GDAL's OAPIF driver does), features/s, next to a plain
 *     `COPY (SELECT <the same columns as GeoJSON>) TO STDOUT` of the same rows on the same database;
 *  2. tile bytes on the wire for a pyramid of tiles over the demo: identity, gzip and brotli;
 *  3. cached tile throughput with compression (gzip asked, as browsers do) next to a bare
 *     node:http server sending the same compressed bytes from memory.
 *   DATABASE_URL=…          a real PostGIS (schema bench_interop, kept); unset: the embedded engine
 *                           on YZT_BENCH_DATA_DIR (default <tmp>/yzt-bench-interop-<sources>, kept)
 *   BENCH_SOURCES=600000    demo size (the figure; smaller for a quick run)
 *   BENCH_LOAD_SECONDS=10   duration of each throughput run
 * It prints numbers and ratios; it asserts nothing (the machines are noisy).
 */
import autocannon from 'autocannon';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { to as copyTo } from 'pg-copy-streams';
import { OGC_COLLECTIONS } from '../../geodata/ogc/index.ts';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 600_000);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const PAGE = 10_000;

const env: Record<string, string> = { PORT: '0', YZT_DEMO: 'on', YZT_DEMO_SOURCES: String(SOURCES), YZT_ANONYMOUS: 'viewer', LOG_LEVEL: 'warn' };
if (process.env.DATABASE_URL) {
  Object.assign(env, { DATABASE_URL: process.env.DATABASE_URL, YZT_DB_SCHEMA: 'bench_interop' });
} else {
  const dataDir = process.env.YZT_BENCH_DATA_DIR || join(tmpdir(), `yzt-bench-interop-${SOURCES}`);
  const marker = join(dataDir, 'yzt-bench-sources.txt');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() !== String(SOURCES)) {
    throw new Error(`${dataDir} holds a demo of ${readFileSync(marker, 'utf8').trim()} sources, not ${SOURCES}; remove it or set YZT_BENCH_DATA_DIR`);
  }
  env.YZT_DATA_DIR = dataDir;
  console.log(`embedded engine on ${dataDir}${existsSync(marker) ? ' (kept from an earlier run)' : ''}`);
}
const started = performance.now();
const server = await startServer(loadConfig(env), pino({ level: 'warn' }));
if (env.YZT_DATA_DIR) writeFileSync(join(env.YZT_DATA_DIR, 'yzt-bench-sources.txt'), String(SOURCES));
console.log(`server ready with ${SOURCES.toLocaleString()} demo sources in ${((performance.now() - started) / 1000).toFixed(1)} s at ${server.url}`);

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

/** Raw bytes on the wire (node:http does not decode), with the answer's encoding. */
function wire(url: string, encoding: string): Promise<{ status: number; bytes: number; encoding: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, bytes: body.length, encoding: String(res.headers['content-encoding'] ?? 'identity'), body });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

try {
  // 1. OGC items, all sources, paged as GDAL pages.
  const ogcStart = performance.now();
  let next: string | null = `${server.url}/ogc/collections/sources/items?limit=${PAGE}`;
  let features = 0;
  let pages = 0;
  let ogcBytes = 0;
  while (next) {
    const res: Response = await fetch(next, { headers: { accept: 'application/geo+json' } });
    if (res.status !== 200) throw new Error(`${next}: HTTP ${res.status} ${await res.text()}`);
    const text = await res.text();
    ogcBytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as { features: unknown[]; links: { rel: string; href: string }[] };
    features += page.features.length;
    pages++;
    next = page.links.find((l) => l.rel === 'next')?.href ?? null;
  }
  const ogcSeconds = (performance.now() - ogcStart) / 1000;

  // The same rows and columns, as GeoJSON built by PostgreSQL and sent by COPY, on one connection.
  const sources = OGC_COLLECTIONS.get('sources')!;
  const props = Object.entries(sources.properties).map(([name, p]) => `'${name}', ${p.sql}`).join(', ');
  const copySql = `COPY (SELECT json_build_object('type', 'Feature', 'id', ${sources.key.sql}, 'geometry', ST_AsGeoJSON(${sources.geometry.sql})::json, 'properties', json_build_object(${props})) FROM ${sources.from} WHERE ${sources.where} AND t.status <> 'deleted' ORDER BY ${sources.key.sql}) TO STDOUT`;
  const client = await server.db.pool.connect();
  const copyStart = performance.now();
  let copyRows = 0;
  let copyBytes = 0;
  try {
    const stream = client.query(copyTo(copySql));
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      copyBytes += chunk.length;
      for (const b of chunk) if (b === 10) copyRows++;
    }
  } finally {
    client.release();
  }
  const copySeconds = (performance.now() - copyStart) / 1000;
  console.log(`\n## OGC API – Features: all sources at limit=${PAGE} (${pages} pages) vs COPY … TO STDOUT of the same rows as GeoJSON`);
  table(['read', 'features', 'seconds', 'features/s', 'MB'], [
    ['OGC /collections/sources/items', String(features), ogcSeconds.toFixed(2), (features / ogcSeconds).toFixed(0), (ogcBytes / 1e6).toFixed(1)],
    ['COPY (SELECT json_build_object(…)) TO STDOUT', String(copyRows), copySeconds.toFixed(2), (copyRows / copySeconds).toFixed(0), (copyBytes / 1e6).toFixed(1)],
    ['ratio OGC / COPY (features/s)', '', '', ((features / ogcSeconds) / (copyRows / copySeconds)).toFixed(2), ''],
  ]);

  // 2. Tile bytes on the wire: a pyramid over the demo's centre, z6–z14, 9 tiles a zoom.
  const tj = await (await fetch(`${server.url}/tiles/sources.json`)).json() as { center: [number, number, number] };
  const [lon, lat] = tj.center;
  const paths: string[] = [];
  for (let z = 6; z <= 14; z++) {
    const c = tileAt(lon, lat, z);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) paths.push(`/tiles/sources/${z}/${c.x + dx}/${c.y + dy}.mvt`);
  }
  const sums: Record<string, number> = { identity: 0, gzip: 0, br: 0 };
  const gzipped = new Map<string, Buffer>();
  for (const p of paths) {
    for (const enc of ['identity', 'gzip', 'br']) {
      const r = await wire(`${server.url}${p}`, enc);
      if (r.status !== 200 && r.status !== 204) throw new Error(`${p}: HTTP ${r.status}`);
      sums[enc]! += r.bytes;
      if (enc === 'gzip' && r.encoding === 'gzip') gzipped.set(p, r.body);
    }
  }
  console.log(`\n## Tile bytes on the wire (${paths.length} sources tiles, z6–z14 around the demo's centre)`);
  table(['Accept-Encoding', 'bytes', 'share of identity'], Object.entries(sums).map(([k, v]) => [k, v.toLocaleString(), (v / sums.identity!).toFixed(3)]));

  // 3. Cached throughput with gzip, next to a bare node:http server sending the same bytes.
  const served = [...gzipped.keys()];
  const bare = http.createServer((req, res) => {
    const body = gzipped.get(req.url ?? '');
    if (!body) { res.statusCode = 404; res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile', 'content-encoding': 'gzip', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}`;
  const load = async (base: string) => {
    const result = await autocannon({
      url: base, connections: 32, pipelining: 1, duration: LOAD_SECONDS,
      headers: { 'accept-encoding': 'gzip' },
      requests: served.map((p) => ({ method: 'GET', path: p })),
    });
    return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
  };
  const ours = await load(server.url);
  const theirs = await load(bareUrl);
  bare.close();
  console.log(`\n## Cached tiles with gzip (${LOAD_SECONDS} s, 32 connections, ${served.length} tiles; load generator in this process)`);
  table(['server', 'tiles/s', 'p99 ms', 'non-2xx'], [
    ['yizhangtu /tiles (cache hit, gzip)', ours.rps.toFixed(0), String(ours.p99), String(ours.non2xx)],
    ['bare node:http, same gzip bytes from memory', theirs.rps.toFixed(0), String(theirs.p99), String(theirs.non2xx)],
    ['ratio', (ours.rps / theirs.rps).toFixed(2), '', ''],
  ]);
} finally {
  await server.close();
}
