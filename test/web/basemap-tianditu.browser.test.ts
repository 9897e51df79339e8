import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, crc32 } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { spawnSync } from 'node:child_process';
import { ARTIFACTS, colourShareOf, HAS_CHROMIUM, launchBrowser, openPage } from './browser.ts';

vi.setConfig({ testTimeout: 180_000 });

/** A one-colour PNG of `size` pixels square (RGBA), written here so the test needs no image files. */
function solidPng(size: number, rgba: [number, number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 4, Buffer.from(rgba))]);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const KEY = 'abcdef0123456789abcdef0123456789';
const REVIEW_NO = 'GS(2026)0001号';
const BASE_COLOUR: [number, number, number] = [250, 0, 200];

/**
 * The Tianditu base-map setting end to end: the server's YZT_TIANDITU_* variables reach every
 * map (main, review, battle) through GET /api/basemap, their styles point at the configured tile
 * template, the tiles are fetched with the key and the site's origin as Referer (what a Tianditu
 * browser key checks), drawn under the product's lines, and the 审图号 is in each map's
 * attribution. The "Tianditu" here is a tile server of this test on 127.0.0.1.
 */
describe.skipIf(!HAS_CHROMIUM)('a configured Tianditu base map in a browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let plain: RunningServer;
  let tileServer: Server;
  let tileBase: string;
  let browser: Browser;
  const tileRequests: { path: string; tk: string | null; referer: string | undefined }[] = [];

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('web client build failed');
    const base = solidPng(256, [...BASE_COLOUR, 255]);
    const note = solidPng(256, [0, 0, 0, 0]);
    tileServer = createServer((req, res) => {
      const u = new URL(req.url!, 'http://x');
      tileRequests.push({ path: u.pathname, tk: u.searchParams.get('tk'), referer: req.headers.referer });
      res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(u.pathname.startsWith('/cva/') ? note : base);
    });
    await new Promise<void>((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
    tileBase = `http://127.0.0.1:${(tileServer.address() as AddressInfo).port}`;
    db = await openTestDatabase('basemap_tianditu');
    server = await startTestServer(db, {
      YZT_TIANDITU_KEY: KEY,
      YZT_TIANDITU_URL: `${tileBase}/{layer}/{z}/{x}/{y}.png?tk={tk}`,
      YZT_MAP_REVIEW_NO: REVIEW_NO,
    });
    plain = await startTestServer(db);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await plain?.close();
    await db?.close();
    await new Promise((resolve) => tileServer?.close(resolve));
  });

  it('publishes the setting and a referrer policy Tianditu keys accept only when a key is configured', async () => {
    const on = await fetch(`${server.url}/api/basemap`);
    expect(await on.json()).toEqual({ tianditu: { key: KEY, layer: 'vector', urlTemplate: `${tileBase}/{layer}/{z}/{x}/{y}.png?tk={tk}` }, reviewNo: REVIEW_NO });
    const page = await fetch(`${server.url}/map`);
    expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(page.headers.get('content-security-policy')).toContain(tileBase);
    const off = await fetch(`${plain.url}/api/basemap`);
    expect(await off.json()).toEqual({ tianditu: null, reviewNo: null });
    expect((await fetch(`${plain.url}/map`)).headers.get('referrer-policy')).toBe('no-referrer');
  });

  const screens = [
    { path: '/map', handle: '__yzt' },
    { path: '/review', handle: '__review' },
    { path: '/battle', handle: '__battle' },
  ] as const;

  for (const { path, handle } of screens) {
    it(`draws the configured tiles under the ${path} map, with the key, the site as Referer and the 审图号 credited`, async () => {
      const { page, offMachine, close } = await openPage(browser);
      try {
        page.setDefaultTimeout(120_000);
        const before = tileRequests.length;
        await page.goto(`${server.url}${path}`);
        await page.waitForFunction((h) => (window as any)[h]?.map !== undefined, handle);
        const style = await page.evaluate((h) => {
          const s = (window as any)[h].map.getStyle();
          return { base: s.sources['tianditu-base']?.tiles, note: s.sources['tianditu-note']?.tiles, layers: s.layers.map((l: { id: string }) => l.id) };
        }, handle);
        expect(style.base).toEqual([`${tileBase}/vec/{z}/{x}/{y}.png?tk=${KEY}`]);
        expect(style.note).toEqual([`${tileBase}/cva/{z}/{x}/{y}.png?tk=${KEY}`]);
        expect(style.layers.slice(0, 3)).toEqual(['background', 'tianditu-base', 'tianditu-note']);
        await waitFor(() => tileRequests.slice(before).some((r) => r.path.startsWith('/vec/')) && tileRequests.slice(before).some((r) => r.path.startsWith('/cva/')));
        await page.waitForFunction((h) => (window as any)[h].map.areTilesLoaded() && (window as any)[h].map.loaded(), handle);
        const mine = tileRequests.slice(before);
        expect(mine.every((r) => r.tk === KEY)).toBe(true);
        // strict-origin-when-cross-origin: the origin only, never the page's path or query.
        expect(new Set(mine.map((r) => r.referer))).toEqual(new Set([`${server.url}/`]));
        const credit = await page.locator('.maplibregl-ctrl-attrib').innerText();
        expect(credit).toContain('天地图');
        expect(credit).toContain(`审图号 ${REVIEW_NO}`);
        const shot = await page.locator('.maplibregl-canvas').first().screenshot({ path: `${ARTIFACTS}tianditu${path.replace('/', '-')}.png` });
        expect(await colourShareOf(page, shot, BASE_COLOUR, 40)).toBeGreaterThan(0.3);
        expect(offMachine).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('names no Tianditu and no 审图号 on a map when none is configured', async () => {
    const { page, offMachine, close } = await openPage(browser);
    try {
      await page.goto(`${plain.url}/map`);
      await page.waitForFunction(() => (window as any).__yzt?.map !== undefined);
      const style = await page.evaluate(() => JSON.stringify((window as any).__yzt.map.getStyle()));
      expect(style).not.toMatch(/tianditu|天地图/i);
      expect(await page.locator('.maplibregl-ctrl-attrib').innerText()).not.toContain('审图号');
      expect(offMachine).toEqual([]);
    } finally {
      await close();
    }
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for the tile requests');
    await new Promise((r) => setTimeout(r, 100));
  }
}
