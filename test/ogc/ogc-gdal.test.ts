import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReview } from '../../geodata/review/index.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture } from '../tiles/fixture.ts';
import { hasGdal, ogr2ogr, ogrFeatureCount, ogrInfo, ogrList } from './gdal-client.ts';

if (!hasGdal) console.warn('ogc-gdal: skipped; ogrinfo not found (install Debian gdal-bin)');

// The database's own counts, written here independently of geodata/ogc: what each collection
// must hold for a national user.
const EXPECTED: Record<string, string> = {
  sources: `SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND geom IS NOT NULL`,
  census_zones: 'SELECT count(*)::int AS n FROM census_zone',
  divisions: 'SELECT count(*)::int AS n FROM division',
  outfalls: 'SELECT count(*)::int AS n FROM outfall WHERE geom IS NOT NULL',
  river_reaches: 'SELECT count(*)::int AS n FROM river_reach',
  basins: 'SELECT count(*)::int AS n FROM basin',
  sections: 'SELECT count(*)::int AS n FROM section',
  air_stations: 'SELECT count(*)::int AS n FROM air_station',
  open_findings: `SELECT count(*)::int AS n FROM review_finding WHERE status IN ('open', 'field_check')`,
};
const NANSHAN = '440305';

describe.skipIf(!hasGdal)('GDAL reads the OGC API – Features service', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let national: TestUser;
  let nanshan: TestUser;
  let dir: string;
  let dataset: string;
  const count = async (sql: string, values: unknown[] = []) => (await db.pool.query<{ n: number }>(sql, values)).rows[0]!.n;

  beforeAll(async () => {
    db = await openTestDatabase('ogc_gdal');
    await loadFixture(db.pool);
    await runReview(db.pool, 'test');
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    national = await testUser(db.pool, 'viewer');
    nanshan = await testUser(db.pool, 'viewer', NANSHAN);
    dir = mkdtempSync(join(tmpdir(), 'yzt-ogc-gdal-'));
    dataset = `OAPIF:${server.url}/ogc`;
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists all nine collections through ogrinfo', async () => {
    // (async: the server runs in this process, a synchronous child would stall it)
    const out = await ogrList(dataset, national.token);
    for (const id of Object.keys(EXPECTED)) expect(out).toMatch(new RegExp(`: ${id}\\b`));
  });

  it.each(Object.keys(EXPECTED))('counts the same %s as the database', async (id) => {
    const expected = await count(EXPECTED[id]!);
    expect(expected).toBeGreaterThan(0);
    expect(await ogrFeatureCount(dataset, id, national.token)).toBe(expected);
  });

  it('reads every source through next links, each once, with field types from the schema', async () => {
    const dest = join(dir, 'sources.geojson');
    await ogr2ogr(dest, dataset, 'sources', national.token, ['-oo', 'PAGE_SIZE=700']);
    const fc = JSON.parse(readFileSync(dest, 'utf8')) as { features: { properties: Record<string, unknown> }[] };
    const ids = fc.features.map((f) => f.properties.census_id);
    expect(ids.length).toBe(await count(EXPECTED.sources!));
    expect(new Set(ids).size).toBe(ids.length);
    const edge = fc.features.find((f) => f.properties.census_id === 'EDGE')!;
    expect(edge.properties.name).toBe('边缘企业');
    expect(typeof edge.properties.cod).toBe('number');
  });

  it('reads a bbox as the database intersects it', async () => {
    const box = [113.9, 22.55, 114.05, 22.7];
    const expected = await count(
      `SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))`, box,
    );
    expect(expected).toBeGreaterThan(100);
    const dest = join(dir, 'bbox.geojson');
    await ogr2ogr(dest, dataset, 'sources', national.token, ['-spat', ...box.map(String), '-oo', 'PAGE_SIZE=10000']);
    expect((JSON.parse(readFileSync(dest, 'utf8')) as { features: unknown[] }).features.length).toBe(expected);
  });

  it('gives a district viewer only its district, through the same client', async () => {
    const expected = await count(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND division_code LIKE $1 || '%'`, [NANSHAN]);
    expect(await ogrFeatureCount(dataset, 'sources', nanshan.token)).toBe(expected);
    expect(expected).toBeLessThan(await count(EXPECTED.sources!));
    const dest = join(dir, 'nanshan.geojson');
    await ogr2ogr(dest, dataset, 'sources', nanshan.token, ['-oo', 'PAGE_SIZE=10000']);
    const fc = JSON.parse(readFileSync(dest, 'utf8')) as { features: { properties: { division_code: string } }[] };
    expect(fc.features.length).toBe(expected);
    expect(fc.features.every((f) => f.properties.division_code.startsWith(NANSHAN))).toBe(true);
    expect(await ogrFeatureCount(dataset, 'divisions', nanshan.token)).toBe(await count(`SELECT count(*)::int AS n FROM division WHERE code LIKE $1 || '%'`, [NANSHAN]));
  });

  it('applies the tile filters as query parameters', async () => {
    const expected = await count(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND source_type = 'industrial' AND cod >= 50`);
    const res = await fetch(`${server.url}/ogc/collections/sources/items?type=industrial&pollutant=cod&min=50&limit=1`, { headers: national.headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { numberMatched: number }).numberMatched).toBe(expected);
  });

  it('reads one feature by id, and not one outside the district', async () => {
    const { rows } = await db.pool.query<{ id: string; division_code: string }>(`SELECT id::text, division_code FROM source WHERE status = 'active' ORDER BY id LIMIT 40`);
    const inside = rows.find((r) => r.division_code.startsWith(NANSHAN))!;
    const outside = rows.find((r) => !r.division_code.startsWith(NANSHAN))!;
    const out = await ogrInfo(`${dataset}/collections/sources`, 'sources', nanshan.token, ['-fid', inside.id]);
    expect(out).toContain(`division_code (String) = ${inside.division_code}`);
    const res = await fetch(`${server.url}/ogc/collections/sources/items/${outside.id}`, { headers: nanshan.headers });
    expect(res.status).toBe(404);
  });
});
