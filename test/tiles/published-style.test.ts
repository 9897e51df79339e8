import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { baseStyle } from '../../web/src/basemap-style.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture } from './fixture.ts';

describe('the published MapLibre style (/tiles/style.json)', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDatabase('tiles_style');
    await loadFixture(db.pool, 200);
    server = await startTestServer(db);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('passes MapLibre\'s style validation', async () => {
    const res = await fetch(`${server.url}/tiles/style.json`);
    expect(res.status).toBe(200);
    const style = await res.json();
    expect(validateStyleMin(style)).toEqual([]);
  });

  it('is the web client\'s base style with absolute tile URLs that answer', async () => {
    const style = (await (await fetch(`${server.url}/tiles/style.json`)).json()) as { sources: Record<string, { tiles?: string[] }>; layers: { id: string; type: string }[] };
    const web = baseStyle(server.url, null);
    expect(style.layers.map((l) => l.id)).toEqual(web.layers.filter((l) => l.type !== 'symbol').map((l) => l.id));
    expect(Object.keys(style.sources).sort()).toEqual(Object.keys(web.sources).sort());
    for (const source of Object.values(style.sources)) {
      expect(source.tiles?.[0]).toMatch(new RegExp(`^${server.url}/tiles/\\w+/\\{z\\}/\\{x\\}/\\{y\\}\\.mvt$`));
    }
    const tile = await fetch(style.sources.counties!.tiles![0]!.replace('{z}/{x}/{y}', '9/418/222'));
    expect(tile.status).toBe(200);
    expect((await tile.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
