import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHECK_CODES } from '../../geodata/review/check-catalog.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { SCREEN_PATHS } from '../../server/web-app.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { ARTIFACTS, colourShareOf, HAS_CHROMIUM, launchBrowser, openPage, signInFromMap, waitIdle } from '../web/browser.ts';
import { AMBIGUOUS_TRUTH, loadAmbiguousSource, loadGcj02Batch, loadSmallFixture } from './small-fixture.ts';

// Each step waits on the real server and browser; on a loaded machine (eight suites at once on
// two cores) a minute is not always enough.
vi.setConfig({ testTimeout: 240_000 });

const ZONE_BLUE: [number, number, number] = [31, 119, 180];
const ENTERED_RED: [number, number, number] = [214, 39, 40];
const CANDIDATE_GREEN: [number, number, number] = [44, 160, 44];

/**
 * The reviewer's workbench in the built app against the real server: reached from the map
 * through the navigation, a finding drawn on MapLibre, a point dragged and saved, a batch datum
 * fix, ten items worked by keyboard, undo, the English screen, and no /src/ path anywhere.
 */
describe.skipIf(!HAS_CHROMIUM)('the review workbench in a browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let offMachine: string[];
  let closePage: () => Promise<void>;
  let reviewer: TestUser;

  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}workbench-${name}.png` });
  const mapShot = () => page.locator('#review-map').screenshot();
  const ready = () => page.waitForSelector('#screen[data-screen=review][data-ready=true]');
  const shown = () => page.locator('#screen').getAttribute('data-shown');
  const openRow = async (census: string, check: string) => {
    const row = page.locator(`.rv-row[data-census="${census}"][data-check="${check}"]`);
    // A list reload (the check run's last refresh) can redraw the rows between reading a row's
    // id and the click landing, which then opens its neighbour: read, click and wait again.
    for (let attempt = 1; ; attempt++) {
      const id = await row.getAttribute('data-id');
      await row.click();
      try {
        await page.waitForFunction((id) => document.getElementById('screen')?.dataset.shown === id, id, { timeout: attempt < 3 ? 20_000 : 120_000 });
        return Number(id);
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  };
  const saved = (text = '已保存') => page.waitForFunction((t) => document.getElementById('d-message')!.textContent!.startsWith(t), text);

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('web client build failed');
    db = await openTestDatabase('review_workbench');
    await loadSmallFixture(db.pool);
    await loadGcj02Batch(db.pool, 20, 77);
    await loadAmbiguousSource(db.pool);
    server = await startTestServer(db);
    reviewer = await testUser(db.pool, 'reviewer', null, '审核员丙');
    browser = await launchBrowser();
    ({ page, errors, offMachine, close: closePage } = await openPage(browser));
    page.setDefaultTimeout(120_000);
  }, 300_000);
  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('from the map, signs in and reaches the review list through the navigation', async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/map');
    await waitIdle(page, 90_000, false);
    await signInFromMap(page, reviewer);
    await page.click('#nav a[data-nav=review]');
    await ready();
    expect(new URL(page.url()).pathname).toBe('/review');
    expect(await page.locator('#nav a[aria-current=page]').getAttribute('data-nav')).toBe('review');
  });

  it('runs all checks with a progress bar and lists the findings with counts per district', async () => {
    await page.click('#run');
    await page.waitForSelector('#run-text[data-status=done]', { timeout: 120_000 });
    expect(await page.locator('#run-progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
    // The list is read again once the run is done: the total follows a moment after the bar.
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM review_finding');
    expect(rows[0]!.n).toBeGreaterThan(20);
    await expect.poll(() => page.locator('#total').textContent()).toBe(`共 ${rows[0]!.n} 条`);
    expect(await page.locator('#districts tbody tr').first().textContent()).toContain('南山区');
  });

  it('opens an item: the MapLibre canvas shows the zone outline and the points', async () => {
    await openRow('S-out2', 'outside_declared_zone');
    await page.evaluate(() => (window as any).__review.whenIdle());
    await shot('01-item-zh');
    const png = await mapShot();
    expect(await colourShareOf(page, png, ZONE_BLUE, 40)).toBeGreaterThan(0.002);
    expect(await colourShareOf(page, png, ENTERED_RED, 40)).toBeGreaterThan(0.0002);
    expect(await page.locator('#d-title').textContent()).toContain('不在所填普查小区');
    expect(page.url()).toContain(`item=${await shown()}`);
  });

  it('exports the map as a PNG of the chosen size', async () => {
    await page.fill('#png-w', '800');
    await page.fill('#png-h', '600');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#png button[type=submit]')]);
    const png = readFileSync((await download.path())!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // Width and height sit at bytes 16-23 of the IHDR chunk.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([800, 600]);
    expect(await colourShareOf(page, png, ZONE_BLUE, 40)).toBeGreaterThan(0.001);
    await download.saveAs(`${ARTIFACTS}workbench-export.png`);
  });

  it('shows a suggested point with its distance, and applying it moves the point there', async () => {
    await openRow('S-swap', 'swapped_lat_lon');
    await page.evaluate(() => (window as any).__review.whenIdle());
    expect(await colourShareOf(page, await mapShot(), CANDIDATE_GREEN, 40)).toBeGreaterThan(0.0001);
    expect(await page.locator('#candidates li').count()).toBe(1);
    await page.click('button[data-action=apply_suggestion]');
    await saved();
    expect(await page.locator('#history li').count()).toBe(1);
    const { rows } = await db.pool.query(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE census_id = 'S-swap'`);
    expect([rows[0].x, rows[0].y]).toEqual([113.931234, 22.531234]);
  });

  it('an ambiguous finding shows every candidate in the zone with its distance, and apply takes the one picked', async () => {
    const row = page.locator('.rv-row[data-census="S-amb"]');
    expect(await row.count()).toBe(1);
    expect(await row.locator('.ambiguous').count()).toBe(1);
    await openRow('S-amb', (await row.getAttribute('data-check'))!);
    await page.evaluate(() => (window as any).__review.whenIdle());
    const items = page.locator('#candidates li');
    expect((await items.evaluateAll((li) => li.map((l) => (l as HTMLElement).dataset.code))).sort()).toEqual(['bd09_as_wgs84', 'gcj02_as_wgs84']);
    // Each with its distance from the stored point: GCJ-02 about 500 m, BD-09 about 1.2 km here.
    const metres = (await items.allTextContents()).map((t) => Number(/· ([\d,]+) m/.exec(t)![1]!.replace(/,/g, '')));
    expect(metres.every((m) => m > 300 && m < 2000)).toBe(true);
    expect(await colourShareOf(page, await mapShot(), CANDIDATE_GREEN, 40)).toBeGreaterThan(0.0001);
    // No silent choice: the plain apply is off, and the server refuses it without a pick.
    expect(await page.locator('button[data-action=apply_suggestion]').isDisabled()).toBe(true);
    const id = Number(await shown());
    const item = await (await fetch(`${server.url}/api/review/items/${id}`, { headers: reviewer.headers })).json();
    const refused = await fetch(`${server.url}/api/review/items/${id}/actions`, {
      method: 'POST', headers: { ...reviewer.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'apply_suggestion', rowVersion: item.rowVersion }),
    });
    expect(refused.status).toBe(409);
    await page.click('#candidates li[data-code=bd09_as_wgs84] button[data-pick]');
    await saved();
    const { rows } = await db.pool.query(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE census_id = 'S-amb'`);
    expect(Math.abs(rows[0].x - AMBIGUOUS_TRUTH[0])).toBeLessThan(1e-5);
    expect(Math.abs(rows[0].y - AMBIGUOUS_TRUTH[1])).toBeLessThan(1e-5);
    const { rows: log } = await db.pool.query(`SELECT after FROM edit_log e JOIN source s ON e.entity = 'source' AND e.entity_id = s.id::text WHERE s.census_id = 'S-amb' AND e.action = 'review.apply_suggestion'`);
    expect(log).toHaveLength(1);
    expect(await page.locator('#history li[data-action="review.apply_suggestion"]').count()).toBe(1);
  });

  it('moves a point by dragging its marker into the zone and saving', async () => {
    await openRow('S-out2', 'outside_declared_zone');
    await page.evaluate(() => (window as any).__review.whenIdle());
    const marker = (await page.locator('[data-testid=entered-marker]').boundingBox())!;
    // Zone C's middle, as the map places it on the screen.
    const target = await page.evaluate(() => {
      const m = (window as any).__review.map;
      const p = m.project([113.925, 22.575]);
      const r = m.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    await page.mouse.move(marker.x + marker.width / 2, marker.y + marker.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x, target.y, { steps: 12 });
    await page.mouse.up();
    expect(await page.locator('#d-position').textContent()).toContain('已拖动');
    await page.fill('#reason', '按门牌地址修正');
    await page.click('button[data-action=move]');
    await saved();
    expect(await page.locator('#history li[data-action="review.move"]').count()).toBe(1);
    const { rows } = await db.pool.query(
      `SELECT ST_Intersects(z.geom, s.geom) AS inside FROM source s JOIN census_zone z ON z.code = s.zone_code WHERE s.census_id = 'S-out2'`);
    expect(rows[0].inside).toBe(true);
  });

  it('applies the datum fix to a whole batch of 20 with one reason: 20 edit-log entries', async () => {
    await page.fill('#f-batch', '77');
    await page.locator('#f-batch').dispatchEvent('change');
    await expect.poll(() => page.locator('#total').textContent()).toBe('共 21 条');
    await openRow('import_batch:77', 'datum_batch_pattern');
    await page.fill('#reason', '整批为GCJ-02坐标');
    await page.click('#apply-batch');
    await saved('已保存 · 20');
    const { rows } = await db.pool.query<{ n: number; reasons: string[] }>(
      `SELECT count(*)::int AS n, array_agg(DISTINCT reason) AS reasons FROM edit_log e JOIN source s ON e.entity = 'source' AND e.entity_id = s.id::text
        WHERE s.import_batch = 77 AND e.action = 'review.apply_suggestion'`);
    expect(rows[0]).toEqual({ n: 20, reasons: ['整批为GCJ-02坐标'] });
    expect(await page.locator('.rv-row[data-check=gcj02_as_wgs84][data-status=fixed]').count()).toBe(20);
    await openRow('G-7', 'gcj02_as_wgs84');
    expect(await page.locator('#history li').count()).toBe(1);
    await shot('02-batch-zh');
    await page.fill('#f-batch', '');
    await page.locator('#f-batch').dispatchEvent('change');
    await expect.poll(async () => Number((await page.locator('#total').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(21);
  });

  it('assigns a district to a reviewer, lists my queue, and keeps a comment on a finding with its edit-log entry', async () => {
    await page.fill('#assign-division', '440305');
    await page.fill('#assign-to', reviewer.username);
    await page.click('#assign button[type=submit]');
    await page.waitForFunction(() => /^已分派 \d+ 条$/.test(document.getElementById('assign-message')!.textContent!));
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM review_finding WHERE assignee = $1`, [reviewer.username]);
    expect(rows[0]!.n).toBeGreaterThan(0);
    expect(await page.locator('#assign-message').textContent()).toBe(`已分派 ${rows[0]!.n} 条`);
    await page.check('#f-mine');
    await expect.poll(() => page.locator('#total').textContent()).toBe(`共 ${rows[0]!.n} 条`);
    expect(page.url()).toContain('assignee=me');
    // The queue's last row: the keyboard step after this one starts from the list's first.
    const first = page.locator('.rv-row').last();
    const id = await first.getAttribute('data-id');
    await first.click();
    await page.waitForFunction((id) => document.getElementById('screen')?.dataset.shown === id, id);
    await page.fill('#comment-input', '门牌在路北，请现场确认');
    await page.click('#comment-form button[type=submit]');
    await page.waitForSelector(`#comments li[data-author="${reviewer.username}"]`);
    expect(await page.locator('#comments li').textContent()).toContain('门牌在路北，请现场确认');
    const log = await db.pool.query(`SELECT actor, after->>'body' AS body FROM edit_log WHERE entity = 'finding' AND entity_id = $1 AND action = 'review.comment'`, [id]);
    expect(log.rows).toEqual([{ actor: reviewer.username, body: '门牌在路北，请现场确认' }]);
    await page.uncheck('#f-mine');
    await expect.poll(async () => Number((await page.locator('#total').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(rows[0]!.n);
  });

  it('works 10 items by keyboard alone (next, field check), and undoes the last', async () => {
    await page.locator('#items').focus();
    const before = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE action = 'review.field_check'`)).rows[0]!.n;
    const worked: string[] = [];
    for (let i = 0; i < 10; i++) {
      const was = await shown();
      await page.keyboard.press('j');
      await page.waitForFunction((was) => document.getElementById('screen')!.dataset.shown !== was, was);
      const id = (await shown())!;
      await page.keyboard.press('f');
      await page.waitForFunction((id) => document.querySelector(`.rv-row[data-id="${id}"]`)?.getAttribute('data-status') === 'field_check', id);
      worked.push(id);
    }
    expect(new Set(worked).size).toBe(10);
    const after = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM edit_log WHERE action = 'review.field_check'`)).rows[0]!.n;
    expect(after - before).toBe(10);
    const last = worked.at(-1)!;
    await page.keyboard.press('u');
    await page.waitForFunction((id) => document.querySelector(`.rv-row[data-id="${id}"]`)?.getAttribute('data-status') !== 'field_check', last);
    const { rows } = await db.pool.query(`SELECT status FROM review_finding WHERE id = $1`, [last]);
    expect(rows[0].status).not.toBe('field_check');
  });

  it('a fast reviewer pressing F then J at once ends on the next item, not back on the one just saved', async () => {
    await page.locator('#items').focus();
    // The undo above still refreshes its item: an F before that lands uses the old row version (409).
    await page.evaluate(() => (window as any).__review.settled());
    for (let i = 0; i < 3; i++) {
      const was = (await shown())!;
      const at = await page.evaluate(() => (window as any).__review.store.get().index as number);
      // No wait between the two keys: J lands while F's save is still on its way.
      await page.keyboard.press('f');
      await page.keyboard.press('j');
      await page.waitForFunction((id) => document.querySelector(`.rv-row[data-id="${id}"]`)?.getAttribute('data-status') === 'field_check', was);
      await page.evaluate(() => (window as any).__review.settled());
      const state = await page.evaluate(() => ({ item: (window as any).__review.store.get().item as number, index: (window as any).__review.store.get().index as number, shown: document.getElementById('screen')!.dataset.shown, title: document.getElementById('d-title')!.dataset.item }));
      expect(state.index).toBe(at + 1);
      expect(state.shown).not.toBe(was);
      expect(state).toMatchObject({ shown: String(state.item), title: String(state.item) });
    }
  });

  it('the English screen shows no raw check codes or statuses', async () => {
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.evaluate(() => (window as any).__review.whenIdle());
    await shot('03-item-en');
    expect(page.url()).toContain('lang=en');
    const text = await page.locator('#screen').innerText();
    const header = await page.locator('#shellbar').innerText();
    expect(header).toContain('Review');
    const raw = [...CHECK_CODES, 'field_check', 'open', 'accepted'].filter((c) => new RegExp(`(^|[^\\w-])${c}([^\\w-]|$)`).test(text));
    expect(raw).toEqual([]);
    expect(text).toContain('Outside the declared census zone');
    expect(text).not.toMatch(/待审核|已修正|现场核实|接受现状|全部检查项|检查完成|误作|已分派/);
    // A message shown before the switch follows it too (the district assignment's count).
    expect(await page.locator('#assign-message').textContent()).toMatch(/^\d+ assigned$/);
    await page.click('#lang-switch');
  });

  it('no page of the app links to a /src/ path, and nothing leaves the machine', async () => {
    for (const path of SCREEN_PATHS) {
      const html = await (await fetch(`${server.url}${path}`)).text();
      expect(html, path).not.toContain('/src/');
    }
    for (const id of ['map', 'quality', 'import', 'battle', 'admin', 'review']) {
      await page.click(`#nav a[data-nav=${id}]`);
      await page.waitForFunction((id) => document.getElementById('screen')?.dataset.screen === id, id);
      const links = await page.evaluate(() => [...document.querySelectorAll('a[href], script[src], link[href]')]
        .map((e) => (e as HTMLAnchorElement).href || (e as HTMLScriptElement).src));
      expect(links.filter((l) => l.includes('/src/')), id).toEqual([]);
      expect(new URL(page.url()).pathname).toBe(`/${id}`);
    }
    expect(offMachine).toEqual([]);
    // The only failed requests were the deliberate ones: none.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });
});
