import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { AREA, BASIN_WEST_LON, EDGE_TILE, loadFixture, tileUnits, type FixtureSource } from './fixture.ts';
import { features, fetchTile } from './tile-client.ts';
import { eventually } from '../support/eventually.ts';

// One in-process server over a fixture schema, on whichever engine the suite runs against.
let db: TestDatabase;
let server: RunningServer;
let sources: FixtureSource[];
const url = (path: string) => `${server.url}${path}`;

beforeAll(async () => {
  db = await openTestDatabase('tiles_http');
  sources = await loadFixture(db.pool);
  process.env.YZT_TILE_POLL_MS = '100';
  const config = loadConfig({ PORT: '0', YZT_DEMO: 'off', DATABASE_URL: db.url, YZT_DB_SCHEMA: db.schema, LOG_LEVEL: 'silent', YZT_POOL_SIZE: '4', YZT_ANONYMOUS: 'viewer' });
  server = await startServer(config, createLogger('silent'));
});

afterAll(async () => {
  delete process.env.YZT_TILE_POLL_MS;
  await server?.close();
  await db?.close();
});

/** Sources a detail tile must hold: not deleted, inside the tile grown by the 64-unit buffer. */
function expectedInTile(t: { z: number; x: number; y: number }, keep: (s: FixtureSource) => boolean = () => true): FixtureSource[] {
  return sources.filter((s) => {
    if (s.status === 'deleted' || !keep(s)) return false;
    const [px, py] = tileUnits(s.lon, s.lat, t);
    return px >= -64 && px <= 4160 && py >= -64 && py <= 4160;
  });
}

/** Sources an aggregated tile counts: not deleted, inside the tile proper (no buffer). */
function countedInTile(t: { z: number; x: number; y: number }): FixtureSource[] {
  return sources.filter((s) => {
    if (s.status === 'deleted') return false;
    const [px, py] = tileUnits(s.lon, s.lat, t);
    return px >= 0 && px < 4096 && py >= 0 && py < 4096;
  });
}

