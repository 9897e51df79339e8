import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NewUserBody } from '../../geodata/access/index.ts';
import { importFile } from '../../geodata/import/index.ts';
import { ReviewActionBody, startReviewRun } from '../../geodata/review/index.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { textProblem } from '../../server/input-guard.ts';
import { countAll, propertyOptions } from './support.ts';

/**
 * Issue 7: random and malformed request bodies, query strings, tile addresses and uploads sent
 * to the real server. Each must answer below 500 — a 4xx with a JSON body whose `error` is a
 * non-empty string — within a time limit, and leave every watched table as it was.
 *
 * Where a generator could by chance build a valid request, either it is filtered with the
 * route's own schema (so it is invalid by construction), or the route is a read whose 2xx is a
 * legitimate no-op; that is said at each property with `allow2xx`.
 */

const TABLES = ['source', 'edit_log', 'review_finding', 'review_run', 'app_user', 'app_session', 'import_batch', 'sample_plan', 'ext_list'];
const TIMEOUT_MS = 20_000;

let db: TestDatabase;
let server: RunningServer;
let reviewer: TestUser;
let admin: TestUser;
let findingId: number;
let baseline: Record<string, number>;

/** Statuses seen per route, printed with YZT_PROP_VERBOSE=1 to show what the generators reach. */
const tally = new Map<string, number>();

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | FormData } = {}): Promise<Answer> {
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: init.headers,
    body: init.body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  const key = `${method} ${path.split('?')[0]!.replace(/\/items\/[^/]+\//, '/items/:id/').replace(/^\/tiles\/sources\/.*/, '/tiles/sources/z/x/y')} ${res.status}`;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: checked below where JSON is required
  }
  return { status: res.status, body, text };
}

function postJson(path: string, user: TestUser, body: string): Promise<Answer> {
  return send('POST', path, { headers: { ...user.headers, 'content-type': 'application/json' }, body });
}

