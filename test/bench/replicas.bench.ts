// npm run bench:replicas: read throughput (tiles drawn by the database, statistics) of one
// server with 0, 1 and 2 streaming standbys, in one run, on clusters this script makes from
// Debian's packages (test/support/replica-cluster.ts; run as root, as .ci/run does).
// BENCH_SOURCES (default 20000) demo sources, BENCH_SECONDS (default 10) per measurement.
//
// Caveat, stated with every result: this machine has two cores shared by the primary, the
// standbys, the server and the load generator. A standby here takes CPU from the same two cores
// the primary uses, so the figures show what routing costs and where reads go, not the gain of
// a standby on its own machine (there each one adds roughly one primary's read capacity).
import autocannon from 'autocannon';
import pg from 'pg';
import { cpus } from 'node:os';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { makeReplicaCluster, replicaClusterSkipReason } from '../support/replica-cluster.ts';

const SOURCES = Number(process.env.BENCH_SOURCES ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 16;

const reason = replicaClusterSkipReason({ ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'bench' });
if (reason) {
  console.log(`bench:replicas skipped: ${reason}`);
  process.exit(0);
}
// Tiles are drawn by the database on every request: the cache would otherwise answer them.
process.env.YZT_TILE_CACHE_MB = '0';

const cluster = await makeReplicaCluster('bench', 2);
const servers: RunningServer[] = [];
try {
  const start = async (standbys: number) => {
    const server = await startServer(loadConfig({
      PORT: '0', DATABASE_URL: cluster.primary.url, YZT_DB_SCHEMA: 'yzt', YZT_DEMO: 'on', YZT_DEMO_SOURCES: String(SOURCES),
      YZT_ANONYMOUS: 'viewer', YZT_POOL_SIZE: '8', LOG_LEVEL: 'silent',
      ...(standbys ? { YZT_READ_URLS: cluster.standbys.slice(0, standbys).map((s) => s.url).join(',') } : {}),
    }), createLogger('silent'));
    servers.push(server);
    return server;
  };
  const loadStarted = Date.now();
  const first = await start(0);
  console.log(`demo of ${SOURCES} sources loaded on the primary in ${((Date.now() - loadStarted) / 1000).toFixed(0)} s`);
  const primary = new pg.Client({ connectionString: cluster.primary.url });
  await primary.connect();
  const { rows } = await primary.query<{ lon: number; lat: number }>('SELECT avg(ST_X(geom)) AS lon, avg(ST_Y(geom)) AS lat FROM yzt.source');
  // Standbys caught up before measuring.
  const target = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn')).rows[0]!.lsn;
  await primary.end();
  for (const s of cluster.standbys) {
    const c = new pg.Client({ connectionString: s.url });
    await c.connect();
    while (!(await c.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [target])).rows[0]!.ok) await new Promise((r) => setTimeout(r, 200));
    await c.end();
  }
  const { lon, lat } = rows[0]!;
  const tilePaths: string[] = [];
  for (const z of [10, 11, 12, 13, 14]) {
    const c = tileAt(lon, lat, z);
    for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) tilePaths.push(`/tiles/sources/${z}/${c.x + dx}/${c.y + dy}.mvt`);
  }
  const statPaths: string[] = [];
  for (let i = 0; i < 25; i++) {
    const d = 0.02 + i * 0.01;
    statPaths.push(`/api/explore/stats?bbox=${(lon - d).toFixed(4)},${(lat - d).toFixed(4)},${(lon + d).toFixed(4)},${(lat + d).toFixed(4)}`);
  }
  const commits = async () => Promise.all(cluster.standbys.map(async (s) => {
    const c = new pg.Client({ connectionString: s.url });
    await c.connect();
    const n = Number((await c.query<{ n: string }>(`SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = 'yzt'`)).rows[0]!.n);
    await c.end();
    return n;
  }));
  const load = async (url: string, paths: string[]) => {
    const r = await autocannon({ url, connections: CONNECTIONS, pipelining: 1, duration: SECONDS, requests: paths.map((path) => ({ method: 'GET', path })) });
    return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx };
  };

  const results: { standbys: number; tiles: Awaited<ReturnType<typeof load>>; stats: Awaited<ReturnType<typeof load>>; onStandbys: number[] }[] = [];
  for (const standbys of [0, 1, 2]) {
    const server = standbys === 0 ? first : await start(standbys);
    await load(server.url, tilePaths.slice(0, 10)); // warm the connections and plans
    const before = await commits();
    const tiles = await load(server.url, tilePaths);
    const stats = await load(server.url, statPaths);
    // A busy backend reports its counts to pg_stat_database at most once a second and an idle
    // one within 10 s: wait that out so the counts include the whole load.
    await new Promise((r) => setTimeout(r, 11_000));
    const after = await commits();
    results.push({ standbys, tiles, stats, onStandbys: after.map((n, i) => n - before[i]!) });
    if (standbys > 0) {
      await server.close();
      servers.splice(servers.indexOf(server), 1);
    }
  }
  const base = results[0]!;
  console.log(`\n## Read throughput with 0, 1 and 2 streaming standbys (${SOURCES} demo sources, ${SECONDS} s each, ${CONNECTIONS} connections, ${tilePaths.length} tiles uncached, ${statPaths.length} statistics boxes)`);
  console.log(`machine: ${cpus().length} cores shared by the primary, both standbys, the server and the load generator (see the caveat at the top of this file)\n`);
  console.log('| standbys | tiles req/s | vs 0 | tiles p99 ms | statistics req/s | vs 0 | statistics p99 ms | non-2xx | transactions on standby 1 / 2 |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(`| ${r.standbys} | ${r.tiles.rps.toFixed(0)} | ${(r.tiles.rps / base.tiles.rps).toFixed(2)}x | ${r.tiles.p99} | ${r.stats.rps.toFixed(0)} | ${(r.stats.rps / base.stats.rps).toFixed(2)}x | ${r.stats.p99} | ${r.tiles.non2xx + r.stats.non2xx} | ${r.onStandbys.join(' / ')} |`);
  }
} finally {
  for (const s of servers) await s.close().catch(() => {});
  await cluster.drop();
}
