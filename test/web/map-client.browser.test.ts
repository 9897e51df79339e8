import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { ARTIFACTS, colourShareOf, HAS_CHROMIUM, openPage, startDemoInBrowser, waitIdle, type DemoInBrowser } from './browser.ts';

const CELL_COLOR: [number, number, number] = [199, 54, 89];

if (!HAS_CHROMIUM) console.warn('browser tests skipped: /usr/bin/chromium is absent (apt-get install chromium fonts-noto-cjk)');

describe.skipIf(!HAS_CHROMIUM)('the map client in a browser, on the demo region', () => {
  let demo: DemoInBrowser;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let offMachine: string[];
  let closePage: () => Promise<void>;

  const shot = async (name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png` });
  const mapShot = async () => page.locator('#map').screenshot();
  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/explore${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as any;
  };
  const viewBbox = () => page.evaluate(() => {
    const b = (window as any).__yzt.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v: number) => v.toFixed(6)).join(',');
  });
  const statsTotal = async () => Number(await page.locator('[data-testid=stats-total]').getAttribute('data-count'));

  beforeAll(async () => {
    demo = await startDemoInBrowser('web_browser');
    ({ server, browser } = demo);
    ({ page, errors, offMachine, close: closePage } = await openPage(browser));
  }, 600_000);

  afterAll(async () => {
    await closePage?.();
    await demo?.close();
  });

  it('reaches idle with no console errors and no request leaving the machine', async () => {
    await page.goto(`${server.url}/`);
    await waitIdle(page);
    await shot('01-start-zh');
    expect(errors).toEqual([]);
    expect(offMachine).toEqual([]);
    expect(await page.title()).toContain('一张图');
    expect(await statsTotal()).toBeGreaterThan(0);
    expect(await colourShareOf(page, await mapShot(), CELL_COLOR)).toBeGreaterThan(0.001);
  });

  it('toggles every layer: its pixels disappear when off and come back when on', async () => {
    const ids = ['sources', 'census_zones', 'divisions', 'outfalls', 'river_reaches', 'basins', 'sections', 'air_stations'];
    for (const id of ids) {
      const box = page.locator(`input[data-layer=${id}]`);
      const before = await mapShot();
      await box.click();
      await waitIdle(page);
      const toggled = await mapShot();
      await box.click();
      await waitIdle(page);
      const back = await mapShot();
      expect(toggled.equals(before), `layer ${id} changed no pixel`).toBe(false);
      expect(back.equals(toggled), `layer ${id} did not come back`).toBe(false);
    }
    const withSources = await colourShareOf(page, await mapShot(), CELL_COLOR);
    await page.locator('input[data-layer=sources]').click();
    await waitIdle(page);
    expect(await colourShareOf(page, await mapShot(), CELL_COLOR)).toBeLessThan(withSources / 5);
    await page.locator('input[data-layer=sources]').click();
    await waitIdle(page);
    expect(errors).toEqual([]);
  });

  it('a type filter changes the chart numbers and the drawn points, matching the statistics API', async () => {
    const before = await statsTotal();
    const pixelsBefore = await colourShareOf(page, await mapShot(), CELL_COLOR);
    await page.locator('input[data-type=agricultural]').click();
    await waitIdle(page);
    await shot('02-filter-agricultural');
    const after = await statsTotal();
    const expected = await api(`/stats?type=agricultural&bbox=${await viewBbox()}`);
    expect(after).toBe(expected.count);
    expect(after).toBeLessThan(before);
    const typeRows = await page.locator('table[data-table=byType] tr').count();
    expect(typeRows).toBe(1);
    expect(await colourShareOf(page, await mapShot(), CELL_COLOR)).toBeLessThan(pixelsBefore);
    expect(page.url()).toContain('type=agricultural');
    await page.locator('button[data-action=clear-filters]').click();
    await waitIdle(page);
    expect(await statsTotal()).toBe(before);
  });

  it('clicking a bar row narrows the filter to it', async () => {
    const row = page.locator('table[data-table=byType] tr.clickable').first();
    const code = await row.getAttribute('data-code');
    await row.click();
    await waitIdle(page);
    expect(page.url()).toContain(`type=${code}`);
    expect(await page.locator('table[data-table=byType] tr').count()).toBe(1);
    await page.locator('button[data-action=clear-filters]').click();
    await waitIdle(page);
  });

  it('clicking a bar of the chart (ECharts, loaded after the first idle) narrows the filter to it', async () => {
    const code = await page.locator('table[data-table=byType] tr.clickable').first().getAttribute('data-code');
    // The table's first row is the chart's top bar (the chart lists the rows bottom-up).
    const target = await page.evaluate(() => {
      const chart = (window as any).__yzt.chart('byType');
      const opt = chart.getOption();
      const i = opt.yAxis[0].data.length - 1;
      const value = opt.series[0].data[i].value;
      const [x0, y] = chart.convertToPixel({ seriesIndex: 0 }, [0, i]);
      const [x1] = chart.convertToPixel({ seriesIndex: 0 }, [value, i]);
      const r = chart.getDom().getBoundingClientRect();
      return { x: r.left + (x0 + x1) / 2, y: r.top + y };
    });
    await page.mouse.click(target.x, target.y);
    await waitIdle(page);
    expect(page.url()).toContain(`type=${code}`);
    expect(await page.locator('table[data-table=byType] tr').count()).toBe(1);
    await page.locator('button[data-action=clear-filters]').click();
    await waitIdle(page);
  });

  it('search flies to a known source and opens its panel', async () => {
    const { rows } = await server.db.pool.query<{ census_id: string; name: string; lng: number; lat: number }>(
      `SELECT census_id, name, ST_X(geom) AS lng, ST_Y(geom) AS lat FROM source WHERE geom IS NOT NULL AND status <> 'deleted' ORDER BY id LIMIT 1`);
    const known = rows[0]!;
    await page.locator('#search-input').fill(known.census_id);
    await page.locator(`#search-results li[data-id="${known.census_id}"]`).click();
    await page.waitForFunction(() => !(window as any).__yzt.map.isMoving());
    await waitIdle(page);
    await shot('03-search-source');
    const view = await page.evaluate(() => { const m = (window as any).__yzt.map; return { ...m.getCenter(), zoom: m.getZoom() }; });
    expect(view.lng).toBeCloseTo(known.lng, 3);
    expect(view.lat).toBeCloseTo(known.lat, 3);
    expect(view.zoom).toBeGreaterThanOrEqual(15);
    const panel = page.locator('#detail-panel');
    expect(await panel.getAttribute('data-id')).toBe(known.census_id);
    expect(await panel.locator('dd[data-attr=name]').textContent()).toBe(known.name);
    expect(await panel.locator('dt').first().textContent()).toMatch(/[\u4e00-\u9fff]/);
  });

  it('a shared URL restores the same view, layers and filters', async () => {
    await page.locator('input[data-layer=basins]').click();
    await page.locator('input[data-type=industrial]').click();
    await page.evaluate(() => (window as any).__yzt.map.jumpTo({ center: [113.3, 22.7], zoom: 10.5 }));
    await waitIdle(page);
    const url = page.url();
    const state = async (p: Page) => p.evaluate(() => {
      const y = (window as any).__yzt;
      const c = y.map.getCenter();
      return { lng: c.lng.toFixed(4), lat: c.lat.toFixed(4), zoom: y.map.getZoom().toFixed(2), layers: y.state.layers, filters: y.state.filters };
    });
    const original = await state(page);
    const other = await openPage(browser);
    await other.page.goto(url);
    await waitIdle(other.page);
    await other.page.screenshot({ path: `${ARTIFACTS}04-shared-url.png` });
    expect(await state(other.page)).toEqual(original);
    expect(Number(await other.page.locator('[data-testid=stats-total]').getAttribute('data-count'))).toBe(await statsTotal());
    expect(other.errors).toEqual([]);
    await other.close();
    await page.locator('input[data-layer=basins]').click();
    await page.locator('button[data-action=clear-filters]').click();
    await waitIdle(page);
  });

  it('switches the interface to English and back', async () => {
    await page.locator('#lang-switch').click();
    await waitIdle(page);
    await shot('05-english');
    expect(await page.locator('#app-title').textContent()).toContain('Pollution source census');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(page.url()).toContain('lang=en');
    expect(await page.locator('#layer-panel').textContent()).toContain('Sources');
    await page.locator('#lang-switch').click();
    expect(await page.locator('#app-title').textContent()).toContain('污染源普查');
  });

  it('a drawn polygon returns the same count as the API for that polygon', async () => {
    await page.evaluate(() => (window as any).__yzt.map.jumpTo({ center: [113.4, 22.65], zoom: 9 }));
    await waitIdle(page);
    await page.locator('button[data-action=draw-polygon]').click();
    const box = (await page.locator('#map').boundingBox())!;
    const pts: [number, number][] = [[0.3, 0.3], [0.7, 0.25], [0.75, 0.7], [0.35, 0.75]].map(([x, y]) => [Math.round(box.width * x!), Math.round(box.height * y!)]);
    for (const [x, y] of pts) await page.mouse.click(box.x + x, box.y + y);
    await page.mouse.dblclick(box.x + pts[3]![0], box.y + pts[3]![1]);
    await page.locator('[data-testid=area-total]').waitFor();
    await waitIdle(page);
    await shot('06-polygon-query');
    const ring = await page.evaluate((pts) => pts.map(([x, y]) => { const p = (window as any).__yzt.map.unproject([x, y]); return [p.lng, p.lat]; }), pts);
    ring.push(ring[0]!);
    const expected = await api('/query', { area: { kind: 'polygon', geometry: { type: 'Polygon', coordinates: [ring] } }, filter: {}, limit: 0 });
    const shown = Number(await page.locator('[data-testid=area-total]').getAttribute('data-count'));
    expect(shown).toBe(expected.statistics.count);
    expect(shown).toBeGreaterThan(0);
    expect(await page.locator('table[data-table=area-sources] tr').count()).toBe(Math.min(100, shown));
    // The panel's area (turf, on the sphere) against PostGIS on the WGS-84 ellipsoid: within 0.5 %.
    const km2 = Number(await page.locator('[data-testid=area-total]').getAttribute('data-area-km2'));
    const { rows: [postgis] } = await server.db.pool.query<{ km2: number }>(
      `SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography) / 1e6 AS km2`, [JSON.stringify({ type: 'Polygon', coordinates: [ring] })]);
    expect(Math.abs(km2 / postgis!.km2 - 1)).toBeLessThan(0.005);
    expect(await page.locator('[data-testid=area-total]').textContent()).toContain('km²');
    const download = page.waitForEvent('download');
    await page.locator('button[data-action=export-csv]').click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8').trim().split('\r\n')).toHaveLength(shown + 1);
    // The same selection as a GeoPackage, from the export menu's other formats, read back by GDAL.
    const gpkgDownload = page.waitForEvent('download');
    await page.locator('button[data-action=export-gpkg]').click();
    const gpkg = await gpkgDownload;
    expect(gpkg.suggestedFilename()).toMatch(/\.gpkg$/);
    const info = execFileSync('ogrinfo', ['-so', '-al', (await gpkg.path())!], { encoding: 'utf8' });
    expect(info).toContain(`Feature Count: ${shown}`);
    const shpDownload = page.waitForEvent('download');
    await page.locator('button[data-action=export-shp-gbk]').click();
    expect((await shpDownload).suggestedFilename()).toMatch(/-gbk\.shp\.zip$/);
    await page.locator('button[data-action=clear-draw]').click();
  });

  it('measures a distance between two clicks', async () => {
    await page.locator('button[data-action=measure]').click();
    const box = (await page.locator('#map').boundingBox())!;
    const a: [number, number] = [200, 300];
    const b: [number, number] = [500, 300];
    await page.mouse.click(box.x + a[0], box.y + a[1]);
    await page.mouse.dblclick(box.x + b[0], box.y + b[1]);
    const metres = Number(await page.locator('[data-testid=measure]').getAttribute('data-metres'));
    const expected = await page.evaluate(([a, b]) => {
      const m = (window as any).__yzt.map;
      return m.unproject(a).distanceTo(m.unproject(b));
    }, [a, b]);
    expect(metres).toBeGreaterThan(0);
    expect(Math.abs(metres - expected) / expected).toBeLessThan(0.005);
    expect(errors).toEqual([]);
  });
});