/** The contract: no 5xx; a 4xx carries a reason; a 2xx only where the caller says it is a harmless no-op. */
function expectClientError(a: Answer, what: string, options: { allow2xx?: boolean; reportErrors?: boolean } = {}): void {
  const ctx = `${what} → ${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, ctx).toBeLessThan(500);
  if (a.status >= 200 && a.status < 300) {
    expect(options.allow2xx, `unexpected success: ${ctx}`).toBe(true);
    return;
  }
  expect(a.status, ctx).toBeGreaterThanOrEqual(400);
  const body = a.body as { error?: unknown; errors?: unknown } | undefined;
  expect(typeof body, ctx).toBe('object');
  // An import refused row by row answers 422 with its report: `errors`, each with line, field and reason.
  if (options.reportErrors && a.status === 422 && Array.isArray(body?.errors)) {
    expect(body!.errors.length, ctx).toBeGreaterThan(0);
    return;
  }
  expect(typeof body?.error, ctx).toBe('string');
  expect((body!.error as string).trim(), ctx).not.toBe('');
}

async function expectNothingStored(): Promise<void> {
  const now = await countAll(db.pool, TABLES);
  const before = baseline;
  // Take the new counts as the baseline, so that fast-check's shrinking after a failure hunts
  // for the request that changed something, not for any request after it.
  baseline = now;
  expect(now).toEqual(before);
}

/** JSON text of any value (undefined → no body at all). */
const anyJsonText = fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: true }).map((v) => {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
});
/** Text that is mostly not JSON at all: random strings, cut-off objects, NaN literals. */
const notJsonText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"area":', '{"area":{"kind":"all"}', "{'a':1}", '{"a":NaN}', '[1,2,', 'nul', '{"a":1}}', '\u0000', '{"a":"\\x"}'),
);
const position = fc.tuple(fc.double({ min: -1000, max: 1000, noNaN: true }), fc.double({ min: -200, max: 200, noNaN: true }));
/** Drawn areas that pass or nearly pass the schema but are not valid shapes: unclosed rings, huge or inverted boxes, out-of-range centres. */
const oddArea = fc.oneof(
  fc.array(position, { minLength: 4, maxLength: 7 }).map((ring) => ({ kind: 'polygon', geometry: { type: 'Polygon', coordinates: [ring] } })),
  fc.array(position, { minLength: 4, maxLength: 5 }).map((ring) => ({ kind: 'polygon', geometry: { type: 'MultiPolygon', coordinates: [[ring]] } })),
  fc.tuple(position, position).map(([a, b]) => ({ kind: 'bbox', bbox: [a[0], a[1], b[0], b[1]] })),
  fc.constantFrom<unknown>(
    { kind: 'bbox', bbox: [1e308, -1e308, -1e308, 1e308] },
    { kind: 'circle', center: [113, 22], radius: 1e-300 },
    { kind: 'circle', center: [181, 22], radius: 10 },
    { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [[[113, 22], [113, 22], [113, 22], [113, 22]]] } },
    { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [[[113, 22], [114, 23], [113, 23], [114, 22], [113, 22]]] } },
    { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [[[113, 22, 1, 2, 3], [114, 22], [114, 23], [113, 22]]] } },
    { kind: 'square' },
    { kind: 'all', extra: true },
  ),
);
const areaBody = fc.record(
  {
    area: oddArea,
    filter: fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom('type', 'industry', 'division', 'basin', 'pollutant', 'min', 'x'), fc.oneof(fc.string({ maxLength: 70 }), fc.integer()))),
    limit: fc.oneof(fc.integer({ min: -5, max: 6000 }), fc.constant(1.5)),
    orderBy: fc.constantFrom('cod', 'nox', 'x', ''),
    format: fc.constantFrom('csv', 'geojson', 'xml'),
  },
  { requiredKeys: ['area'] },
).map((b) => JSON.stringify(b));

/** Query strings: known keys with random or tricky values, repeated keys, unknown keys. */
function queryString(keys: readonly string[], tricky: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...tricky));
  return fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value), { minLength: 1, maxLength: 5 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
}
const TRICKY_NUMBERS = ['NaN', '1e999', '-1', '0', '2147483648', '9007199254740993', '1.5', '１２', '0x10', '', ' ', '1,2', 'Infinity'];

/**
 * Issue 13: text PostgreSQL cannot store (NUL, unpaired surrogates, over-long text), boundary
 * numbers and every parameter's documented maximum. NUL and surrogates made 50 routes answer 500
 * and the decay rates' maximum (10) made the network routes fail with an underflow.
 */
const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udc00', '\udbff\u0000', '南山\u0000', 'x'.repeat(10_001), '%00', '\\0', "'; --", '\u2028'),
  fc.string({ maxLength: 20, unit: 'binary' }),
  fc.string({ maxLength: 10 }).map((t) => `${t}\u0000${t}`),
);
/** Every query parameter of the read routes with its documented maximum (README, route schemas) and the values around it. */
const DOCUMENTED_MAXIMA: Record<string, string[]> = {
  k_cod: ['10', '10.0000001', '0'], k_nh3n: ['10', '11'], k_tn: ['10', '-0'], k_tp: ['10', '1e1'],
  limit: ['1000', '1001', '50', '51', '5000', '0'], top: ['50', '51', '20', '21'], offset: ['0', '2147483647', '9007199254740993'],
  radius_km: ['200', '200.0001', '0'], sector: ['360', '361'], wind_from: ['360', '0', '-1'], off_sector_weight: ['1', '1.01'],
  min: ['0', '1e308'], month: ['2026-12', '2026-13', '9999-12'], from: ['2026-01'], to: ['2026-12'], bbox: ['-180,-90,180,90', '1e308,0,0,0'],
  scope: ['whole', 'control', ''], rank: ['cod', 'tp', 'so2'], pollutant: ['cod', 'nh3n', 'tp', 'nox'], basin: ['B1'], q: ['甲'],
  division: ['44', '4403050000000'], type: ['industrial'], check: ['coord_zero'], format: ['json', 'csv', 'xlsx'],
};
const READ_ROUTES = [
  '/api/explore/search', '/api/explore/stats', '/api/explore/options', '/api/explore/monitoring', '/api/explore/feature/source_id/{t}',
  '/api/explore/feature/outfall/{t}', '/api/explore/feature/section/{t}', '/api/explore/feature/air_station/{t}', '/api/explore/feature/basin/{t}',
  '/api/explore/feature/{t}/1', '/api/sections/loads', '/api/sections/problems', '/api/sections/response-indicator',
  '/api/sections/{t}/upstream', '/api/sections/{t}/response', '/api/sources/{t}/downstream', '/api/outfalls/{t}/downstream',
  '/api/air/stations/{t}/contributors', '/api/battle/basins', '/api/battle/basins/{t}', '/api/review/items', '/api/review/items/{t}',
  '/api/review/runs/{t}', '/api/review/sources/{t}/history', '/api/network/report', '/tiles/{t}.json', '/tiles/sources/14/{t}/7135.mvt',
  '/api/review/items/{t}/outlines', '/api/network/trace?from={t}', '/api/lists/{t}/matches', '/api/samples/{t}', '/api/samples/{t}/rates',
  '/api/dispatch', '/ogc/collections/{t}', '/ogc/collections/{t}/items', '/ogc/collections/sources/items/{t}', '/ogc/collections/{t}/schema',
];
const hostileQuery = fc.array(
  fc.tuple(fc.constantFrom(...Object.keys(DOCUMENTED_MAXIMA)), fc.boolean(), hostileText).chain(([key, documented, text]) =>
    documented ? fc.constantFrom(...DOCUMENTED_MAXIMA[key]!).map((v) => [key, v] as const) : fc.constant([key, text] as const)),
  { minLength: 1, maxLength: 4 },
).map((pairs) => pairs.map(([k, v]) => `${k}=${wtf8Encode(v)}`).join('&'))
  // Node's HTTP parser answers 431 with no body before the app sees a request line beyond its
  // 16 KB header limit; three over-long values percent-encoded pass it, so stay below.
  .filter((q) => q.length < 12_000);

/**
 * Percent-encoding that also sends unpaired surrogates, as their three-byte WTF-8 form (what a
 * hostile client can put on the wire; encodeURIComponent refuses them).
 */
function wtf8Encode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (u >= 0xd800 && u <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text[i]! + text[i + 1]!);
      i++;
    } else if (u >= 0xd800 && u <= 0xdfff) {
      out += [0xed, 0xa0 | ((u >> 6) & 0x0f), 0x80 | (u & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}

describe('property: malformed requests get a 4xx with a reason and change nothing', () => {
  let dir: string;
  beforeAll(async () => {
    db = await openTestDatabase('prop_api');
    server = await startTestServer(db);
    reviewer = await testUser(db.pool, 'reviewer');
    admin = await testUser(db.pool, 'admin');
    // A few sources, two of them with coordinates the review flags, and a finished review run.
    dir = mkdtempSync(join(tmpdir(), 'yzt-prop-api-'));
    const csv = join(dir, 'seed.csv');
    writeFileSync(csv, 'census_id,name,source_type,lon,lat\nA1,甲厂,industrial,113.5,22.5\nA2,乙厂,industrial,0,0\nA3,丙厂,industrial,,\n');
    expect((await importFile(db.pool, { kind: 'source', files: [csv], actor: 'seed' })).rowsStored).toBe(3);
    const run = await startReviewRun(db.pool, 'seed');
    await run.done;
    const { rows } = await db.pool.query<{ id: number }>('SELECT id::int AS id FROM review_finding ORDER BY id LIMIT 1');
    expect(rows.length).toBe(1);
    findingId = rows[0]!.id;
    baseline = await countAll(db.pool, TABLES);
  });
  afterAll(async () => {
    if (process.env.YZT_PROP_VERBOSE === '1') console.log([...tally].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    await server?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('POST /api/explore/query and /export: random bodies and odd areas', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('query', 'export'), fc.oneof(anyJsonText, notJsonText, areaBody), async (route, body) => {
        const a = await postJson(`/api/explore/${route}`, reviewer, body);
        // Both routes only read: a body that happens to be valid (e.g. a closed ring) may answer 200.
        expectClientError(a, `POST /api/explore/${route} ${body.slice(0, 200)}`, { allow2xx: true });
        await expectNothingStored();
      }),
      propertyOptions(60),
    );
  });

  it('POST /api/review/items/:id/actions: invalid bodies on a real finding, any body on a wrong id', async () => {
    const invalidForSchema = anyJsonText.filter((t) => t === '' || !ReviewActionBody.safeParse(JSON.parse(t)).success);
    const nearMiss = fc
      .record({
        action: fc.constantFrom('accept', 'apply_suggestion', 'move', 'field_check', 'delete', ''),
        reason: fc.oneof(fc.constant(''), fc.constant('  '), fc.integer(), fc.constant(null)),
        rowVersion: fc.oneof(fc.constant('1'), fc.double(), fc.constant(null)),
        lon: fc.oneof(fc.constant(181), fc.constant('113'), fc.double({ min: -1e6, max: 1e6 })),
        lat: fc.oneof(fc.constant(-91), fc.constant('22'), fc.constant(null)),
      }, { requiredKeys: [] })
      .map((b) => JSON.stringify(b))
      .filter((t) => !ReviewActionBody.safeParse(JSON.parse(t)).success);
    // Ids that are no finding: not a number, not positive, beyond int4/int8 and JS safe integers.
    const wrongId = fc.constantFrom('0x1', '1e0', '0', '-1', 'abc', '1.5', '1e3', '2147483648', '9007199254740991', '99999999999999999999', '%20', 'NaN', '-0x1', '1.0e-1');
    const anyValidAction = fc.constantFrom(
      '{"action":"field_check"}', '{"action":"accept","reason":"ok"}', '{"action":"move","lon":113,"lat":22,"rowVersion":1}',
    );
    const requests = fc.oneof(
      fc.tuple(fc.constant(String(findingId)), fc.oneof(invalidForSchema, nearMiss, notJsonText)),
      // On no finding even a valid action must be refused (404/400), never 500.
      fc.tuple(wrongId, fc.oneof(anyJsonText, anyValidAction)),
    );
    await fc.assert(
      fc.asyncProperty(requests, async ([id, body]) => {
        const a = await postJson(`/api/review/items/${id}/actions`, reviewer, body);
        expectClientError(a, `POST /api/review/items/${id}/actions ${body.slice(0, 200)}`);
        await expectNothingStored();
      }),
      propertyOptions(60),
    );
  });

  it('POST /api/users (admin): bodies the schema refuses', async () => {
    const nearMiss = fc
      .record({
        username: fc.oneof(fc.string({ maxLength: 80 }), fc.constant(''), fc.constant('a b'), fc.constant('x'.repeat(65)), fc.integer()),
        password: fc.oneof(fc.string({ maxLength: 9 }), fc.constant('x'.repeat(201)), fc.constant(null)),
        role: fc.oneof(fc.constantFrom('viewer', 'reviewer', 'admin', 'root', ''), fc.string({ maxLength: 8 })),
        region: fc.oneof(fc.constant('4'), fc.constant('44ab'), fc.string({ maxLength: 14 })),
        extra: fc.string(),
      }, { requiredKeys: [] })
      .map((b) => JSON.stringify(b));
    const bodies = fc.oneof(anyJsonText, nearMiss, notJsonText).filter((t) => {
      try {
        return !NewUserBody.safeParse(JSON.parse(t)).success;
      } catch {
        return true;
      }
    });
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const a = await postJson('/api/users', admin, body);
        expectClientError(a, `POST /api/users ${body.slice(0, 200)}`);
        await expectNothingStored();
      }),
      propertyOptions(50),
    );
  });

  it('POST /api/auth/login: random bodies and wrong credentials', async () => {
    const credentials = fc.record({
      username: fc.oneof(fc.string({ maxLength: 70 }), fc.constant(reviewer?.username ?? 'x'), fc.integer()),
      password: fc.oneof(fc.string({ maxLength: 210 }), fc.constant(['a']), fc.constant(null)),
    }, { requiredKeys: [] }).map((b) => JSON.stringify(b));
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyJsonText, credentials, notJsonText), async (body) => {
        // The generated passwords can never be a test user's (pw-<name>-0123456789): no 2xx.
        const a = await send('POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body });
        expectClientError(a, `POST /api/auth/login ${body.slice(0, 200)}`);
        await expectNothingStored();
      }),
      propertyOptions(50),
    );
  });

  it('POST /api/network/rebuild (admin): unknown keys, wrong types, non-objects', async () => {
    const known = ['direction', 'toleranceM', 'gapSearchM', 'outlets', 'link'];
    const bodies = fc.oneof(
      // at least one key the strict schema does not know
      fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !known.includes(k)), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }).map((o) => JSON.stringify(o)),
      // known keys with values of the wrong type or out of range
      fc.oneof(
        fc.record({ direction: fc.string({ maxLength: 10 }).filter((s) => !['auto', 'stored', 'attribute', 'outlet'].includes(s)) }),
        fc.record({ toleranceM: fc.oneof(fc.constant(-1), fc.constant(10_001), fc.constant('5'), fc.constant(null)) }),
        fc.record({ gapSearchM: fc.oneof(fc.constant(-0.5), fc.constant(1e9), fc.constant([])) }),
        fc.record({ outlets: fc.oneof(fc.constant([1.5]), fc.constant(['1']), fc.constant({}), fc.constant(7)) }),
        fc.record({ link: fc.oneof(fc.constant({ x: 1 }), fc.constant({ sourceToleranceM: -1 }), fc.constant('near'), fc.constant([])) }),
      ).map((o) => JSON.stringify(o)),
      // JSON that is not an object, and text that is not JSON
      fc.oneof(fc.jsonValue().filter((v) => Array.isArray(v) || typeof v !== 'object'), fc.constant([])).map((v) => JSON.stringify(v)),
      notJsonText.filter((t) => t.trim() !== '' && t.trim() !== '{}'),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const a = await postJson('/api/network/rebuild', admin, body);
        expectClientError(a, `POST /api/network/rebuild ${body.slice(0, 200)}`);
        await expectNothingStored();
      }),
      propertyOptions(40),
    );
  });

  it('GET /api/explore/stats and /api/review/items: random query strings', async () => {
    const stats = queryString(['bbox', 'limit', 'type', 'industry', 'division', 'basin', 'pollutant', 'min'], [
      ...TRICKY_NUMBERS, '1,2,3', '1,2,3,4,5', 'NaN,1,2,3', '200,0,0,0', '10,10,0,0', '-180,-90,180,90', 'industrial,', ',,', 'cod', 'COD',
    ]);
    const items = queryString(['check', 'severity', 'status', 'division', 'industry', 'source', 'sort', 'limit', 'offset', 'format'], [
      ...TRICKY_NUMBERS, 'coord_zero,nope', 'error,', 'open,open', 'xlsx', 'csv', 'json', 'pdf', 'distance', '44', '4403050000',
    ]);
    const requests = fc.oneof(stats.map((q) => `/api/explore/stats?${q}`), items.map((q) => `/api/review/items?${q}`));
    await fc.assert(
      fc.asyncProperty(requests, async (path) => {
        const a = await send('GET', path, { headers: reviewer.headers });
        // Reads: a query string that happens to be valid answers 200, which changes nothing.
        expectClientError(a, `GET ${path}`, { allow2xx: true });
        await expectNothingStored();
      }),
      propertyOptions(80),
    );
  });

  it('GET /tiles/sources/{z}/{x}/{y}.mvt: random addresses and filters', async () => {
    const part = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(...TRICKY_NUMBERS.filter((s) => s !== '' && s !== ' '), '+1', '01', '1.0', '-0', '4294967296', '30', '25', '999999'),
      fc.nat({ max: 40 }).map(String),
    ).filter((s) => s !== '' && s !== '.' && s !== '..');
    const filters = fc.oneof(fc.constant(''), queryString(['type', 'industry', 'division', 'basin', 'pollutant', 'min', 'v'], TRICKY_NUMBERS));
    await fc.assert(
      fc.asyncProperty(part, part, part, filters, async (z, x, y, q) => {
        const path = `/tiles/sources/${encodeURIComponent(z)}/${encodeURIComponent(x)}/${encodeURIComponent(y)}.mvt${q ? `?${q}` : ''}`;
        const a = await send('GET', path, { headers: reviewer.headers });
        // A real tile address answers 200 (a read; nothing changes).
        expectClientError(a, `GET ${path}`, { allow2xx: true });
        await expectNothingStored();
      }),
      propertyOptions(80),
    );
  });

  it('every read route: NUL, unpaired surrogates, over-long text, boundary numbers and documented maxima in each parameter', async () => {
    const pathText = fc.oneof(hostileText, fc.constantFrom('1', 'X1', 'O1', 'B1', 'sources', '1345A', '0', '-1', '9007199254740993'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READ_ROUTES), pathText, fc.option(hostileQuery, { nil: undefined }), async (route, t, q) => {
        const path = `${route.replace('{t}', wtf8Encode(t))}${q ? `${route.includes('?') ? '&' : '?'}${q}` : ''}`;
        // An over-long path segment and an over-long query together can pass Node's 16 KB header
        // limit, where its parser answers 431 with no body before the app (as for the query alone).
        fc.pre(path.length < 12_000);
        const a = await send('GET', path, { headers: reviewer.headers });
        // Reads: a request that happens to be valid answers 200.
        expectClientError(a, `GET ${path.slice(0, 300)}`, { allow2xx: true });
      }),
      propertyOptions(150),
    );
    await expectNothingStored();
  });

  it('JSON bodies: NUL, unpaired surrogates and over-long text in every string field of the write routes', async () => {
    const routes: [string, TestUser | null, (t: string) => unknown][] = [
      ['/api/auth/login', null, (t) => ({ username: t, password: t })],
      ['/api/users', null, (t) => ({ username: `u${Math.random().toString(36).slice(2, 8)}`, password: 'pw-0123456789ab', role: 'viewer', displayName: t })],
      ['/api/explore/query', null, (t) => ({ area: { kind: 'all' }, filter: { basin: t, division: t } })],
      ['/api/explore/export', null, (t) => ({ area: { kind: 'all' }, format: 'csv', filter: { type: t } })],
      [`/api/review/items/{id}/actions`, null, (t) => ({ action: 'accept', reason: t, rowVersion: 1 })],
      ['/api/network/rebuild', null, (t) => ({ direction: t })],
      ['/api/review/batch-actions', null, (t) => ({ action: 'apply_suggestion', reason: t, findingIds: [findingId] })],
      ['/api/lists/1/units/2/decision', null, (t) => ({ decision: 'exclude', note: t })],
      ['/api/samples', null, (t) => ({ method: 'share', name: t, share: 0.1 })],
      ['/api/samples/1/checks', null, (t) => ({ censusId: t, indicators: { name: true } })],
      ['/api/samples/1/omissions', null, (t) => ({ divisionCode: '440305', name: t })],
      ['/api/dispatch/assign', null, (t) => ({ findings: [findingId], assignee: t })],
    ];
    const hostileOnly = hostileText.filter((t) => textProblem(t) !== null);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), hostileOnly, async ([route, , body], t) => {
        const path = route.replace('{id}', String(findingId));
        const text = JSON.stringify(body(t));
        const a = await postJson(path, route === '/api/explore/query' || route === '/api/explore/export' ? reviewer : admin, text);
        // Sign-in takes 16 KB of JSON at most (README, Hardening): a longer body is refused whole, with 413.
        if (route === '/api/auth/login' && Buffer.byteLength(text) > 16 * 1024) {
          expect(a.status, `${path} ${Buffer.byteLength(text)} bytes`).toBe(413);
          return;
        }
        expect(a.status, `${path} ${text.slice(0, 200)} → ${a.status} ${a.text.slice(0, 200)}`).toBe(400);
        expect((a.body as { error: string }).error).toMatch(/^invalid request: body\./);
      }),
      propertyOptions(60),
    );
    await expectNothingStored();
  });

  it('POST /api/import/source (admin): multipart uploads of random bytes', async () => {
    const upload = fc.record({
      bytes: fc.uint8Array({ maxLength: 2000 }),
      name: fc.constantFrom('a.geojson', 'b.json', 'a.csv', 'b.zip', 'c.shp', 'd.dbf', 'e', 'f.txt', 'g.CSV', '../h.csv', '中文.csv', 'x'.repeat(250)),
      fields: fc.dictionary(fc.constantFrom('format', 'encoding', 'mapping', 'defaults', 'repairGeometry', 'rowNumberAs', 'junk'), fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('csv', 'shapefile', 'gbk', 'utf8', '{"a":"b"}', '{"column":"census_id"}', 'true', '{'))),
      parts: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(upload, async (u) => {
        const form = new FormData();
        for (const [k, v] of Object.entries(u.fields)) form.append(k, v);
        for (let i = 0; i < u.parts; i++) form.append('file', new Blob([u.bytes]), u.name);
        const a = await send('POST', '/api/import/source', { headers: admin.headers, body: form });
        // Random bytes are never a source table with census_id, name and source_type columns.
        expectClientError(a, `POST /api/import/source ${u.parts}×${u.name} (${u.bytes.length} bytes) fields ${JSON.stringify(u.fields)}`, { reportErrors: true });
        await expectNothingStored();
      }),
      propertyOptions(50),
    );
  });
});
