/**
 * npm run bench:tiles — vector tile benchmark over the densest area of the benchmark set.
 *
 * With DATABASE_URL (a real PostGIS): 3.6M sources; without: the embedded engine with 600k
 * (override with YZT_BENCH_SOURCES). For z6, z9, z12 and z14 (tiles around the densest spot)
 * it prints, in one run: (a) server p50/p95 with the tile cache off, (b) the same statements
 * run directly through pg (prepared on a real server, parallel workers off), (c) their ratio,
 * (d) cached tiles/s under concurrent load next to a bare node:http server answering the
 * same bytes from memory, (e) tile sizes; then a tuning table (individual-feature tile sizes
 * per zoom, cell sizes) for choosing the detail zoom and the grid cell.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Agent, createServer, get } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { createPool } from '../../geodata/db/database.ts';
import { startEmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { tileAt, type TileAddress } from '../../tiles/tile-address.ts';
import { createTileService, type TileService } from '../../tiles/tile-service.ts';
import { benchData, prepareBenchSchema } from './tiles-bench-prepare.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEMA = process.env.YZT_BENCH_SCHEMA ?? 'bench_tiles';
const ZOOMS = [6, 9, 12, 13, 14];
const ROUNDS = Number(process.env.YZT_BENCH_ROUNDS ?? 10);
const LOAD_SECONDS = Number(process.env.YZT_BENCH_LOAD_SECONDS ?? 8);
const MAX_TILE_BYTES = 500 * 1024;

const children: ChildProcess[] = [];

async function main() {
  let url = process.env.DATABASE_URL;
  let stopEngine = async () => {};
  const engineName = url ? 'PostgreSQL + PostGIS' : 'embedded PGlite + PostGIS';
  const count = Number(process.env.YZT_BENCH_SOURCES ?? (url ? 3_600_000 : 600_000));
  if (!url) {
    const dir = `${ROOT}.data/bench-tiles-embedded`;
    mkdirSync(dir, { recursive: true });
    const engine = await startEmbeddedEngine({ dataDir: dir });
    url = engine.url;
    stopEngine = () => engine.stop();
  }
  try {
    console.log(`# Tile benchmark: ${engineName}, ${count.toLocaleString('en')} sources (schema ${SCHEMA})`);
    const data = benchData(Boolean(process.env.DATABASE_URL));
    console.log(`data: ${data === 'demo' ? 'demo region generator (geodata/demo, seed 1)' : 'clustered points made in SQL (tiles-bench-data.ts)'}`);
    await prepareBenchSchema(url, SCHEMA, count, (m) => console.log(m), data);
    await run(url, engineName);
  } finally {
    await Promise.all(children.map(stopChild));
    await stopEngine();
  }
}

async function run(url: string, engineName: string) {
  const real = Boolean(process.env.DATABASE_URL);
  const pool = createPool(url, SCHEMA, 2);
  const service = await createTileService({ pool, schema: SCHEMA, databaseUrl: real ? url : undefined, options: { cacheBytes: 0 } });
  const dense = await densestSpot(pool);
  console.log(`densest spot: ${dense.lon.toFixed(3)} E, ${dense.lat.toFixed(3)} N; detail zoom ${service.options.detailZoom}, cell ${service.options.cellSize}/4096, encoder ${service.encoder}\n`);
  const tiles = new Map(ZOOMS.map((z) => [z, tilesAround(dense, z)]));

  // Servers: one with the tile cache off (uncached timings), one with it on (throughput).
  const uncached = await startChild(url, { YZT_TILE_CACHE_MB: '0' });
  const cached = await startChild(url, { YZT_TILE_CACHE_MB: '512' });

  const rows: string[][] = [];
  const sizes = new Map<string, Buffer>();
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  await raw.query(`SET search_path TO ${pg.escapeIdentifier(SCHEMA)}, public`);
  if (real) await raw.query('SET max_parallel_workers_per_gather = 0; SET jit = off; SET plan_cache_mode = force_custom_plan');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (const z of ZOOMS) {
    const list = tiles.get(z)!;
    const serverMs: number[] = [];
    const insideMs: number[] = [];
    const hitMs: number[] = [];
    const rawMs: number[] = [];
    for (const t of list) await httpGet(cached + tilePath(t), agent);
    for (let round = -1; round < ROUNDS; round++) {
      for (const [i, t] of list.entries()) {
        const path = tilePath(t);
        // The count that picks sources vs fine cells is part of what the server runs.
        const { statement, values, probe } = await service.statementFor('sources', t, {});
        const q: pg.QueryConfig = { text: statement.text, values };
        if (real) q.name = statement.name;
        const viaServer = async () => {
          const s0 = performance.now();
          const r = await httpGet(uncached + path, agent);
          const ms = performance.now() - s0;
          sizes.set(path, r.body);
          return { ms, inside: r.totalMs };
        };
        const direct = async () => {
          const r0 = performance.now();
          if (probe) await raw.query(probe);
          await raw.query(q);
          return performance.now() - r0;
        };
        const viaCache = async () => {
          const c0 = performance.now();
          await httpGet(cached + path, agent);
          return performance.now() - c0;
        };
        // Alternate which goes first, so neither always finds the pages the other just read.
        let sm: { ms: number; inside: number };
        let rm: number;
        if ((round + i) % 2 === 0) {
          sm = await viaServer();
          rm = await direct();
        } else {
          rm = await direct();
          sm = await viaServer();
        }
        const hm = await viaCache();
        if (round >= 0) {
          serverMs.push(sm.ms);
          insideMs.push(sm.inside);
          rawMs.push(rm);
          hitMs.push(hm);
        }
      }
    }
    const zs = list.map((t) => sizes.get(tilePath(t))!.length);
    const p95r = pct(rawMs, 95);
    rows.push([`z${z}`, String(new Set(list.map((t) => `${t.x}/${t.y}`)).size), ms(pct(rawMs, 50)), ms(p95r),
      ms(pct(serverMs, 50)), ms(pct(serverMs, 95)), (pct(serverMs, 95) / p95r).toFixed(2),
      ms(pct(insideMs, 50)), ms(pct(insideMs, 95)), (pct(insideMs, 95) / p95r).toFixed(2),
      ms(pct(hitMs, 50)), ms(pct(hitMs, 95)),
      kb(Math.max(...zs)), kb(zs.reduce((a, b) => a + b, 0) / zs.length)]);
  }
  agent.destroy();
  console.log(`## Uncached (server with cache off) vs raw SQL (${real ? 'prepared, parallel workers off' : 'unnamed; embedded engine'}; ${engineName}), ${ROUNDS} rounds`);
  console.log('HTTP: timed by this process over keep-alive HTTP. In server: the same requests as the server timed them (Server-Timing total:');
  console.log('tile middleware to response). Cache hit: the same tile from the cached server, the HTTP and routing cost without SQL.');
  table(['zoom', 'tiles', 'raw p50', 'raw p95', 'HTTP p50', 'HTTP p95', 'HTTP/raw p95', 'in server p50', 'in server p95', 'in server/raw p95', 'cache hit p50', 'cache hit p95', 'max size', 'mean size'], rows);

  // Cached throughput next to a bare node:http server returning the same bytes.
  const paths = [...sizes.keys()];
  const bare = await startBare(sizes);
    const load = async (base: string) => {
    const result = await autocannon({
      url: base,
      connections: 32,
      pipelining: 1,
      duration: LOAD_SECONDS,
      requests: paths.map((p) => ({ method: 'GET', path: p })),
    });
    return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
  };
  const ours = await load(cached);
  const theirs = await load(bare.url);
  bare.close();
  console.log(`\n## Cached throughput (${LOAD_SECONDS} s, 32 connections, ${paths.length} tiles; load generator in this process)`);
  table(['server', 'tiles/s', 'p99 ms', 'non-2xx'], [
    ['yizhangtu /tiles (cache hit)', ours.rps.toFixed(0), String(ours.p99), String(ours.non2xx)],
    ['bare node:http from memory', theirs.rps.toFixed(0), String(theirs.p99), String(theirs.non2xx)],
    ['ratio', (ours.rps / theirs.rps).toFixed(2), '', ''],
  ]);

  await tuning(pool, url, real, dense);
  const biggest = Math.max(...[...sizes.values()].map((b) => b.length));
  console.log(`\nlargest tile served: ${kb(biggest)} (limit ${kb(MAX_TILE_BYTES)}) ${biggest <= MAX_TILE_BYTES ? 'OK' : 'OVER LIMIT'}`);
  await raw.end();
  await service.close();
  await pool.end();
}

/**
 * Around the densest spot: (1) the two low-zoom paths, pre-aggregated cells vs on the fly
 * (unfiltered, and with a type filter, which always aggregates on the fly); (2) detail tiles
 * without the byte budget vs with it; (3) grid tile sizes per cell size.
 */
