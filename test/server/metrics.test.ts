import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture } from '../tiles/fixture.ts';

describe('Prometheus metrics at /metrics', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let plain: RunningServer;
  let admin: TestUser;
  let viewer: TestUser;
  beforeAll(async () => {
    db = await openTestDatabase('server_metrics');
    await loadFixture(db.pool, 300);
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off', YZT_METRICS: 'admin', YZT_TILE_POLL_MS: '100' });
    plain = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    admin = await testUser(db.pool, 'admin');
    viewer = await testUser(db.pool, 'viewer');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await plain?.close();
    await db?.close();
  });

  it('has no such route by default', async () => {
    expect((await fetch(`${plain.url}/metrics`, { headers: admin.headers })).status).toBe(404);
  });

  it('is for admins only when on', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: viewer.headers })).status).toBe(403);
  });

  it('counts requests by route and status, tile cache misses and hits by layer and zoom, and pool connections', async () => {
    const t = tileAt(114.0, 22.65, 12);
    for (let i = 0; i < 2; i++) expect((await fetch(`${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`, { headers: viewer.headers })).status).toBe(200);
    expect((await fetch(`${server.url}/ogc/collections/nope`, { headers: viewer.headers })).status).toBe(404);
    const res = await fetch(`${server.url}/metrics`, { headers: admin.headers });
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('yzt_tile_cache_total{layer="sources",zoom="12",cache="miss"} 1');
    expect(text).toContain('yzt_tile_cache_total{layer="sources",zoom="12",cache="hit"} 1');
    // (Express drops the mount path from req.baseUrl when a route fails, so the prefix may be missing.)
    expect(text).toMatch(/yzt_http_requests_total\{method="GET",route="(\/ogc)?\/collections\/:id",status="404"\} 1/);
    expect(text).toMatch(/yzt_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/tiles\/:layer\/:z\/:x\/:y\.mvt"\} \d+/);
    expect(text).toMatch(/yzt_pool_connections\{state="waiting"\} 0/);
  });

  it('tells how far the tile cache lags behind the data: the change feed\'s lag, reads and changes applied', async () => {
    const gauge = (text: string, name: string) => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return m ? Number(m[1]) : null;
    };
    const read = async () => (await fetch(`${server.url}/metrics`, { headers: admin.headers })).text();
    const before = gauge(await read(), 'yzt_change_feed_changes');
    expect(before).not.toBeNull();
    await db.pool.query('UPDATE source SET cod = cod + 1 WHERE id = (SELECT min(id) FROM source)');
    let text = await read();
    for (let i = 0; i < 100 && gauge(text, 'yzt_change_feed_changes') === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await read();
    }
    expect(gauge(text, 'yzt_change_feed_changes')).toBeGreaterThan(before!);
    const lag = gauge(text, 'yzt_change_feed_lag_seconds');
    expect(lag).not.toBeNull();
    // Logged and applied within the wait above: the lag is a real, small age, not a timestamp.
    expect(lag!).toBeGreaterThanOrEqual(0);
    expect(lag!).toBeLessThan(60);
    expect(gauge(text, 'yzt_change_feed_seconds_since_read')).toBeLessThan(60);
    expect(gauge(text, 'yzt_change_feed_waiting_gaps')).toBe(0);
  });
});
