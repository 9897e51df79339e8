import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileAt } from '../../tiles/tile-address.ts';
import { createTileService, type TileService } from '../../tiles/tile-service.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { EDGE_TILE, loadFixture } from './fixture.ts';
import { decodeTile } from './tile-client.ts';

// An independent reader: GDAL's MVT driver must open our tiles and count the same features.
const hasOgrinfo = spawnSync('ogrinfo', ['--version']).status === 0;
if (!hasOgrinfo) console.warn('gdal-reader: skipped; ogrinfo not found (install Debian gdal-bin)');

describe.skipIf(!hasOgrinfo)('GDAL reads the tiles', () => {
  let db: TestDatabase;
  let tiles: TileService;
  let dir: string;
  beforeAll(async () => {
    db = await openTestDatabase('tiles_gdal');
    await loadFixture(db.pool);
    tiles = await createTileService({ pool: db.pool, schema: db.schema, databaseUrl: db.engine === 'postgres' ? db.url : undefined, options: { cacheBytes: 0 } });
    dir = mkdtempSync(join(tmpdir(), 'yzt-tiles-gdal-'));
  });
  afterAll(async () => {
    await tiles?.close();
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['sources', EDGE_TILE],
    ['sources', tileAt(114.0, 22.65, 10)],
    ['divisions_township', tileAt(114.0, 22.65, 10)],
    ['river_reaches', tileAt(113.95, 22.56, 11)],
  ])('ogrinfo opens a saved %s tile %o and reports the same feature count', async (layer, t) => {
    const r = await tiles.tile({ layer, z: String(t.z), x: String(t.x), y: String(t.y), query: {} });
    const decoded = decodeTile(r.bytes);
    const [name, vl] = Object.entries(decoded)[0]!;
    expect(vl.length).toBeGreaterThan(0);
    // GDAL georeferences a tile from a z/x/y.pbf path.
    const path = join(dir, layer, String(t.z), String(t.x));
    mkdirSync(path, { recursive: true });
    const file = join(path, `${t.y}.pbf`);
    writeFileSync(file, r.bytes);
    const out = execFileSync('ogrinfo', ['-ro', '-so', '-al', file], { encoding: 'utf8' });
    expect(out).toContain(`Layer name: ${name}`);
    expect(out).toContain(`Feature Count: ${vl.length}`);
  });
});
