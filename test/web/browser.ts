import { spawnSync } from 'node:child_process';
import { pino } from 'pino';
import { inject } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; browser tests skip with a message when it is absent. */
export const CHROMIUM = process.env.YZT_CHROMIUM ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

/** A page that records console errors, failed requests and any request leaving the machine. */
export async function openPage(browser: Browser, viewport = { width: 1400, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const offMachine: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && !['blob:', 'data:'].includes(u.protocol)) offMachine.push(r.url());
  });
  page.on('requestfailed', (r) => { if (!r.failure()?.errorText.includes('ERR_ABORTED')) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`); });
  return { page, errors, offMachine, close: () => context.close() };
}

export async function waitIdle(page: Page, timeoutMs = 90_000, withStatistics = true): Promise<number> {
  const started = Date.now();
  await page.waitForFunction(() => (window as any).__yzt !== undefined, undefined, { timeout: timeoutMs });
  await page.evaluate(([t, s]) => (window as any).__yzt.whenIdle(t, s), [timeoutMs, withStatistics] as const);
  return Date.now() - started;
}

/**
 * Signs in from the map's header as a real user does: the sign-in button, the form, the page
 * reloading as that user. Leaves the page on the map with the account shown.
 */
export async function signInFromMap(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.click('#sign-in');
  await page.fill('.yzt-signin input[name=username]', user.username);
  await page.fill('.yzt-signin input[name=password]', user.password);
  await Promise.all([page.waitForEvent('load'), page.click('.yzt-signin button[type=submit]')]);
  await page.waitForSelector('#account-name');
}

/** Share of pixels within `tolerance` (sum of channel differences) of a colour, decoded by the browser. */
export async function colourShareOf(page: Page, png: Buffer, rgb: [number, number, number], tolerance = 30): Promise<number> {
  return page.evaluate(async ({ b64, rgb, tolerance }) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let hit = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i]! - rgb[0]) + Math.abs(d[i + 1]! - rgb[1]) + Math.abs(d[i + 2]! - rgb[2]) <= tolerance) hit++;
    }
    return hit / (c.width * c.height);
  }, { b64: png.toString('base64'), rgb, tolerance });
}

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname;

export interface DemoInBrowser {
  readonly db: TestDatabase;
  readonly server: RunningServer;
  readonly browser: Browser;
  close(): Promise<void>;
}

/**
 * What every browser suite starts with: the built client (rebuilt when stale), the real server
 * on a fresh schema with a 5,000-source demo region, and Chromium.
 */
export async function startDemoInBrowser(label: string): Promise<DemoInBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('web client build failed');
  const db = await openTestDatabase(label, { migrate: false });
  const config = loadConfig({ PORT: '0', DATABASE_URL: inject('databaseUrl'), YZT_DB_SCHEMA: db.schema, YZT_DEMO: 'on', YZT_DEMO_SOURCES: '5000', LOG_LEVEL: 'warn', YZT_ANONYMOUS: 'viewer', YZT_CHECK_ANSWERS: 'on' });
  const server = await startServer(config, pino({ level: 'warn' }));
  const browser = await launchBrowser();
  return {
    db,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await db.close();
    },
  };
}

