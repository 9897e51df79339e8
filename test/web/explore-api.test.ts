import * as turf from '@turf/turf';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { KNOWN_SECTION_NAME, KNOWN_SOURCE_NAME, KNOWN_ZONE_CODE, loadExploreFixture, type ExploreFixture, type FixtureSource } from './explore-fixture.ts';

let db: TestDatabase;
let fixture: ExploreFixture;
let server: Server;
let base: string;

beforeAll(async () => {
  db = await openTestDatabase('explore_api');
  fixture = await loadExploreFixture(db.pool);
  const app = createApp({
    config: loadConfig({ YZT_DEMO: 'off' }),
    db: { pool: db.pool, engine: db.engine, schema: db.schema, location: 'test', close: async () => {} },
    logger: pino({ level: 'silent' }),
  });
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/api/explore`;
});

afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await db?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(base + path);
  return { status: res.status, body: (await res.json()) as any };
};
const postJson = async (path: string, body: unknown) => {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res;
};
const inBox = (s: FixtureSource, b: readonly number[]) => s.lng >= b[0]! && s.lng <= b[2]! && s.lat >= b[1]! && s.lat <= b[3]!;
const sum = (xs: FixtureSource[], k: 'cod' | 'so2') => xs.reduce((a, s) => a + (s[k] ?? 0), 0);

describe('statistics for a view and filters', () => {
  it('counts every source and sums emissions when unfiltered', async () => {
    const { status, body } = await getJson('/stats');
    expect(status).toBe(200);
    expect(body.count).toBe(fixture.sources.length);
    expect(body.emissions.cod).toBeCloseTo(sum([...fixture.sources], 'cod'), 4);
    const types = new Map<string, number>();
    for (const s of fixture.sources) types.set(s.source_type, (types.get(s.source_type) ?? 0) + 1);
    expect(Object.fromEntries(body.byType.map((g: any) => [g.code, g.count]))).toEqual(Object.fromEntries(types));
  });

  it('applies type, industry prefix, division prefix, threshold and view box together', async () => {
    const bbox = [113.0, 22.3, 113.6, 22.9];
    const { body } = await getJson(`/stats?type=industrial,domestic&industry=25&division=4406&pollutant=cod&min=20&bbox=${bbox.join(',')}`);
    const expected = fixture.sources.filter((s) =>
      ['industrial', 'domestic'].includes(s.source_type) && (s.industry_code ?? '').startsWith('25') &&
      s.division_code.startsWith('4406') && (s.cod ?? -1) >= 20 && inBox(s, bbox));
    expect(expected.length).toBeGreaterThan(0);
    expect(body.count).toBe(expected.length);
    expect(body.emissions.cod).toBeCloseTo(sum(expected, 'cod'), 4);
    expect(body.topIndustries.map((g: any) => g.code)).toEqual(['25']);
  });

  it('restricts to sources inside the basin polygon', async () => {
    const { body } = await getJson('/stats?basin=B01');
    expect(body.count).toBe(fixture.sources.filter((s) => inBox(s, fixture.basin.bbox)).length);
  });

  it('names the counties in the by-division breakdown', async () => {
    const { body } = await getJson('/stats');
    const names = Object.fromEntries(body.byDivision.map((g: any) => [g.code, g.name]));
    expect(names).toEqual({ '440605': '南海区', '440606': '顺德区' });
    const west = fixture.sources.filter((s) => s.division_code === '440605').length;
    expect(body.byDivision.find((g: any) => g.code === '440605').count).toBe(west);
  });

  it('rejects a bad filter with a message naming the field', async () => {
    const { status, body } = await getJson('/stats?type=factory');
    expect(status).toBe(400);
    expect(body.error).toMatch(/query\.type/);
    const min = await getJson('/stats?min=5');
    expect(min.status).toBe(400);
    expect(min.body.error).toMatch(/min needs a pollutant/);
  });
});

describe('drawn area queries', () => {
  const triangle = { type: 'Polygon', coordinates: [[[113.0, 22.3], [113.7, 22.4], [113.2, 23.0], [113.0, 22.3]]] };

  it('counts the sources inside a drawn polygon as a point-in-polygon test does', async () => {
    const res = await postJson('/query', { area: { kind: 'polygon', geometry: triangle }, filter: {}, limit: 50 });
    const body = (await res.json()) as any;
    const poly = turf.polygon(triangle.coordinates as any);
    const inside = fixture.sources.filter((s) => turf.booleanPointInPolygon([s.lng, s.lat], poly, { ignoreBoundary: false }));
    expect(body.statistics.count).toBe(inside.length);
    expect(body.sources).toHaveLength(50);
    expect(body.truncated).toBe(true);
    for (const s of body.sources) expect(turf.booleanPointInPolygon([s.lng, s.lat], poly)).toBe(true);
  });

  it('counts the sources within a circle by geodesic distance', async () => {
    const center: [number, number] = [113.4, 22.65];
    const radius = 20_000;
    const res = await postJson('/query', { area: { kind: 'circle', center, radius }, filter: { type: 'industrial' }, limit: 0 });
    const body = (await res.json()) as any;
    const expected = fixture.sources.filter((s) => s.source_type === 'industrial' && turf.distance(center, [s.lng, s.lat], { units: 'meters' }) <= radius);
    // turf uses a sphere, PostGIS the spheroid: allow the few points within 0.5% of the edge.
    const edge = fixture.sources.filter((s) => s.source_type === 'industrial' && Math.abs(turf.distance(center, [s.lng, s.lat], { units: 'meters' }) - radius) < 100).length;
    expect(Math.abs(body.statistics.count - expected.length)).toBeLessThanOrEqual(edge);
    expect(expected.length).toBeGreaterThan(10);
  });

  it('orders the list by the chosen pollutant, largest first', async () => {
    const res = await postJson('/query', { area: { kind: 'all' }, filter: { pollutant: 'so2' }, limit: 5 });
    const body = (await res.json()) as any;
    const top = [...fixture.sources].filter((s) => s.so2 !== null).sort((a, b) => b.so2! - a.so2!).slice(0, 5);
    expect(body.sources.map((s: any) => s.emissions.so2)).toEqual(top.map((s) => s.so2));
  });

  it('rejects a polygon ring with too few positions', async () => {
    const res = await postJson('/query', { area: { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [[[1, 1], [2, 2]]] } } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatch(/body\.area\.geometry/);
  });
});

describe('exports of the selection', () => {
  const area = { kind: 'bbox', bbox: [112.9, 22.2, 113.4, 22.65] };

  it('writes a CSV with a header and one line per selected source', async () => {
    const res = await postJson('/export', { area, filter: { type: 'industrial' }, format: 'csv' });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]!.replace('\uFEFF', '').split(',').slice(0, 2)).toEqual(['普查编号 census id', '名称 name']);
    const expected = fixture.sources.filter((s) => s.source_type === 'industrial' && inBox(s, area.bbox));
    expect(lines.length - 1).toBe(expected.length);
    expect(Number(res.headers.get('x-rows'))).toBe(expected.length);
  });

  it('writes GeoJSON points carrying the attributes', async () => {
    const res = await postJson('/export', { area, filter: { type: 'industrial' }, format: 'geojson' });
    const fc = (await res.json()) as any;
    expect(fc.type).toBe('FeatureCollection');
    const one = fc.features.find((f: any) => f.id === fixture.known.census_id) ?? fc.features[0];
    const src = fixture.sources.find((s) => s.census_id === one.id)!;
    expect(one.geometry.coordinates).toEqual([src.lng, src.lat]);
    expect(one.properties.name).toBe(src.name);
  });
});

describe('search and feature details', () => {
  it('finds a source by name, census id and credit code', async () => {
    const byName = await getJson(`/search?q=${encodeURIComponent('示范石化')}`);
    expect(byName.body.hits[0]).toMatchObject({ layer: 'source', id: fixture.known.census_id, name: KNOWN_SOURCE_NAME });
    expect(byName.body.hits[0].lng).toBeCloseTo(fixture.known.lng, 5);
    const byId = await getJson(`/search?q=${fixture.known.census_id}`);
    expect(byId.body.hits[0].id).toBe(fixture.known.census_id);
    const credited = fixture.sources.find((s) => s.credit_code)!;
    const byCredit = await getJson(`/search?q=${credited.credit_code!.toLowerCase()}`);
    expect(byCredit.body.hits[0].id).toBe(credited.census_id);
  });

  it('finds a census zone by code and a section by name', async () => {
    const zone = await getJson(`/search?q=${KNOWN_ZONE_CODE}`);
    expect(zone.body.hits[0]).toMatchObject({ layer: 'census_zone', id: KNOWN_ZONE_CODE });
    expect(zone.body.hits[0].bbox).toEqual([112.9, 22.2, 113.4, 22.65]);
    const section = await getJson(`/search?q=${encodeURIComponent('紫洞')}`);
    expect(section.body.hits[0]).toMatchObject({ layer: 'section', id: 'SEC01', name: KNOWN_SECTION_NAME });
  });

  it('treats LIKE wildcards in the query as plain text', async () => {
    const { body } = await getJson(`/search?q=${encodeURIComponent('%')}`);
    expect(body.hits).toEqual([]);
  });

  it('returns every attribute of a source and the latest reading of a section', async () => {
    const source = await getJson(`/feature/source/${fixture.known.census_id}`);
    expect(source.body.properties).toMatchObject({
      census_id: fixture.known.census_id, name: KNOWN_SOURCE_NAME, source_type: fixture.known.source_type,
      division_code: fixture.known.division_code, division_name: fixture.known.division_code === '440605' ? '南海区' : '顺德区',
    });
    const section = await getJson('/feature/section/SEC01');
    expect(section.body.properties).toMatchObject({ target_class: 3, latest_water_class: 4, latest_month: '2024-02-01' });
    const missing = await getJson('/feature/source/NOPE');
    expect(missing.status).toBe(404);
    const badLayer = await getJson('/feature/pipes/1');
    expect(badLayer.status).toBe(400);
  });
});
