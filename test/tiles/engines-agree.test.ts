import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool } from '../../geodata/db/database.ts';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../geodata/db/embedded-engine.ts';
import { migrate } from '../../geodata/db/migrate.ts';
import { createTileService, type TileService } from '../../tiles/tile-service.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadFixture, SAMPLE_TILES as TILES } from './fixture.ts';
import { decodeTile, features, type DecodedFeature } from './tile-client.ts';

// The same tiles, encoded by ST_AsMVT on the real PostGIS and by the Node encoder on the embedded
// engine (and by the Node encoder on the real one), must decode to the same features and attributes.
const onPostgres = inject('engine') === 'postgres';
if (!onPostgres) {
  console.info('engines-agree: skipped; needs the suite on a real PostGIS (DATABASE_URL), where it also starts an embedded engine');
}


describe.skipIf(!onPostgres)('ST_AsMVT and the Node encoder agree', () => {
  let real: TestDatabase;
  let engine: EmbeddedEngine;
  let dir: string;
  let mvt: TileService;
  let nodeOnReal: TileService;
  let nodeOnEmbedded: TileService;
  let embeddedPool: ReturnType<typeof createPool>;

  beforeAll(async () => {
    real = await openTestDatabase('tiles_agree');
    await loadFixture(real.pool);
    dir = mkdtempSync(join(tmpdir(), 'yzt-tiles-agree-'));
    engine = await startEmbeddedEngine({ dataDir: dir });
    embeddedPool = createPool(engine.url, 'agree', 2);
    await embeddedPool.query('CREATE SCHEMA IF NOT EXISTS agree');
    await migrate(embeddedPool);
    await loadFixture(embeddedPool);
    mvt = await createTileService({ pool: real.pool, schema: real.schema, databaseUrl: real.url, options: { cacheBytes: 0 } });
    nodeOnReal = await createTileService({ pool: real.pool, schema: real.schema, options: { cacheBytes: 0, encoder: 'node' } });
    nodeOnEmbedded = await createTileService({ pool: embeddedPool, schema: 'agree', options: { cacheBytes: 0 } });
  });

  afterAll(async () => {
    await mvt?.close();
    await nodeOnReal?.close();
    await nodeOnEmbedded?.close();
    await embeddedPool?.end();
    await engine?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await real?.close();
  });

  it('uses ST_AsMVT on the real engine and the Node encoder on the embedded one', () => {
    expect(mvt.encoder).toBe('st_asmvt');
    expect(nodeOnEmbedded.encoder).toBe('node');
  });

  it.each(TILES)('%s %o %o decodes the same from both engines', async (layer, t, query) => {
    const get = async (svc: TileService) => {
      const r = await svc.tile({ layer, z: String(t.z), x: String(t.x), y: String(t.y), query });
      return decodeTile(r.bytes);
    };
    const a = await get(mvt);
    const b = await get(nodeOnEmbedded);
    const c = await get(nodeOnReal);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a)).toEqual(Object.keys(c));
    expect(Object.keys(a).length).toBe(1);
    const name = Object.keys(a)[0]!;
    const fa = normalise(features(a[name]));
    expect(fa.length).toBeGreaterThan(0);
    for (const other of [normalise(features(b[name])), normalise(features(c[name]))]) {
      expect(other.map((f) => f.key)).toEqual(fa.map((f) => f.key));
      other.forEach((f, i) => {
        const g = fa[i]!;
        expect(f.type).toBe(g.type);
        expect(Object.keys(f.properties).sort()).toEqual(Object.keys(g.properties).sort());
        for (const [k, v] of Object.entries(g.properties)) {
          if (typeof v === 'number') expect(f.properties[k] as number).toBeCloseTo(v, 6);
          else expect(f.properties[k]).toBe(v);
        }
        // Points are placed by the same SQL on both paths: identical; clipped lines and
        // polygons may differ by a grid unit where ST_AsMVTGeom and the SQL chain round apart.
        if (f.type === 1) expect(f.geometry).toEqual(g.geometry);
        else expect(Math.abs(bboxOf(f.geometry).reduce((s, v, j) => s + Math.abs(v - bboxOf(g.geometry)[j]!), 0))).toBeLessThanOrEqual(4);
      });
    }
  });
});

function normalise(fs: DecodedFeature[]) {
  return fs
    .map((f) => ({ ...f, key: `${f.id ?? ''}|${f.properties.code ?? ''}|${f.properties.name ?? ''}` }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

function bboxOf(rings: { x: number; y: number }[][]): number[] {
  const xs = rings.flat().map((p) => p.x);
  const ys = rings.flat().map((p) => p.y);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
