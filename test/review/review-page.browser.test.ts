import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';
import { HAS_CHROMIUM, launchBrowser, openPage } from '../web/browser.ts';
import { loadSmallFixture } from './small-fixture.ts';

const PAGE_DIR = fileURLToPath(new URL('../../web/src/review/', import.meta.url));

/**
 * The review page in a real browser against the real server: the page's files are bundled
 * here (esbuild) and served under /src/review/ by request interception, the API is the
 * server's. One item of each action kind is reviewed through the page.
 */
describe.skipIf(!HAS_CHROMIUM)('review page in a browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;

  beforeAll(async () => {
    db = await openTestDatabase('review_page');
    await loadSmallFixture(db.pool);
    server = await startTestServer(db);
    const bundle = await build({ entryPoints: [`${PAGE_DIR}main.ts`], bundle: true, format: 'esm', write: false, target: 'es2022' });
    const files: Record<string, [string, string]> = {
      'index.html': ['text/html; charset=utf-8', readFileSync(`${PAGE_DIR}index.html`, 'utf8')],
      'review.css': ['text/css', readFileSync(`${PAGE_DIR}review.css`, 'utf8')],
      'main.ts': ['text/javascript', bundle.outputFiles[0]!.text],
    };
    browser = await launchBrowser();
    const opened = await openPage(browser);
    ({ page, errors } = opened);
    closePage = opened.close;
    await page.route('**/src/review/*', (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      const file = files[name];
      return file ? route.fulfill({ status: 200, contentType: file[0], body: file[1] }) : route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${server.url}/src/review/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
    // Reading is open to the anonymous viewer; acting needs a reviewer's sign-in.
    const reviewer = await testUser(db.pool, 'reviewer', null, '审核员乙');
    await page.click('#sign-in');
    await page.fill('.yzt-signin input[name=username]', reviewer.username);
    await page.fill('.yzt-signin input[name=password]', reviewer.password);
    await page.click('.yzt-signin button[type=submit]');
    await page.waitForSelector('#account-name');
  }, 180_000);
  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  const rowOf = (census: string, check: string) => page.locator(`#items tbody tr[data-census="${census}"][data-check="${check}"]`);
  // Detail panel and map show the previous item until this one's detail arrives; they change together.
  const openRow = async (census: string, check: string) => {
    await rowOf(census, check).click();
    await page.waitForFunction((t) => document.getElementById('d-title')!.textContent!.startsWith(t), `${census} · ${check}`);
  };
  const statusOf = async (census: string, check: string) => (await rowOf(census, check).locator('td').nth(7).textContent())!;
  const history = () => page.locator('#history li').allTextContents();
  const saved = () => page.waitForFunction(() => document.getElementById('d-message')!.textContent === '已保存');

  it('runs the checks from the page and lists the findings with counts per district', async () => {
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('run-status')!.textContent === '检查完成', undefined, { timeout: 60_000 });
    await expect.poll(() => page.locator('#items tbody tr').count()).toBe(6);
    expect(await page.locator('#districts tbody tr').first().textContent()).toContain('南山区');
    expect(await page.locator('#total').textContent()).toBe('共 6 条');
  });

  it('applies a suggestion: the map shows zone, division and the suggested point, and the point moves there', async () => {
    await openRow('S-swap', 'swapped_lat_lon');
    await page.waitForSelector('#map circle.suggested');
    expect(await page.locator('#map path.zone').count()).toBe(1);
    expect(await page.locator('#map path.division').count()).toBe(1);
    expect(await page.locator('#map circle.point').count()).toBe(0); // latitude 113.9: off any map
    await page.click('button[data-action="apply_suggestion"]');
    await saved();
    expect(await page.locator('#map circle.point').getAttribute('data-lon')).toBe('113.931234');
    expect(await history()).toHaveLength(1);
    expect((await history())[0]).toContain('review.apply_suggestion');
    expect(await statusOf('S-swap', 'swapped_lat_lon')).toBe('已修正');
  });

  it('accepts a point as it is only with a reason', async () => {
    await openRow('S-zero', 'coord_zero');
    await page.waitForFunction(() => document.getElementById('d-title')!.textContent!.includes('S-zero'));
    await page.click('button[data-action="accept"]');
    await page.waitForFunction(() => /reason/.test(document.getElementById('d-message')!.textContent!));
    await page.fill('#reason', '企业已关停，无需定位');
    await page.click('button[data-action="accept"]');
    await saved();
    expect((await history())[0]).toContain('企业已关停');
    expect(await statusOf('S-zero', 'coord_zero')).toBe('已接受');
  });

  it('drags a point into its zone and saves it', async () => {
    await openRow('S-out2', 'outside_declared_zone');
    await page.waitForSelector('#map circle.point');
    const point = (await page.locator('#map circle.point').boundingBox())!;
    const zone = (await page.locator('#map path.zone').boundingBox())!;
    await page.mouse.move(point.x + point.width / 2, point.y + point.height / 2);
    await page.mouse.down();
    await page.mouse.move(zone.x + zone.width / 2, zone.y + zone.height / 2, { steps: 8 });
    await page.mouse.up();
    expect(await page.locator('#d-position').textContent()).toContain('已拖动');
    await page.fill('#reason', '按门牌地址修正');
    await page.click('button[data-action="move"]');
    await saved();
    expect((await history())[0]).toContain('review.move');
    expect(await statusOf('S-out2', 'outside_declared_zone')).toBe('已修正');
    const { rows } = await db.pool.query(
      `SELECT ST_Intersects(z.geom, s.geom) AS inside FROM source s JOIN census_zone z ON z.code = s.zone_code WHERE s.census_id = 'S-out2'`);
    expect(rows[0].inside).toBe(true);
  });

  it('sends an item to a field check', async () => {
    await openRow('S-far', 'outside_declared_division');
    await page.waitForFunction(() => document.getElementById('d-title')!.textContent!.includes('S-far'));
    await page.click('button[data-action="field_check"]');
    await saved();
    expect(await statusOf('S-far', 'outside_declared_division')).toBe('现场核实');
    expect((await history())[0]).toContain('review.field_check');
  });

  it('exports the list as CSV that reads back with the reviewed statuses', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(7);
    const byKey = new Map(lines.slice(1).map((l) => { const c = l.split(','); return [`${c[2]}:${c[4]}`, c.at(-1)]; }));
    expect(Object.fromEntries(byKey)).toEqual({
      'S-swap:swapped_lat_lon': 'fixed', 'S-zero:coord_zero': 'accepted', 'S-out2:outside_declared_zone': 'fixed',
      'S-far:outside_declared_division': 'field_check', 'S-far:outside_declared_zone': 'open', 'S-out:outside_declared_zone': 'open',
    });
    // The only failed request was the deliberate accept without a reason.
    expect(errors.filter((e) => !e.includes('/actions') && !e.includes('status of 400'))).toEqual([]);
    expect(errors.filter((e) => e.includes('status of 400'))).toHaveLength(1);
  });
});
