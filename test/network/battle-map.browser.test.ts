import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser } from '../support/auth.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { ARTIFACTS, colourShareOf, HAS_CHROMIUM, openPage, startDemoInBrowser, type DemoInBrowser } from '../web/browser.ts';

const ARC_SOURCE: [number, number, number] = [255, 159, 67];

describe.skipIf(!HAS_CHROMIUM)('the basin battle map in a browser, on the demo region', () => {
  let demo: DemoInBrowser;
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;
  let basin: string;
  let months: string[];

  /** Sections of the basin failing their target in a month, straight from the tables. */
  const failingIn = async (month: string) => (await db.pool.query(
    `SELECT s.code FROM section s JOIN basin b ON b.code = $1 AND ST_Covers(b.geom, s.geom)
       JOIN section_reading r ON r.section_code = s.code AND r.month = ($2 || '-01')::date
      WHERE r.water_class > s.target_class ORDER BY s.code`, [basin, month])).rows.map((r) => r.code as string);
  const shown = () => page.locator('#problems > li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.section!).sort());
  const viewMonth = () => page.evaluate(() => (window as any).__battle.state.view?.month as string | undefined);

  beforeAll(async () => {
    demo = await startDemoInBrowser('battle_browser');
    ({ db, server, browser } = demo);
    const admin = await testUser(db.pool, 'admin');
    const rebuild = await fetch(`${server.url}/api/network/rebuild`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin.headers }, body: '{}' });
    expect(rebuild.status).toBe(200);
    // The basin with the most failing sections in the latest month, and the months on record.
    months = (await db.pool.query(`SELECT DISTINCT to_char(month, 'YYYY-MM') AS m FROM section_reading ORDER BY m`)).rows.map((r) => r.m);
    const { rows } = await db.pool.query(
      `SELECT b.code, count(*) AS n FROM basin b JOIN section s ON ST_Covers(b.geom, s.geom)
         JOIN section_reading r ON r.section_code = s.code AND r.month = (SELECT max(month) FROM section_reading)
        WHERE r.water_class > s.target_class GROUP BY b.code ORDER BY n DESC, b.code LIMIT 1`);
    basin = rows[0].code;
    ({ page, errors, close: closePage } = await openPage(browser, { width: 1600, height: 900 }));
  }, 600_000);

  afterAll(async () => {
    await closePage?.();
    await demo?.close();
  });

  it('picking a basin shows its failing sections in the ranking and draws arcs from their contributors', async () => {
    await page.goto(`${server.url}/battle`);
    await page.waitForFunction(() => (window as any).__battle !== undefined && document.querySelectorAll('#basin option').length > 1);
    // Opened without ?basin=, it shows the main basin with the most sections rather than nothing.
    const { basins } = await (await fetch(`${server.url}/api/battle/basins`)).json() as { basins: { code: string; level: number; sections: number }[] };
    const biggest = basins.filter((b) => b.level === 1).sort((a, b) => b.sections - a.sections)[0]!.code;
    await page.waitForFunction((code) => (window as any).__battle.state.view?.basin.code === code, biggest);
    await page.selectOption('#basin', basin);
    await page.waitForFunction((code) => (window as any).__battle.state.view?.basin.code === code, basin);
    await page.evaluate(() => (window as any).__battle.whenLoaded());
    const latest = months.at(-1)!;
    expect(await viewMonth()).toBe(latest);
    const failing = await failingIn(latest);
    expect(failing.length).toBeGreaterThan(0);
    expect(await shown()).toEqual(failing);
    expect(await page.locator('#month-label').textContent()).toBe(latest);
    const arcs = await page.evaluate(() => (window as any).__battle.arcCount());
    expect(arcs).toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}battle-01-basin.png` });
    expect(await colourShareOf(page, await page.locator('#map').screenshot(), ARC_SOURCE, 40)).toBeGreaterThan(0.0002);
    expect(errors).toEqual([]);
  });

  it('the month slider changes the month and the ranking follows it', async () => {
    const target = months[0]!;
    expect(months.length).toBeGreaterThan(1);
    await page.locator('#month').evaluate((input: HTMLInputElement) => {
      input.value = '0';
      input.dispatchEvent(new Event('input'));
    });
    await page.waitForFunction((m) => (window as any).__battle.state.view?.month === m, target);
    await page.evaluate(() => (window as any).__battle.whenLoaded());
    expect(await page.locator('#month-label').textContent()).toBe(target);
    expect(await shown()).toEqual(await failingIn(target));
    expect(page.url()).toContain(`month=${target}`);
    await page.screenshot({ path: `${ARTIFACTS}battle-02-first-month.png` });
    expect(errors).toEqual([]);
  });
});