async function tuning(pool: pg.Pool, url: string, real: boolean, dense: { lon: number; lat: number }) {
  const databaseUrl = real ? url : undefined;
  const timed = async (svc: TileService, t: TileAddress, query: Record<string, unknown> = {}, rounds = 3) => {
    const times: number[] = [];
    let size = 0;
    let layer = '';
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const r = await svc.tile({ layer: 'sources', z: String(t.z), x: String(t.x), y: String(t.y), query });
      times.push(performance.now() - t0);
      size = r.bytes.length;
      layer = r.bytes.length > 0 ? Object.keys(decodeLayers(r.bytes)).join(',') : '(empty)';
    }
    return { ms: pct(times, 50), size, layer };
  };

  const paths: string[][] = [];
  const stored = await createTileService({ pool, schema: SCHEMA, databaseUrl, options: { cacheBytes: 0, storedCells: true } });
  const live = await createTileService({ pool, schema: SCHEMA, databaseUrl, options: { cacheBytes: 0, storedCells: false } });
  for (const z of [6, 9, 12]) {
    const t = tileAt(dense.lon, dense.lat, z);
    const a = await timed(stored, t);
    const b = await timed(live, t);
    const c = await timed(stored, t, { type: 'industrial' });
    const d = await timed(live, t, { type: 'industrial' });
    paths.push([`z${z}`, ms(a.ms), ms(b.ms), (b.ms / a.ms).toFixed(1) + 'x', ms(c.ms), ms(d.ms), kb(a.size)]);
  }
  await stored.close();
  await live.close();
  console.log('\n## Low zooms: pre-aggregated cells vs on the fly (densest tile, median of 3 uncached requests)');
  console.log('type=industrial with stored cells reads source_type_cell up to z9 and aggregates on the fly above.');
  table(['zoom', 'stored cells', 'on the fly', 'speed-up', 'type=industrial, stored', 'type=industrial, on the fly', 'size'], paths);

  const rows: string[][] = [];
  const unbudgeted = await createTileService({ pool, schema: SCHEMA, databaseUrl, options: { cacheBytes: 0, maxTileBytes: 2 ** 40 } });
  const budgeted = await createTileService({ pool, schema: SCHEMA, databaseUrl, options: { cacheBytes: 0 } });
  for (const z of [13, 14, 15, 16]) {
    const t = tileAt(dense.lon, dense.lat, z);
    const count = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM source WHERE geom && ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int), 4326)`, [t.z, t.x, t.y]);
    const a = await timed(unbudgeted, t, {}, 1);
    const b = await timed(budgeted, t, {}, 1);
    rows.push([`z${z}`, String(count.rows[0]!.n), kb(a.size), (a.size / Math.max(1, count.rows[0]!.n)).toFixed(0), ms(a.ms), `${b.layer}`, kb(b.size), ms(b.ms)]);
  }
  await unbudgeted.close();
  await budgeted.close();
  console.log('\n## Detail tiles at the densest spot: no budget vs the 500 KB budget (one uncached request each)');
  table(['zoom', 'sources in tile', 'individual size', 'bytes/source', 'time', 'budgeted layer', 'budgeted size', 'time'], rows);

  const grid: string[][] = [];
  for (const cell of [64, 128, 256]) {
    const svc = await createTileService({ pool, schema: SCHEMA, databaseUrl, options: { cacheBytes: 0, cellSize: cell, detailZoom: 30 } });
    for (const z of [6, 9, 12]) {
      const r = await timed(svc, tileAt(dense.lon, dense.lat, z), {}, 1);
      grid.push([`z${z}`, `grid ${cell}`, kb(r.size), ms(r.ms)]);
    }
    await svc.close();
  }
  console.log('\n## Grid cell size (densest tile, one uncached request each)');
  table(['zoom', 'content', 'size', 'time'], grid);
}

function decodeLayers(bytes: Buffer): Record<string, unknown> {
  return new VectorTile(new PbfReader(bytes)).layers;
}

async function densestSpot(pool: pg.Pool): Promise<{ lon: number; lat: number }> {
  const { rows } = await pool.query<{ lon: number; lat: number }>(
    `SELECT (floor(ST_X(geom) * 50) + 0.5) / 50 AS lon, (floor(ST_Y(geom) * 50) + 0.5) / 50 AS lat
     FROM source GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`,
  );
  return rows[0]!;
}

/** The tile holding the spot and its eight neighbours (fewer where the world ends). */
function tilesAround(spot: { lon: number; lat: number }, z: number): TileAddress[] {
  const c = tileAt(spot.lon, spot.lat, z);
  const out: TileAddress[] = [];
  const n = 2 ** z;
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    const x = c.x + dx;
    const y = c.y + dy;
    if (x >= 0 && y >= 0 && x < n && y < n) out.push({ z, x, y });
  }
  // A single tile is timed nine times per round, like the 3x3 sets.
  return z <= 6 ? out.map(() => c) : out;
}

async function startChild(url: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, YZT_DB_SCHEMA: SCHEMA, PORT: '0', YZT_DEMO: 'off', LOG_LEVEL: 'info', YZT_ANONYMOUS: 'viewer', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(line);
      if (m && line.includes('serving on')) resolve(m[1]!);
    });
  });
}

function stopChild(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  });
}

async function startBare(tiles: Map<string, Buffer>): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const body = tiles.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/vnd.mapbox-vector-tile', 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.close() };
}

const tilePath = (t: TileAddress) => `/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;

/** GETs a tile; `totalMs` is the server's own account of the request (its Server-Timing total). */
function httpGet(target: string, agent?: Agent): Promise<{ body: Buffer; totalMs: number }> {
  return new Promise((resolve, reject) => {
    get(target, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${target}: HTTP ${res.statusCode}`));
        const timing = /total;dur=([\d.]+)/.exec(String(res.headers['server-timing'] ?? ''));
        resolve({ body: Buffer.concat(chunks), totalMs: timing ? Number(timing[1]) : NaN });
      });
    }).on('error', reject);
  });
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
const kb = (v: number) => `${(v / 1024).toFixed(1)} KB`;

function table(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
