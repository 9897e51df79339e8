import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadSmallFixture } from '../review/small-fixture.ts';

/** The real server on a test schema, with its log lines kept for the test to read. */
async function serverWithLog(db: TestDatabase, env: Record<string, string>): Promise<{ server: RunningServer; log: string[] }> {
  const log: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { log.push(String(chunk)); cb(); } });
  return { server: await startTestServer(db, env, pino({ level: 'info' }, sink)), log };
}

describe('accounts: first admin, sign-in, sessions, CSRF, rate limit, headers', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let log: string[];
  beforeAll(async () => {
    db = await openTestDatabase('access_accounts');
    ({ server, log } = await serverWithLog(db, { YZT_ANONYMOUS: 'off', YZT_LOGIN_ATTEMPTS: '3' }));
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });
  const url = (p: string) => `${server.url}${p}`;
  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    fetch(url('/api/auth/login'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) });

  it('creates the first admin once, with a one-time password shown only in the start-up log', async () => {
    const line = log.find((l) => l.includes('first start: created user'));
    const password = /with password (\S+)/.exec(line ?? '')?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    const stored = await db.pool.query<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE username = 'admin'`);
    expect(stored.rows[0]!.password_hash).toMatch(/^scrypt\$/);
    expect(stored.rows[0]!.password_hash).not.toContain(password);
    expect((await login('admin', password!)).status).toBe(200);
    // A second start on the same database creates nobody and prints no password.
    const again = await serverWithLog(db, { YZT_ANONYMOUS: 'off' });
    await again.server.close();
    expect(again.log.some((l) => l.includes('first start'))).toBe(false);
  });

  it('answers 401 to everything but health and sign-in when anonymous access is off', async () => {
    expect((await fetch(url('/api/health'))).status).toBe(200);
    for (const p of ['/api/explore/search?q=a', '/api/review/items', '/tiles/sources/10/834/445.mvt', '/api/sections/loads', '/api/auth/me', '/api/users']) {
      const res = await fetch(url(p));
      expect({ p, status: res.status }).toEqual({ p, status: 401 });
      expect((await res.json()).error).toMatch(/sign in/);
    }
  });

  it('signs in with a cookie and a token, asks cookie requests that change data for the CSRF token, and signs out', async () => {
    const user = await testUser(db.pool, 'reviewer', null, 'cookie-user');
    expect((await login('cookie-user', 'wrong-password-1')).status).toBe(401);
    expect((await login('nobody', 'wrong-password-1')).status).toBe(401);
    const res = await login(user.username, user.password);
    expect(res.status).toBe(200);
    const body = await res.json();
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/yzt_session=[^;]+; .*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const me = await (await fetch(url('/api/auth/me'), { headers: { cookie } })).json();
    expect(me).toMatchObject({ name: 'cookie-user', role: 'reviewer', scope: '*', csrfToken: body.csrfToken });
    // A change through the cookie without the token is refused before any route runs.
    const run = (headers: Record<string, string>) => fetch(url('/api/review/run'), { method: 'POST', headers: { cookie, ...headers } });
    expect((await run({})).status).toBe(403);
    expect((await run({ 'x-csrf-token': 'guess' })).status).toBe(403);
    expect((await run({ 'x-csrf-token': body.csrfToken })).status).toBe(202);
    // The Bearer form needs no CSRF token: no browser sends it by itself.
    expect((await fetch(url('/api/auth/me'), { headers: { authorization: `Bearer ${body.token}` } })).status).toBe(200);
    const out = await fetch(url('/api/auth/logout'), { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(200);
    expect((await fetch(url('/api/auth/me'), { headers: { cookie } })).status).toBe(401);
    expect((await fetch(url('/api/auth/me'), { headers: { authorization: `Bearer ${body.token}` } })).status).toBe(401);
  });

  it('refuses a sign-in posted from another site', async () => {
    const user = await testUser(db.pool, 'viewer');
    expect((await login(user.username, user.password, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await login(user.username, user.password, { origin: server.url })).status).toBe(200);
  });

  it('limits failed sign-ins per address and name (429), while right passwords still count as nothing', async () => {
    const user = await testUser(db.pool, 'viewer', null, 'limited');
    for (let i = 0; i < 3; i++) expect((await login('limited', `wrong-${i}-password`)).status).toBe(401);
    const blocked = await login('limited', user.password);
    expect(blocked.status).toBe(429);
    expect((await blocked.json()).error).toMatch(/too many/);
    // Another account from the same address is not locked out by it.
    const other = await testUser(db.pool, 'viewer', null, 'unlimited');
    expect((await login('unlimited', other.password)).status).toBe(200);
  });

  it('sends security headers', async () => {
    const res = await fetch(url('/api/health'));
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
  });
});

describe('roles: who may do what, by endpoint family', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let users: Record<'viewer' | 'reviewer' | 'admin' | 'districtAdmin', TestUser>;
  beforeAll(async () => {
    db = await openTestDatabase('access_roles');
    await loadSmallFixture(db.pool);
    ({ server } = await serverWithLog(db, { YZT_ANONYMOUS: 'viewer', YZT_ADMIN_PASSWORD: 'first-admin-password' }));
    users = {
      viewer: await testUser(db.pool, 'viewer'),
      reviewer: await testUser(db.pool, 'reviewer'),
      admin: await testUser(db.pool, 'admin'),
      districtAdmin: await testUser(db.pool, 'admin', '4403'),
    };
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const call = async (who: keyof typeof users | 'anonymous', method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = who === 'anonymous' ? {} : { ...users[who].headers };
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return (await fetch(`${server.url}${path}`, { method, headers, body: payload ?? null })).status;
  };
  const csv = () => {
    const form = new FormData();
    form.append('file', new Blob(['普查编号,单位名称,污染源类型,经度,纬度\nR1,角色测试厂,工业源,113.95,22.55\n']), 'r.csv');
    return form;
  };

  it('lets the anonymous demo viewer and every role read tiles, search, statistics, review lists and traces', async () => {
    for (const who of ['anonymous', 'viewer', 'reviewer', 'admin'] as const) {
      for (const p of ['/tiles/sources/10/834/445.mvt', '/api/explore/search?q=%E4%BC%81', '/api/explore/stats', '/api/review/items', '/api/review/quality', '/api/sections/loads', '/api/battle/basins']) {
        expect({ who, p, status: await call(who, 'GET', p) }).toEqual({ who, p, status: 200 });
      }
      expect({ who, status: await call(who, 'POST', '/api/explore/query', { area: { kind: 'all' }, limit: 1 }) }).toEqual({ who, status: 200 });
    }
  });

  it('lets only reviewers and admins act on findings and start check runs', async () => {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT id FROM review_finding LIMIT 1`);
    const action = `/api/review/items/${rows[0]?.id ?? 1}/actions`;
    expect(await call('anonymous', 'POST', action, { action: 'accept', rowVersion: 1, reason: 'x' })).toBe(401);
    expect(await call('viewer', 'POST', action, { action: 'accept', rowVersion: 1, reason: 'x' })).toBe(403);
    expect(await call('anonymous', 'POST', '/api/review/run')).toBe(401);
    expect(await call('viewer', 'POST', '/api/review/run')).toBe(403);
    expect(await call('reviewer', 'POST', '/api/review/run')).toBe(202);
  });

  it('lets only admins import, rebuild the network and manage users; users only national admins', async () => {
    for (const who of ['anonymous', 'viewer', 'reviewer'] as const) {
      expect({ who, status: await call(who, 'POST', '/api/import/source', csv()) }).toEqual({ who, status: who === 'anonymous' ? 401 : 403 });
      expect({ who, status: await call(who, 'POST', '/api/network/rebuild', {}) }).toEqual({ who, status: who === 'anonymous' ? 401 : 403 });
      expect({ who, status: await call(who, 'GET', '/api/users') }).toEqual({ who, status: who === 'anonymous' ? 401 : 403 });
    }
    expect(await db.pool.query(`SELECT 1 FROM source WHERE census_id = 'R1'`)).toMatchObject({ rowCount: 0 });
    expect(await call('admin', 'POST', '/api/import/source', csv())).toBe(200);
    expect(await call('districtAdmin', 'GET', '/api/users')).toBe(403);
    expect(await call('districtAdmin', 'POST', '/api/users', { username: 'x1', password: '0123456789', role: 'admin' })).toBe(403);
    expect(await call('admin', 'GET', '/api/users')).toBe(200);
  });

  it('creates, changes and disables users through the admin API, with field-named 400s', async () => {
    const created = await fetch(`${server.url}/api/users`, {
      method: 'POST', headers: { ...users.admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ username: '南山审核员', displayName: '南山区审核员', password: 'nanshan-pass-1', role: 'reviewer', region: '440305' }),
    });
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(user).toMatchObject({ username: '南山审核员', role: 'reviewer', region: '440305' });
    expect(JSON.stringify(user)).not.toMatch(/hash|scrypt/);
    expect(await call('admin', 'POST', '/api/users', { username: '南山审核员', password: 'another-pass-1', role: 'viewer' })).toBe(409);
    const bad = await fetch(`${server.url}/api/users`, {
      method: 'POST', headers: { ...users.admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ok', password: 'short', role: 'boss', extra: 1 }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/body\.password.*body\.role|body\.role.*body\.password/s);

    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: '南山审核员', password: 'nanshan-pass-1' }) });
    const { token } = await login.json();
    const me = () => fetch(`${server.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await (await me()).json()).toMatchObject({ scope: '440305', role: 'reviewer' });
    expect(await call('admin', 'PATCH', `/api/users/${user.id}`, { disabled: true })).toBe(200);
    expect((await me()).status).toBe(401);
  });
});
