import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { AREA, loadFixture } from '../tiles/fixture.ts';

const run = promisify(execFile);
const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen' };
const hasQgis = spawnSync('/usr/bin/python3', ['-c', 'import qgis.core'], { env }).status === 0;
if (!hasQgis) console.warn('ogc-qgis: skipped; QGIS python bindings not found (install Debian python3-qgis qgis-providers)');
const SCRIPT = fileURLToPath(new URL('./qgis-load.py', import.meta.url));
const NANSHAN = '440305';

/** Web Mercator metres of a longitude/latitude. */
function mercator(lon: number, lat: number): [number, number] {
  return [(lon * Math.PI * 6378137) / 180, Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * 6378137];
}

describe.skipIf(!hasQgis)('QGIS loads the OGC API collections and the vector tiles', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let nanshan: TestUser;

  beforeAll(async () => {
    db = await openTestDatabase('ogc_qgis');
    await loadFixture(db.pool, 800);
    server = await startTestServer(db, { YZT_ANONYMOUS: 'off' });
    nanshan = await testUser(db.pool, 'viewer', NANSHAN);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('reads a district viewer\'s sources with its token (provider OAPIF) draws the sources tiles and takes the published style', async () => {
    const [x0, y0] = mercator(AREA.west, AREA.south);
    const [x1, y1] = mercator(AREA.east, AREA.north);
    const args = {
      ogc: `${server.url}/ogc`, token: nanshan.token, collection: 'sources',
      tiles: `${server.url}/tiles/sources/{z}/{x}/{y}.mvt`, extent3857: [x0, y0, x1, y1],
      style: `${server.url}/tiles/style.json`, styledTiles: `${server.url}/tiles/divisions_county/{z}/{x}/{y}.mvt`,
    };
    const { stdout } = await run('/usr/bin/python3', [SCRIPT, JSON.stringify(args)], { env, timeout: 120_000, maxBuffer: 16 << 20 });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    const expected = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM source WHERE status <> 'deleted' AND division_code LIKE $1 || '%'`, [NANSHAN])).rows[0]!.n;
    if (seen.styleLoaded !== true) console.warn('QGIS style:', seen.styleMessage);
    expect(seen).toMatchObject({ oapifValid: true, iterated: expected, tilesValid: true, styleLoaded: true });
    expect(seen.fields).toEqual(expect.arrayContaining(['census_id', 'name', 'cod', 'division_code']));
    expect(String(seen.sampleName)).toMatch(/^企业\d+号$/);
    expect(seen.tilesValid).toBe(true);
    expect(seen.paintedPixels).toBeGreaterThan(0);
    // QGIS converts the published MapLibre style (/tiles/style.json) onto a layer's tiles.
    expect(seen.styleLoaded).toBe(true);
    expect(seen.styleRules).toBeGreaterThan(0);
  }, 150_000);
});
