import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { MAX_TEXT_CHARS } from '../../server/input-guard.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { productRoutes } from '../support/route-list.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture } from '../tiles/fixture.ts';

/**
 * Issue 13, finding 5: a NUL character in any text input reached PostgreSQL ("invalid byte
 * sequence for encoding UTF8: 0x00") and came back as a 500, on 50 routes, sign-in included.
 * Every route of the router is sent a NUL, an unpaired surrogate and over-long text in each
 * kind of input it takes; each must answer 400 naming the field, before any query.
 */
describe('the edge guard refuses text PostgreSQL cannot store, on every route', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: TestUser;
  const routes = productRoutes();
  /** A valid value for each path parameter, so only the one under test is bad. */
  const SAMPLE: Record<string, string> = { layer: 'sources', z: '14', x: '13381', y: '7135', id: '1', code: 'X1', kind: 'outfall', line: '2', featureId: '1' };
  const pathOf = (route: string, bad?: { param: string; value: string }) =>
    route.split(' ')[1]!.replace(/:(\w+)/g, (_, p: string) => (bad?.param === p ? bad.value : SAMPLE[p]!));

  const send = async (method: string, path: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${server.url}${path}`, {
      method, body, headers: { ...admin.headers, ...(body === undefined ? {} : { 'content-type': type }) },
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };

  beforeAll(async () => {
    db = await openTestDatabase('input_guard');
    await loadFixture(db.pool, 50);
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    admin = await testUser(db.pool, 'admin');
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it.each(routes)('%s: a NUL, an unpaired surrogate or over-long text in the query is a 400 naming query.q', async (route) => {
    const method = route.split(' ')[0]!;
    for (const [value, reason] of [['%00', /NUL/], ['a%00b', /NUL/], ['x'.repeat(MAX_TEXT_CHARS + 1), /at most/]] as const) {
      const res = await send(method, `${pathOf(route)}?q=${value}`, method === 'GET' ? undefined : '{}');
      expect({ route, value: value.slice(0, 8), status: res.status, error: res.body?.error }).toEqual({
        route, value: value.slice(0, 8), status: 400, error: expect.stringMatching(/^invalid request: query\.q: /),
      });
      expect(res.body.error).toMatch(reason);
      expect(res.body.details).toEqual([{ field: 'query.q', reason: expect.any(String) }]);
    }
  });

  it.each(routes.filter((r) => r.includes(':')))('%s: a NUL in each path parameter is a 400 naming the segment', async (route) => {
    const method = route.split(' ')[0]!;
    for (const param of [...route.matchAll(/:(\w+)/g)].map((m) => m[1]!)) {
      const res = await send(method, pathOf(route, { param, value: `a%00${SAMPLE[param]}` }), method === 'GET' ? undefined : '{}');
      expect({ route, param, status: res.status, error: res.body?.error }).toEqual({
        route, param, status: 400, error: expect.stringMatching(/^invalid request: path segment \d+ .*NUL/),
      });
    }
  });

  /** The upload routes take multipart, not JSON: the imports and the census office's list (名录). */
  const multipart = (r: string) => r.startsWith('POST /api/import') || r === 'POST /api/lists';

  it.each(routes.filter((r) => /^(POST|PATCH) \/api\//.test(r) && !multipart(r)))('%s: a NUL or an unpaired surrogate in a JSON body (value or key) is a 400 naming the field', async (route) => {
    const method = route.split(' ')[0]!;
    const bodies: [string, string][] = [
      ['{"username":"ad\\u0000min","password":"x"}', 'body.username'],
      ['{"reason":"ok","note":["fine","bad\\ud800"]}', 'body.note.1'],
      ['{"filter":{"basin":"\\udc00"}}', 'body.filter.basin'],
      ['{"bad\\u0000key":1}', 'body key'],
    ];
    for (const [body, field] of bodies) {
      const res = await send(method, pathOf(route), body);
      expect({ route, body, status: res.status, error: res.body?.error }).toEqual({
        route, body, status: 400, error: expect.stringContaining(`invalid request: ${field}`),
      });
    }
  });

  it.each(routes.filter(multipart))('%s: a NUL in a multipart field or file name is a 400 naming it', async (route) => {
    const fields: [string, string, string][] = route === 'POST /api/lists' ? [['name', '名\u0000录', 'field.name']] : [['crs', 'wgs\u000084', 'field.crs']];
    if (route.endsWith(':kind')) fields.push(['mapping', '{"name":"单位\\u0000名称"}', 'field.mapping.name'], ['defaults', '{"name":"\\ud800"}', 'field.defaults.name']);
    for (const [field, value, named] of fields) {
      const form = new FormData();
      form.append(field, value);
      form.append('file', new Blob(['a,b\n1,2\n']), 'a.csv');
      const res = await fetch(`${server.url}${pathOf(route)}`, { method: 'POST', body: form, headers: admin.headers });
      const body = await res.json();
      expect({ route, field, status: res.status, error: body.error }).toEqual({
        route, field, status: 400, error: expect.stringContaining(`invalid request: ${named}`),
      });
    }
  });

  it('refuses a NUL in a multipart part header (the file name) with a 400 from the upload parser', async () => {
    const form = new FormData();
    form.append('file', new Blob(['a,b\n1,2\n']), 'a\u0000.csv');
    const res = await fetch(`${server.url}/api/import/outfall`, { method: 'POST', body: form, headers: admin.headers });
    expect({ status: res.status, error: (await res.json()).error }).toEqual({ status: 400, error: expect.stringMatching(/malformed upload|file name/) });
  });

  it('refuses a NUL in the sign-in form without a session and before looking the user up', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"admin\\u0000","password":"x"}',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).details).toEqual([{ field: 'body.username', reason: expect.stringMatching(/NUL/) }]);
  });

  it('lets well-formed text through: Chinese, emoji (a surrogate pair) and text at the limit', async () => {
    for (const q of ['南山', '🏭厂', 'x'.repeat(100)]) {
      const res = await send('GET', `/api/explore/search?q=${encodeURIComponent(q)}`);
      expect({ q, status: res.status }).toEqual({ q, status: 200 });
    }
    const atLimit = await send('GET', `/api/explore/search?q=${'x'.repeat(MAX_TEXT_CHARS)}`);
    // The guard lets it by; the route's own schema bounds q to 100 characters.
    expect(atLimit.body.details).toEqual([expect.objectContaining({ field: 'query.q' })]);
    expect(atLimit.body.error).not.toMatch(/at most 10000/);
  });
});