describe('tile endpoints', () => {
  it('lists every layer in the catalog, each with a TileJSON 3.0 document', async () => {
    const catalog = (await (await fetch(url('/tiles/catalog.json'))).json()) as { layers: { id: string; tilejson: string }[] };
    const ids = catalog.layers.map((l) => l.id).sort();
    expect(ids).toEqual(['air_stations', 'basins', 'census_zones', 'divisions_city', 'divisions_county', 'divisions_province',
      'divisions_township', 'outfalls', 'river_reaches', 'sections', 'sources'].sort());
    const tj = (await (await fetch(url('/tiles/sources.json?type=industrial'))).json()) as Record<string, any>;
    expect(tj.tilejson).toBe('3.0.0');
    expect(tj.tiles[0]).toMatch(/\/tiles\/sources\/\{z\}\/\{x\}\/\{y\}\.mvt\?type=industrial$/);
    expect(tj.vector_layers.map((l: { id: string }) => l.id)).toEqual(['source_cells', 'sources']);
    expect(tj.vector_layers[1].fields).toMatchObject({ name: 'String', type: 'String', industry: 'String', status: 'String', cod: 'Number' });
    expect(tj.vector_layers[0].fields).toMatchObject({ count: 'Number', cod: 'Number', vocs: 'Number' });
    expect(Object.keys(tj.filters).sort()).toEqual(['agg', 'basin', 'division', 'industry', 'min', 'pollutant', 'review', 'status', 'type']);
    // Bounds come from the data: the fixture's sources lie in AREA.
    expect(tj.bounds[0]).toBeGreaterThanOrEqual(AREA.west);
    expect(tj.bounds[2]).toBeLessThanOrEqual(AREA.east + 0.01);
    const divisions = (await (await fetch(url('/tiles/divisions_county.json'))).json()) as Record<string, any>;
    expect(divisions.vector_layers[0]).toMatchObject({ id: 'divisions_county', fields: { code: 'String', name: 'String' } });
  });

  it.each([
    ['/tiles/nosuch/1/0/0.mvt', 404, /no tile layer "nosuch"/],
    ['/tiles/nosuch.json', 404, /no tile layer/],
    ['/tiles/sources/23/0/0.mvt', 400, /z=23 is outside/],
    ['/tiles/sources/2/4/0.mvt', 400, /x=4 is out of range/],
    ['/tiles/sources/2/0/4.mvt', 400, /y=4 is out of range/],
    ['/tiles/sources/1.5/0/0.mvt', 400, /z must be a non-negative integer/],
    ['/tiles/sources/3/-1/0.mvt', 400, /x must be a non-negative integer/],
    ['/tiles/sources/3/01/0.mvt', 400, /x must be a non-negative integer/],
    ['/tiles/sources/3/0/0.mvt?colour=red', 400, /unknown filter "colour"/],
    ['/tiles/basins/3/0/0.mvt?type=industrial', 400, /unknown filter "type" for layer basins/],
    ['/tiles/sources/3/0/0.mvt?type=factory', 400, /filter "type"/],
    ['/tiles/sources/3/0/0.mvt?pollutant=cod', 400, /"pollutant" and "min" go together/],
    ["/tiles/sources/3/0/0.mvt?division=44'%20OR%201=1--", 400, /filter "division": must be 2-9 digits/],
    ["/tiles/sources/3/0/0.mvt?basin=B1';DROP%20TABLE%20source;--", 400, /filter "basin"/],
    ['/tiles/sources/3/0/0.mvt?type=industrial&type=domestic', 400, /given once/],
    ['/tiles/sources/3/0.mvt', 404, /no tile route/],
  ])('answers %s with %i and a JSON reason', async (path, status, reason) => {
    const res = await fetchTile(url(path));
    expect(res.status).toBe(status);
    expect(res.json?.error).toMatch(reason);
  });

  it('serves the sources of a detail tile with popup attributes, at their tile coordinates', async () => {
    const res = await fetchTile(url(`/tiles/sources/${EDGE_TILE.z}/${EDGE_TILE.x}/${EDGE_TILE.y}.mvt`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.mapbox-vector-tile');
    expect(Object.keys(res.layers)).toEqual(['sources']);
    expect(res.layers.sources!.extent).toBe(4096);
    const got = features(res.layers.sources);
    const expected = expectedInTile(EDGE_TILE);
    expect(expected.length).toBeGreaterThan(3);
    expect(got.map((f) => f.id).sort((a, b) => a! - b!)).toEqual(expected.map((s) => s.id).sort((a, b) => a - b));
    for (const f of got) {
      const s = sources.find((x) => x.id === f.id)!;
      expect(f.type).toBe(1);
      expect(f.properties).toMatchObject({ name: s.name, type: s.source_type, industry: s.industry_code, status: s.status, cod: s.cod, nh3n: s.nh3n, so2: s.so2 });
      expect(f.properties).not.toHaveProperty('tn'); // null emissions are left out
      const [px, py] = tileUnits(s.lon, s.lat, EDGE_TILE);
      expect(Math.abs(f.geometry[0]![0]!.x - px)).toBeLessThanOrEqual(0.5 + 1e-6);
      expect(Math.abs(f.geometry[0]![0]!.y - py)).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('puts a source near a tile edge in its own tile and in the neighbour whose buffer it lies in', async () => {
    const edge = sources.find((s) => s.census_id === 'EDGE')!;
    const home = tileAt(edge.lon, edge.lat, EDGE_TILE.z);
    expect(home).toEqual({ z: EDGE_TILE.z, x: EDGE_TILE.x + 1, y: EDGE_TILE.y });
    const inHome = features((await fetchTile(url(`/tiles/sources/${home.z}/${home.x}/${home.y}.mvt`))).layers.sources);
    const inWest = features((await fetchTile(url(`/tiles/sources/${EDGE_TILE.z}/${EDGE_TILE.x}/${EDGE_TILE.y}.mvt`))).layers.sources);
    const a = inHome.find((f) => f.id === edge.id);
    const b = inWest.find((f) => f.id === edge.id);
    expect(a?.geometry[0]![0]!.x).toBe(10);
    expect(b?.geometry[0]![0]!.x).toBe(4096 + 10);
    expect(a?.geometry[0]![0]!.y).toBe(b?.geometry[0]![0]!.y);
    // Two tiles further west the buffer no longer reaches it.
    const far = features((await fetchTile(url(`/tiles/sources/${EDGE_TILE.z}/${EDGE_TILE.x - 1}/${EDGE_TILE.y}.mvt`))).layers.sources);
    expect(far.find((f) => f.id === edge.id)).toBeUndefined();
  });

  it.each(['grid', 'county', 'township', 'zone'])('aggregates low-zoom sources (agg=%s): counts and sums add up to the sources in the tile', async (agg) => {
    const t = tileAt(114.0, 22.65, 10);
    const res = await fetchTile(url(`/tiles/sources/${t.z}/${t.x}/${t.y}.mvt${agg === 'grid' ? '' : `?agg=${agg}`}`));
    expect(Object.keys(res.layers)).toEqual(['source_cells']);
    const cells = features(res.layers.source_cells);
    const counted = countedInTile(t);
    expect(counted.length).toBeGreaterThan(100);
    const sum = (k: string) => cells.reduce((acc, c) => acc + Number(c.properties[k] ?? 0), 0);
    expect(sum('count')).toBe(counted.length);
    expect(sum('cod')).toBeCloseTo(counted.reduce((a, s) => a + s.cod, 0), 6);
    expect(sum('so2')).toBeCloseTo(counted.reduce((a, s) => a + s.so2, 0), 6);
    for (const c of cells) {
      const p = c.geometry[0]![0]!;
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(4096);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(4096);
    }
    if (agg === 'county') {
      const byCode = Object.fromEntries(cells.map((c) => [c.properties.code, c.properties.count]));
      expect(byCode).toEqual({
        '440305': counted.filter((s) => s.division_code.startsWith('440305')).length,
        '440303': counted.filter((s) => s.division_code.startsWith('440303')).length,
      });
    }
    if (agg === 'grid') expect(cells.length).toBeGreaterThan(50);
  });

  it.each([
    ['type=industrial,domestic', (s: FixtureSource) => ['industrial', 'domestic'].includes(s.source_type)],
    ['industry=26', (s: FixtureSource) => s.industry_code.startsWith('26')],
    ['division=440305', (s: FixtureSource) => s.division_code.startsWith('440305')],
    ['basin=B1', (s: FixtureSource) => s.lon <= BASIN_WEST_LON],
    ['pollutant=cod&min=50', (s: FixtureSource) => s.cod >= 50],
  ])('a filter (%s) changes what comes back, in detail and aggregated tiles', async (query, keep) => {
    const detail = tileAt(114.0, 22.65, 13);
    const all = features((await fetchTile(url(`/tiles/sources/${detail.z}/${detail.x}/${detail.y}.mvt`))).layers.sources);
    const filtered = features((await fetchTile(url(`/tiles/sources/${detail.z}/${detail.x}/${detail.y}.mvt?${query}`))).layers.sources);
    const expected = expectedInTile(detail, keep);
    expect(filtered.length).toBeLessThan(all.length);
    expect(filtered.map((f) => f.id).sort((a, b) => a! - b!)).toEqual(expected.map((s) => s.id).sort((a, b) => a - b));
    const low = tileAt(113.99, 22.65, 9);
    const cells = features((await fetchTile(url(`/tiles/sources/${low.z}/${low.x}/${low.y}.mvt?${query}`))).layers.source_cells);
    const counted = countedInTile(low).filter(keep);
    expect(cells.reduce((a, c) => a + Number(c.properties.count), 0)).toBe(counted.length);
  });

  it('hides deleted sources unless the status filter asks for them', async () => {
    const t = tileAt(114.0, 22.65, 10);
    const cells = (q: string) => fetchTile(url(`/tiles/sources/${t.z}/${t.x}/${t.y}.mvt${q}`)).then((r) => features(r.layers.source_cells));
    const count = (cs: Awaited<ReturnType<typeof cells>>) => cs.reduce((a, c) => a + Number(c.properties.count), 0);
    const inTile = sources.filter((s) => {
      const [px, py] = tileUnits(s.lon, s.lat, t);
      return px >= 0 && px < 4096 && py >= 0 && py < 4096;
    });
    expect(count(await cells('?status=deleted'))).toBe(inTile.filter((s) => s.status === 'deleted').length);
    expect(count(await cells('?status=active,closed,deleted'))).toBe(inTile.length);
  });

  it.each(['divisions_county', 'divisions_township', 'census_zones', 'basins', 'river_reaches'])(
    '%s tiles hold valid geometries inside the extent plus buffer',
    async (layer) => {
      const t = tileAt(114.0, 22.65, 11);
      const res = await fetchTile(url(`/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`));
      const fs = features(res.layers[layer]);
      expect(fs.length).toBeGreaterThan(0);
      for (const f of fs) {
        expect(f.type).toBe(layer === 'river_reaches' ? 2 : 3);
        for (const ring of f.geometry) {
          expect(ring.length).toBeGreaterThanOrEqual(2);
          for (const p of ring) {
            expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
            expect(p.x).toBeGreaterThanOrEqual(-64);
            expect(p.x).toBeLessThanOrEqual(4160);
            expect(p.y).toBeGreaterThanOrEqual(-64);
            expect(p.y).toBeLessThanOrEqual(4160);
          }
        }
        if (f.type === 3) expect(ringArea(f.geometry[0]!)).toBeGreaterThan(0); // exterior ring clockwise on screen
      }
    },
  );

  it('answers 304 to a matching If-None-Match and sends the per-layer Cache-Control', async () => {
    const path = url(`/tiles/sources/${EDGE_TILE.z}/${EDGE_TILE.x}/${EDGE_TILE.y}.mvt`);
    const first = await fetchTile(path);
    const etag = first.headers.get('etag')!;
    // fetch asks for br/gzip, so the tile comes compressed under the weak form of its ETag.
    expect(etag).toMatch(/^(W\/)?"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    const again = await fetchTile(path, { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect((await fetchTile(path, { 'If-None-Match': '"other"' })).status).toBe(200);
    const basins = await fetchTile(url('/tiles/basins/8/209/111.mvt'));
    expect(basins.headers.get('cache-control')).toMatch(/max-age=60/);
  });

  it('serves several layers at one address as one composite tile, each layer as its own tile has it', async () => {
    const at = tileAt(114.0, 22.65, 11);
    const names = ['divisions_county', 'census_zones', 'divisions_township', 'outfalls', 'air_stations'];
    const path = url(`/tiles/${names.join(',')}/${at.z}/${at.x}/${at.y}.mvt`);
    const composite = await fetchTile(path);
    expect(composite.status).toBe(200);
    const nonEmpty: string[] = [];
    for (const name of names) {
      const single = await fetchTile(url(`/tiles/${name}/${at.z}/${at.x}/${at.y}.mvt`));
      if (single.layers[name]) nonEmpty.push(name);
      expect(features(composite.layers[name]), name).toEqual(features(single.layers[name]));
    }
    // In the order asked for; a layer with nothing here adds nothing (as its own tile is empty).
    expect(Object.keys(composite.layers)).toEqual(nonEmpty);
    expect(nonEmpty.length).toBeGreaterThanOrEqual(3);
    // Revalidated as one tile; kept by browsers only as long as its most short-lived part
    // (outfalls and air stations revalidate every time).
    expect(composite.headers.get('cache-control')).toBe('public, no-cache');
    expect((await fetchTile(path, { 'If-None-Match': composite.headers.get('etag')! })).status).toBe(304);
    const reference = await fetchTile(url(`/tiles/divisions_county,census_zones/${at.z}/${at.x}/${at.y}.mvt`));
    expect(reference.headers.get('cache-control')).toMatch(/max-age=60/);
    // Below census zones' minzoom (8) the composite holds the other layers only.
    const low = tileAt(113.95, 22.56, 6);
    const early = await fetchTile(url(`/tiles/divisions_county,census_zones/${low.z}/${low.x}/${low.y}.mvt`));
    expect(early.status).toBe(200);
    expect(Object.keys(early.layers)).toEqual(['divisions_county']);
  });

  it.each([
    ['/tiles/divisions_county,nosuch/12/0/0.mvt', 404, /no tile layer "nosuch" in the composite/],
    ['/tiles/outfalls,outfalls/12/0/0.mvt', 404, /two or more different layers/],
    ['/tiles/outfalls,basins/12/4096/0.mvt', 400, /x=4096 is out of range/],
    ['/tiles/outfalls,basins/12/0/0.mvt?type=industrial', 400, /unknown filter "type"/],
  ])('rejects the composite %s with %i', async (path, status, message) => {
    const res = await fetchTile(url(path));
    expect(res.status).toBe(status);
    expect(res.json?.error).toMatch(message);
  });

  it('says in Server-Timing how long the tile took to draw and the request took in the server', async () => {
    const timing = (h: Headers) => Object.fromEntries([...String(h.get('server-timing')).matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
    // A filter value of its own keeps this tile out of what other tests cached.
    const path = url(`/tiles/sources/${EDGE_TILE.z}/${EDGE_TILE.x}/${EDGE_TILE.y}.mvt?pollutant=cod&min=0.${Date.now()}`);
    const miss = await fetchTile(path);
    expect(miss.headers.get('x-tile-cache')).toBe('miss');
    const drawn = timing(miss.headers);
    expect(drawn.render).toBeGreaterThan(0);
    expect(drawn.total).toBeGreaterThanOrEqual(drawn.render!);
    const hit = await fetchTile(path);
    expect(hit.headers.get('x-tile-cache')).toBe('hit');
    expect(timing(hit.headers).render).toBe(0);
    expect(timing(hit.headers).total).toBeGreaterThanOrEqual(0);
  });

  it('after an edit, serves the changed tiles anew and keeps the untouched ones cached', async () => {
    const edited = sources.find((s) => s.status === 'active' && s.lon > 114.1 && s.lat > 22.7)!;
    const near = tileAt(edited.lon, edited.lat, 14);
    const low = tileAt(edited.lon, edited.lat, 8);
    const farSource = sources.find((s) => s.status === 'active' && s.lon < 113.85 && s.lat < 22.55)!;
    const far = tileAt(farSource.lon, farSource.lat, 14);
    const get = (t: { z: number; x: number; y: number }) => fetchTile(url(`/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`));
    await get(near);
    await get(low);
    await get(far);
    expect((await get(near)).headers.get('x-tile-cache')).toBe('hit');
    expect((await get(far)).headers.get('x-tile-cache')).toBe('hit');
    const before = features((await get(near)).layers.sources).find((f) => f.id === edited.id)!;
    const lowBefore = features((await get(low)).layers.source_cells).reduce((a, c) => a + Number(c.properties.cod), 0);

    await db.pool.query(`UPDATE source SET name = '改名企业', cod = cod + 1000 WHERE id = $1`, [edited.id]);
    const after = await eventually(async () => {
      const r = await get(near);
      const f = features(r.layers.sources).find((x) => x.id === edited.id);
      return f?.properties.name === '改名企业' ? r : undefined;
    });
    expect(features(after.layers.sources).find((f) => f.id === edited.id)!.properties.cod).toBeCloseTo(Number(before.properties.cod) + 1000, 6);
    const lowAfter = features((await get(low)).layers.source_cells).reduce((a, c) => a + Number(c.properties.cod), 0);
    expect(lowAfter).toBeCloseTo(lowBefore + 1000, 6);
    expect((await get(far)).headers.get('x-tile-cache')).toBe('hit');
  });
});

function ringArea(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += ring[j]!.x * ring[i]!.y - ring[i]!.x * ring[j]!.y;
  return sum;
}
