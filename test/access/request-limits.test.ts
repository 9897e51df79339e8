import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';

// Size limits: an upload over YZT_MAX_UPLOAD_MB and JSON bodies over a route's limit get 413
// with a reason, and nothing of them is stored.
describe('request size limits', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: TestUser;
  beforeAll(async () => {
    db = await openTestDatabase('access_limits');
    server = await startTestServer(db, { YZT_MAX_UPLOAD_MB: '1' });
    admin = await testUser(db.pool, 'admin');
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('refuses an upload over the limit with 413 and stores none of it', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `BIG${i},大文件企业${i},工业源,113.5,22.5`);
    const csv = `普查编号,单位名称,污染源类型,经度,纬度\n${rows.join('\n')}\n`;
    expect(Buffer.byteLength(csv)).toBeGreaterThan(1024 * 1024);
    const form = new FormData();
    form.append('file', new Blob([csv]), 'big.csv');
    const res = await fetch(`${server.url}/api/import/source`, { method: 'POST', body: form, headers: admin.headers });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toMatch(/larger than the upload limit/);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM source`)).rows[0].n).toBe(0);
    // Just under the limit goes through.
    const small = new FormData();
    small.append('file', new Blob([`普查编号,单位名称,污染源类型,经度,纬度\n${rows.slice(0, 100).join('\n')}\n`]), 'small.csv');
    expect((await fetch(`${server.url}/api/import/source`, { method: 'POST', body: small, headers: admin.headers })).status).toBe(200);
  });

  it('refuses JSON bodies over the route limit with 413', async () => {
    const ring = Array.from({ length: 400_000 }, (_, i) => [113 + (i % 1000) / 1000, 22 + Math.floor(i / 1000) / 1000]);
    const body = JSON.stringify({ area: { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [ring] } } });
    expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
    const res = await fetch(`${server.url}/api/explore/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect((await res.json()).error).toBeTruthy();
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y'.repeat(20_000) }),
    });
    expect(login.status).toBe(413);
  });
});
