import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileAt } from '../../tiles/tile-address.ts';
import { startChildServer, type ChildServer } from '../support/child-server.ts';
import { eventually } from '../support/eventually.ts';
import { pgClusterFromEnv, PG_CLUSTER_SKIP_REASON } from '../support/pg-cluster.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { features, fetchTile } from '../tiles/tile-client.ts';
import { loadFixture, type FixtureSource } from '../tiles/fixture.ts';

// The real PostgreSQL goes away in the middle of a run of requests and comes back: the server
// answers 503 with a JSON reason meanwhile (no crash, no hung request, no reset connection),
// and afterwards the same process answers again by itself, including the tile change feed's
// LISTEN connection. Needs the cluster's name to stop it; skipped on the embedded pass.
const cluster = pgClusterFromEnv();

describe.skipIf(!cluster)(`the real PostgreSQL stopping and starting under a running server (${cluster ? `cluster ${cluster.version} ${cluster.name}` : PG_CLUSTER_SKIP_REASON})`, () => {
  let db: TestDatabase;
  let server: ChildServer;
  let base: string;
  let sources: FixtureSource[];
  beforeAll(async () => {
    db = await openTestDatabase('faults_pg_restart');
    sources = await loadFixture(db.pool, 1500);
    server = startChildServer({
      DATABASE_URL: db.url,
      YZT_DB_SCHEMA: db.schema,
      YZT_DEMO: 'off',
      YZT_POOL_SIZE: '4',
      // Reads as the anonymous viewer (a real server asks for a login by default).
      YZT_ANONYMOUS: 'viewer',
      // The feed's poll would also invalidate tiles; at its longest only NOTIFY can do it
      // within a test, so a prompt invalidation proves the LISTEN connection works.
      YZT_TILE_POLL_MS: '600000',
    });
    base = await server.ready;
  });
  afterAll(async () => {
    // Whatever failed above, later test files need the cluster.
    await cluster?.ensureRunning();
    await server?.stop();
    await db?.close();
  });

  const edited = () => sources.find((s) => s.status === 'active')!;
  const cellSum = async (t: { z: number; x: number; y: number }) => {
    const tile = await fetchTile(`${base}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`);
    expect(tile.status).toBe(200);
    return {
      cache: tile.headers.get('x-tile-cache'),
      cod: features(tile.layers.source_cells).reduce((a, c) => a + Number(c.properties.cod), 0),
    };
  };
  /** Raises one source's COD and waits until the cached z12 tile that holds it shows the change. */
  const editAndSeeTileChange = async (by: number) => {
    const s = edited();
    const t = tileAt(s.lon, s.lat, 12);
    await cellSum(t);
    const cached = await cellSum(t);
    expect(cached.cache).toBe('hit');
    await db.pool.query('UPDATE source SET cod = cod + $2 WHERE id = $1', [s.id, by]);
    // Tiles are only invalidated by the change feed; with its poll at 10 minutes, by NOTIFY.
    const after = await eventually(async () => {
      const now = await cellSum(t);
      return Math.abs(now.cod - (cached.cod + by)) < 1e-6 ? now : undefined;
    }, 20_000);
    expect(after.cache).toBe('miss');
  };

  it('invalidates a cached tile through NOTIFY before the outage (the check below means something)', async () => {
    await editAndSeeTileChange(1000);
  });

  it('answers 503 with a JSON reason while the database is down, then 200 again from the same process', async () => {
    const pid = server.process.pid;
    const t = tileAt(edited().lon, edited().lat, 12);
    let n = 0;
    // Every tile request has its own filter value, so none is answered from the tile cache.
    const paths = () => [`/tiles/sources/12/${t.x}/${t.y}.mvt?pollutant=cod&min=${++n}.5`, '/api/explore/stats', '/api/health'];
    type Outcome = { path: string; phase: 'up' | 'stopping' | 'down'; status: number | string; body: unknown };
    const outcomes: Outcome[] = [];
    let phase: Outcome['phase'] = 'up';
    const ask = async (path: string): Promise<Outcome> => {
      const p = phase;
      try {
        // A hung request is a failure: no answer within 60 s counts as one.
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) });
        const type = res.headers.get('content-type') ?? '';
        const body = type.includes('json') ? await res.json() : (await res.arrayBuffer()).byteLength;
        return { path, phase: p, status: res.status, body };
      } catch (err) {
        return { path, phase: p, status: `fetch failed: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`, body: null };
      }
    };
    let loading = true;
    const load = (async () => {
      while (loading) outcomes.push(...(await Promise.all(paths().map(ask))));
    })();

    await eventually(async () => (outcomes.some((o) => o.phase === 'up') ? true : undefined), 30_000);
    try {
      phase = 'stopping';
      await cluster!.stop();
      phase = 'down';
      // Keep asking until every endpoint has answered at least twice with the database down.
      await eventually(async () => {
        const down = outcomes.filter((o) => o.phase === 'down');
        return paths().every((p) => down.filter((o) => o.path.split('?')[0] === p.split('?')[0]).length >= 2) ? true : undefined;
      }, 60_000);
    } finally {
      loading = false;
      await load;
      await cluster!.ensureRunning();
    }

    // The server process outlived the outage (its last output says why if not).
    const alive = () => ({ exitCode: server.process.exitCode, signalCode: server.process.signalCode });
    expect(alive(), server.output().slice(-4000)).toEqual({ exitCode: null, signalCode: null });
    const bad = outcomes.filter((o) => !(o.status === 200 && o.phase !== 'down') && o.status !== 503);
    expect(bad).toEqual([]);
    const down = outcomes.filter((o) => o.phase === 'down');
    expect(down.length).toBeGreaterThanOrEqual(6);
    for (const o of down) {
      expect(o.status).toBe(503);
      expect(o.body).toMatchObject({ error: 'database unavailable', reason: expect.any(String) });
    }
    for (const o of outcomes.filter((x) => x.status === 503)) {
      expect(o.body).toMatchObject({ error: 'database unavailable', reason: expect.any(String) });
    }

    // No restart of the server: the same process answers 200 again on every endpoint.
    await eventually(async () => {
      const again = await Promise.all(paths().map(ask));
      return again.every((o) => o.status === 200) ? again : undefined;
    }, 60_000);
    expect(server.process.pid).toBe(pid);
    expect(alive()).toEqual({ exitCode: null, signalCode: null });
    const health = (await (await fetch(`${base}/api/health`)).json()) as { status: string; engine: string };
    expect(health).toMatchObject({ status: 'ok', engine: 'postgres' });
  }, 300_000);

  it('after the restart, a cached tile is invalidated by an edit again (the LISTEN connection came back)', async () => {
    await editAndSeeTileChange(2000);
  });
});
