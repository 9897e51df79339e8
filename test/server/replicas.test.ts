import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../geodata/db/database.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { eventually } from '../support/eventually.ts';
import { freePort, makeReplicaCluster, replicaClusterSkipReason, type ReplicaCluster } from '../support/replica-cluster.ts';
import { loadSmallFixture } from '../review/small-fixture.ts';
import { features, fetchTile } from '../tiles/tile-client.ts';

const run = promisify(execFile);

// A primary and a streaming standby made by this file from Debian's packages (pg_createcluster,
// pg_basebackup -R), two servers on them behind haproxy on loopback: the topology of the
// docker-compose "replicas" profile. Each test builds on the state the one before left.
const skip = replicaClusterSkipReason();
const haproxyAbsent = !existsSync('/usr/sbin/haproxy');

interface Item { id: number; sourceId: number; rowVersion: number; censusId: string | null; checkCode: string }

describe.skipIf(skip !== null)(`streaming replicas, failover and two servers${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let cluster: ReplicaCluster;
  let owner: pg.Pool;
  let standbyAdmin: pg.Pool;
  let a: RunningServer;
  let b: RunningServer;
  let reviewer: TestUser;
  let items: Item[];
  const savedPoll = process.env.YZT_TILE_POLL_MS;

  const start = async () => {
    const [p, s] = [cluster.primary, cluster.standbys[0]!];
    return startServer(loadConfig({
      PORT: '0',
      // libpq's multi-host form: the server follows whichever node is the primary.
      DATABASE_URL: `postgres://postgres@127.0.0.1:${p.port},127.0.0.1:${s.port}/${cluster.database}?target_session_attrs=read-write`,
      YZT_READ_URLS: s.url,
      YZT_REPLICA_CHECK_MS: '200',
      YZT_DB_SCHEMA: 'yzt',
      YZT_DEMO: 'off',
      YZT_POOL_SIZE: '4',
      YZT_ANONYMOUS: 'viewer',
    }), createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'));
  };
  const get = (server: RunningServer, path: string, user: TestUser | null = reviewer) =>
    fetch(`${server.url}${path}`, { headers: user ? user.headers : {} });
  const act = (server: RunningServer, id: number, body: unknown) => fetch(`${server.url}/api/review/items/${id}/actions`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...reviewer.headers }, body: JSON.stringify(body),
  });
  const standbyCommits = async () => Number((await standbyAdmin.query<{ n: string }>(
    `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1`, [cluster.database])).rows[0]!.n);

  beforeAll(async () => {
    cluster = await makeReplicaCluster('repl', 1);
    // Only NOTIFY can then bring a change to the other server's tile cache within the test.
    process.env.YZT_TILE_POLL_MS = '600000';
    a = await start();
    owner = createPool(cluster.primary.url, 'yzt', 2);
    standbyAdmin = new pg.Pool({ connectionString: cluster.standbys[0]!.url, max: 1 });
    standbyAdmin.on('error', () => {}); // its idle connection ends when the test stops the standby
    await loadSmallFixture(owner);
    reviewer = await testUser(owner, 'reviewer', null, 'replica-reviewer');
    const started = await (await fetch(`${a.url}/api/review/run`, { method: 'POST', headers: reviewer.headers })).json();
    await eventually(async () => {
      const r = await (await get(a, `/api/review/runs/${started.runId}`)).json();
      return r.status === 'done' ? true : undefined;
    }, 30_000);
    b = await start();
  }, 240_000);

  afterAll(async () => {
    if (savedPoll === undefined) delete process.env.YZT_TILE_POLL_MS;
    else process.env.YZT_TILE_POLL_MS = savedPoll;
    await b?.close().catch(() => {});
    await a?.close().catch(() => {});
    await owner?.end().catch(() => {});
    await standbyAdmin?.end().catch(() => {});
    await cluster?.drop();
  }, 120_000);

  it('reads from the standby, and /api/health names both nodes with their role and lag', async () => {
    const health = await (await get(a, '/api/health', null)).json();
    expect(health.nodes.map((n: { role: string; configured: string }) => `${n.configured}:${n.role}`)).toEqual(['primary:primary', 'read:replica']);
    expect(health.nodes[1]).toMatchObject({ servesReads: true, error: null });
    expect(health.nodes[1].lagMs).toBeLessThan(5_000);
    const before = await standbyCommits();
    for (let i = 0; i < 40; i++) {
      const res = await get(a, '/api/review/items?limit=500');
      expect(res.status).toBe(200);
      if (i === 0) items = (await res.json()).items;
      else await res.arrayBuffer();
    }
    // Each scoped read is one transaction on the node that served it; the standby's own
    // statistics count them (flushed within a second or so).
    await eventually(async () => ((await standbyCommits()) - before >= 40 ? true : undefined), 15_000);
  });

  it('shows a reviewer their own action at once: 100 actions, each read straight after, none stale', async () => {
    // The standby applies each commit 50 ms late, so a read straight after a write finds it
    // stale unless the server waits for the replay (the direct read below shows it would).
    await standbyAdmin.query(`ALTER SYSTEM SET recovery_min_apply_delay = '50ms'`);
    await standbyAdmin.query('SELECT pg_reload_conf()');
    try {
      const item = items.find((i) => i.checkCode === 'outside_declared_zone')!;
      let version = (await (await get(a, `/api/review/items/${item.id}`)).json()).rowVersion as number;
      let stale = 0;
      let staleOnStandby = 0;
      for (let trial = 0; trial < 100; trial++) {
        const res = await act(a, item.id, { action: 'field_check', reason: `核实 ${trial}`, rowVersion: version });
        expect(res.status).toBe(200);
        version = (await res.json()).rowVersion;
        const direct = await standbyAdmin.query<{ v: number }>('SELECT row_version AS v FROM yzt.source WHERE id = $1', [item.sourceId]);
        const seen = await (await get(a, `/api/review/items/${item.id}`)).json();
        if (seen.rowVersion !== version) stale++;
        if (direct.rows[0]!.v !== version) staleOnStandby++;
      }
      expect({ stale }).toEqual({ stale: 0 });
      expect(staleOnStandby).toBeGreaterThan(70);
    } finally {
      await standbyAdmin.query('ALTER SYSTEM RESET recovery_min_apply_delay');
      await standbyAdmin.query('SELECT pg_reload_conf()');
    }
  });

  it.skipIf(haproxyAbsent)('behind haproxy, an edit through one server changes the other server\'s cached tile within a second', async () => {
    const lbPort = await freePort();
    const cfg = `/tmp/yzt-haproxy-${process.pid}.cfg`;
    const backend = (u: string, i: number) => `  server app${i} ${new URL(u).host} check inter 500ms`;
    writeFileSync(cfg, [
      'global', '  maxconn 200', 'defaults', '  mode http', '  timeout connect 2s', '  timeout client 30s', '  timeout server 30s',
      'frontend web', `  bind 127.0.0.1:${lbPort}`, '  default_backend apps',
      'backend apps', '  balance roundrobin', '  option httpchk GET /api/health', backend(a.url, 1), backend(b.url, 2), '',
    ].join('\n'));
    const lb = execFile('/usr/sbin/haproxy', ['-f', cfg, '-db']);
    try {
      const lbUrl = `http://127.0.0.1:${lbPort}`;
      // The session is a row in the database: the same token signs in on either server.
      await eventually(async () => ((await fetch(`${lbUrl}/api/auth/me`, { headers: reviewer.headers }).catch(() => null))?.status === 200 ? true : undefined));
      for (let i = 0; i < 6; i++) expect((await fetch(`${lbUrl}/api/auth/me`, { headers: reviewer.headers })).status).toBe(200);

      const item = items.find((i) => i.checkCode === 'coord_zero')!;
      const [lon, lat] = [113.96, 22.52];
      const t = tileAt(lon, lat, 15);
      const path = `/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
      const ids = async (base: string) => features((await fetchTile(base + path)).layers.sources).map((f) => f.id);
      expect(await ids(b.url)).not.toContain(item.sourceId);
      expect((await fetchTile(b.url + path)).headers.get('x-tile-cache')).toBe('hit');
      const version = (await (await get(a, `/api/review/items/${item.id}`)).json()).rowVersion;
      const moved = await act(a, item.id, { action: 'move', lon, lat, rowVersion: version });
      expect(moved.status).toBe(200);
      const at = Date.now();
      await eventually(async () => ((await ids(b.url)).includes(item.sourceId) ? true : undefined), 3_000);
      expect(Date.now() - at).toBeLessThan(1_000);
    } finally {
      lb.kill('SIGTERM');
    }
  });

  it('keeps answering every request with the standby stopped, and takes it back once it returns', async () => {
    await cluster.standbys[0]!.stop();
    try {
      const paths = ['/api/review/items?limit=10', '/api/explore/stats', '/tiles/sources/12/3340/1785.mvt', '/api/health', '/tiles/sources/13/6681/3571.mvt'];
      for (let round = 0; round < 4; round++) {
        for (const p of paths) {
          const res = await get(a, p);
          expect({ p, status: res.status }).toEqual({ p, status: 200 });
          await res.arrayBuffer();
        }
      }
      await eventually(async () => {
        const h = await (await get(a, '/api/health', null)).json();
        return h.nodes[1].role === 'down' && h.nodes[1].servesReads === false && h.nodes[0].servesReads === true ? true : undefined;
      });
    } finally {
      await cluster.standbys[0]!.start();
    }
    await eventually(async () => ((await (await get(a, '/api/health', null)).json()).nodes[1].servesReads ? true : undefined), 20_000);
  });

  it('follows the promoted standby after the primary stops: answers within 10 s, no acknowledged write lost', async () => {
    // Synchronous replication: a commit is acknowledged once the standby has it too (what
    // pg_auto_failover sets up). Without it PostgreSQL may lose the last commits in a crash.
    const primary = new pg.Client({ connectionString: cluster.primary.url });
    await primary.connect();
    await primary.query(`ALTER SYSTEM SET synchronous_standby_names = '*'`);
    await primary.query('SELECT pg_reload_conf()');
    await primary.end();
    const item = items.find((i) => i.checkCode === 'swapped_lat_lon')!;
    let version = (await (await get(a, `/api/review/items/${item.id}`)).json()).rowVersion as number;
    const acknowledged: number[] = [];
    const writer = (async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 400 && acknowledged.length < 60; i++) {
        const res = await act(a, item.id, { action: 'field_check', reason: `failover ${i}`, rowVersion: version }).catch(() => null);
        if (!res) continue;
        statuses.push(res.status);
        const body = await res.json();
        if (res.status === 200) {
          version = body.rowVersion;
          acknowledged.push(body.editLogId);
        } else if (res.status === 409) {
          version = body.details.rowVersion;
        } else {
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).not.toBeNull();
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return statuses;
    })();
    await eventually(async () => (acknowledged.length >= 20 ? true : undefined), 30_000);
    const ackedBeforeStop = acknowledged.length;
    await run('pg_ctlcluster', ['15', cluster.primary.name, 'stop', '-m', 'immediate']);
    const stoppedAt = Date.now();
    await cluster.standbys[0]!.promote();
    await eventually(async () => ((await get(a, `/api/review/items/${item.id}`).catch(() => null))?.status === 200 ? true : undefined), 10_000);
    const readAfterMs = Date.now() - stoppedAt;
    const statuses = await writer;
    expect(acknowledged.length).toBeGreaterThan(ackedBeforeStop);
    expect(readAfterMs).toBeLessThan(10_000);
    const promoted = new pg.Client({ connectionString: cluster.standbys[0]!.url });
    await promoted.connect();
    try {
      const { rows } = await promoted.query<{ id: string }>('SELECT id::text FROM yzt.edit_log WHERE id = ANY($1::bigint[])', [acknowledged]);
      expect(rows.length).toBe(acknowledged.length);
    } finally {
      await promoted.end();
    }
    expect(statuses.filter((s) => s !== 200 && s !== 409 && s !== 503)).toEqual([]);
  }, 60_000);
});
