import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../support/child-server.ts';

// These start the product as `npm start` does, on its own embedded engine and data folder.
describe('start-up on the embedded engine', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'yzt-start-'));
  const servers: ChildServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the demo region into an empty data folder and reports it in /api/health', async () => {
    const first = startChildServer({ YZT_DATA_DIR: dataDir, YZT_DEMO: 'on', YZT_DEMO_SOURCES: '2000' });
    servers.push(first);
    const url = await first.ready;
    const health = await (await fetch(`${url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', engine: 'embedded', dataLocation: dataDir });
    expect(health.postgisVersion).toMatch(/^3\.\d+/);
    expect(health.rowCounts.source).toBe(2000);
    for (const table of ['division', 'census_zone', 'basin', 'river_reach', 'outfall', 'section', 'section_reading', 'air_station', 'air_reading']) {
      expect(health.rowCounts[table], table).toBeGreaterThan(0);
    }
    expect(first.output()).toMatch(/database ready: embedded PGlite .*PostGIS 3\.\d+.*data in /);
    // The demo's river network is indexed and linked at start-up: sections have upstream loads.
    const loads = await (await fetch(`${url}/api/sections/loads`)).json();
    expect(loads.sections.length).toBe(health.rowCounts.section);
    expect(loads.sections.some((s: { sources: number; plain: { cod: number } }) => s.sources > 0 && s.plain.cod > 0)).toBe(true);
  }, 180_000);

  it('refuses a second server on the same data folder with a clear error and leaves the first intact', async () => {
    const second = startChildServer({ YZT_DATA_DIR: dataDir });
    servers.push(second);
    expect(await second.exited).toBe(3);
    expect(second.output()).toMatch(/data folder .* is in use by process \d+/);
    const url = await servers[0]!.ready;
    const health = await (await fetch(`${url}/api/health`)).json();
    expect(health.rowCounts.source).toBe(2000);
  }, 60_000);

  it('reopens the same folder after a clean stop, keeping the data and not loading the demo twice', async () => {
    expect(await servers[0]!.stop()).toBe(0);
    const again = startChildServer({ YZT_DATA_DIR: dataDir, YZT_DEMO: 'on', YZT_DEMO_SOURCES: '2000' });
    servers.push(again);
    const url = await again.ready;
    const health = await (await fetch(`${url}/api/health`)).json();
    expect(health.rowCounts.source).toBe(2000);
    expect(again.output()).not.toMatch(/loading the demo region/);
  }, 120_000);
});

describe('configuration', () => {
  it('rejects a bad variable at start with a message naming it', async () => {
    const bad = startChildServer({ PORT: 'eighty', YZT_DATA_DIR: join(tmpdir(), 'never-used') });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/PORT: .*"eighty"/);
  });
});
