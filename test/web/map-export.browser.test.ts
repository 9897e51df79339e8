import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ARTIFACTS, HAS_CHROMIUM, openPage, startDemoInBrowser, waitIdle, type DemoInBrowser } from './browser.ts';

vi.setConfig({ testTimeout: 240_000 });

interface Region { x0: number; y0: number; x1: number; y1: number }
interface Read {
  width: number;
  height: number;
  /** Distinct colours (quantised to 4 bits a channel) over the whole picture. */
  colours: number;
  /** Per region: share of near-white pixels (the sheet's boxes) and of the sheet's dark ink. */
  regions: { white: number; ink: number }[];
  /** Per colour: pixels within tolerance, inside `inside` and outside it. */
  hits: { inside: number; outside: number }[];
}

/** Decodes a PNG in the page and measures what the sheet should have drawn where. */
function readPng(page: Page, png: Buffer, regions: Region[], colours: [number, number, number][], inside: Region): Promise<Read> {
  return page.evaluate(async ({ b64, regions, colours, inside }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < d.length; i += 4) seen.add(((d[i]! >> 4) << 8) | ((d[i + 1]! >> 4) << 4) | (d[i + 2]! >> 4));
    const at = (x: number, y: number) => (y * c.width + x) * 4;
    const within = (r: { x0: number; y0: number; x1: number; y1: number }, x: number, y: number) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
    const out = regions.map((r) => {
      let white = 0; let ink = 0; let n = 0;
      for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) {
        const i = at(x, y); n++;
        if (d[i]! > 200 && d[i + 1]! > 200 && d[i + 2]! > 200) white++;
        // The sheet's ink: #102a43 (title, arrow, scale) and #334e68 (credits), antialiased.
        if (d[i + 2]! < 140 && d[i]! < 90 && d[i + 2]! > d[i]!) ink++;
      }
      return { white: white / n, ink: ink / n };
    });
    const hits = colours.map((rgb) => {
      let a = 0; let b = 0;
      for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
        const i = at(x, y);
        if (Math.abs(d[i]! - rgb[0]) + Math.abs(d[i + 1]! - rgb[1]) + Math.abs(d[i + 2]! - rgb[2]) <= 24) { if (within(inside, x, y)) a++; else b++; }
      }
      return { inside: a, outside: b };
    });
    return { width: c.width, height: c.height, colours: seen.size, regions: out, hits };
  }, { b64: png.toString('base64'), regions, colours, inside });
}

/** The opaque colours of a list of CSS colours (a translucent swatch blends on the picture). */
const opaque = (css: string[]): [number, number, number][] => css
  .map((c) => c.match(/[\d.]+/g)!.map(Number))
  .filter((m) => m.length === 3 || m[3] === 1)
  .map((m) => [m[0]!, m[1]!, m[2]!]);

/**
 * The main map and the battle map export PNGs at the asked size: the map itself (with deck.gl's
 * layers drawn over it), the title top left, the legend bottom left in the legend's colours,
 * the north arrow top right and the credits bottom right, read back pixel by pixel.
 */
describe.skipIf(!HAS_CHROMIUM)('PNG export of the main map and the battle map', () => {
  let demo: DemoInBrowser;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    demo = await startDemoInBrowser('map_export');
    ({ page, close } = await openPage(demo.browser));
    page.setDefaultTimeout(120_000);
  }, 600_000);
  afterAll(async () => {
    await close?.();
    await demo?.close();
  });

  async function exportAt(w: number, h: number, name: string): Promise<Buffer> {
    await page.fill('#png-w', String(w));
    await page.fill('#png-h', String(h));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#png button[type=submit]')]);
    await download.saveAs(`${ARTIFACTS}${name}`);
    return readFileSync(`${ARTIFACTS}${name}`);
  }

  /** The sheet's parts at 1200 × 900 (unit u = 2 px, map-export.ts drawSheet). */
  const W = 1200;
  const H = 900;
  const TITLE: Region = { x0: 20, y0: 20, x1: 200, y1: 72 };
  const NORTH: Region = { x0: W - 58, y0: 20, x1: W - 4, y1: 100 };
  const CREDIT: Region = { x0: W - 160, y0: H - 36, x1: W - 10, y1: H - 6 };
  // The legend's swatch column (x 16u..30u); its rows grow upwards from above the scale bar.
  const LEGEND: Region = { x0: 30, y0: 0, x1: 62, y1: H - 60 };

  async function expectSheet(png: Buffer, legend: [number, number, number][]) {
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([W, H]);
    const read = await readPng(page, png, [TITLE, NORTH, CREDIT], legend, LEGEND);
    expect([read.width, read.height]).toEqual([W, H]);
    expect(read.colours).toBeGreaterThan(40);
    for (const r of read.regions) {
      expect(r.white).toBeGreaterThan(0.3);
      expect(r.ink).toBeGreaterThan(0.01);
    }
    expect(legend.length).toBeGreaterThan(0);
    for (const h of read.hits) expect(h.inside).toBeGreaterThan(100);
    return read;
  }

  it('exports the main map with its title, legend, north arrow, credits and deck.gl layers', async () => {
    await page.goto(`${demo.server.url}/map`);
    await waitIdle(page, 120_000, false);
    const legend = opaque(await page.locator('#legend .legend-item > :first-child').evaluateAll(
      (els) => els.map((e) => getComputedStyle(e).backgroundColor)));
    const png = await exportAt(W, H, 'export-map.png');
    const read = await expectSheet(png, legend);
    // The sources (cells at the opening zoom, deck.gl's canvas) are drawn outside the legend too.
    expect(read.hits.some((h) => h.outside > 200)).toBe(true);
  });

  it('exports the battle map with its title, legend, north arrow, credits and sections', async () => {
    await page.goto(`${demo.server.url}/battle`);
    await page.waitForFunction(() => (window as any).__battle?.state.view?.sections.length > 0);
    await page.evaluate(() => (window as any).__battle.whenLoaded());
    await page.waitForFunction(() => (window as any).__battle.map.loaded());
    const legend = opaque(await page.locator('#legend span > i.dot').evaluateAll(
      (els) => els.map((e) => getComputedStyle(e).backgroundColor)));
    const png = await exportAt(W, H, 'export-battle.png');
    const read = await expectSheet(png, legend);
    expect(read.hits.some((h) => h.outside > 50)).toBe(true);
  });
});
