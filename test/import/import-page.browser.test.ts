import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { ARTIFACTS, HAS_CHROMIUM, launchBrowser, openPage, signInFromMap, waitIdle } from '../web/browser.ts';

vi.setConfig({ testTimeout: 240_000 });

/** A census table as offices keep it: Chinese headers, a unit in one, a short-name column that maps to nothing by itself. */
function census(n: number, prefix: string, bad: ReadonlySet<number> = new Set()): string {
  let csv = '普查编号,企业简称,污染源类型,行业代码,经度,纬度,COD排放量（千克）,备注\n';
  for (let i = 1; i <= n; i++) {
    csv += `${prefix}${String(i).padStart(5, '0')},简称${i},${bad.has(i) ? '工厂' : '工业源'},1713,${(113.9 + i * 1e-5).toFixed(5)},22.55,${i},无\n`;
  }
  return csv;
}

/**
 * The import page of the built app against the real server: an admin drops a census table,
 * sees the proposed layer and mapping, maps the one column nothing matched, follows the job to
 * its report; a file with bad rows gives the errors by line and a CSV of the rejected rows.
 */
describe.skipIf(!HAS_CHROMIUM)('the import page in a browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;
  let admin: TestUser;
  const good = `${ARTIFACTS}import-page-census.csv`;
  const bad = `${ARTIFACTS}import-page-bad.csv`;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('web client build failed');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(good, census(5000, 'IP-'));
    writeFileSync(bad, census(40, 'IB-', new Set([9, 30])));
    db = await openTestDatabase('import_page_browser');
    server = await startTestServer(db);
    admin = await testUser(db.pool, 'admin', null, '导入管理员');
    browser = await launchBrowser();
    ({ page, errors, close: closePage } = await openPage(browser, { width: 1400, height: 1000 }));
    page.setDefaultTimeout(120_000);
  }, 300_000);
  afterAll(async () => {
    await closePage?.();
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('signs in and reaches the import page through the navigation', async () => {
    await page.goto(`${server.url}/`);
    await waitIdle(page, 90_000, false);
    await signInFromMap(page, admin);
    await page.click('#nav a[data-nav=import]');
    await page.waitForSelector('#import-screen #im-file');
    expect(new URL(page.url()).pathname).toBe('/import');
  });

  it('proposes the layer and the mapping from the file head; the user maps the column nothing matched', async () => {
    await page.setInputFiles('#im-file', good);
    await page.waitForSelector('#im-mapping tbody tr');
    expect(await page.locator('#im-format').textContent()).toBe('csv');
    expect(await page.locator('#im-encoding').textContent()).toBe('utf8');
    expect(await page.locator('#im-kind').inputValue()).toBe('source');
    const target = (field: string) => page.locator(`#im-mapping select[data-field="${field}"]`);
    expect(await target('普查编号').inputValue()).toBe('census_id');
    expect(await target('经度').inputValue()).toBe('lon');
    expect(await target('COD排放量（千克）').inputValue()).toBe('cod');
    expect(await target('企业简称').inputValue()).toBe('');
    expect(await target('备注').inputValue()).toBe('');
    // Without a name column the proposal says what is missing.
    expect(await page.locator('#im-kind option[value=source]').textContent()).toMatch(/缺少/);
    expect(await page.locator('#im-missing').textContent()).toBe('缺少：名称');
    await target('企业简称').selectOption('name');
    expect(await page.locator('#im-missing').textContent()).toBe('');
    await page.screenshot({ path: `${ARTIFACTS}import-page-mapping.png`, fullPage: true });
  });

  it('runs the import as a job with a progress bar and reports what was stored', async () => {
    await page.click('#im-start');
    await expect.poll(() => page.locator('#im-message').textContent(), { timeout: 180_000 }).toMatch(/^导入完成：入库 5,000 行/);
    const progress = page.locator('#im-progress');
    expect(await progress.getAttribute('value')).toBe(await progress.getAttribute('max'));
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n, min(name) AS name, round(sum(cod)::numeric, 3)::float AS cod FROM source WHERE census_id LIKE 'IP-%'`);
    expect(rows[0]).toEqual({ n: 5000, name: '简称1', cod: (5000 * 5001) / 2 / 1000 });
    expect(await page.locator('#im-report').textContent()).toContain('单位换算');
    await page.screenshot({ path: `${ARTIFACTS}import-page-done.png`, fullPage: true });
  });

  it('lists a bad file\'s errors by line, stores nothing of it, and downloads its rejected rows as CSV with BOM', async () => {
    await page.setInputFiles('#im-file', bad);
    await page.waitForSelector('#im-mapping tbody tr');
    await page.locator('#im-mapping select[data-field="企业简称"]').selectOption('name');
    await page.click('#im-start');
    await expect.poll(() => page.locator('#im-message').textContent(), { timeout: 120_000 }).toMatch(/^未入库：2 行有错误/);
    const cells = await page.locator('#im-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(cells.map((c) => [c[0], c[1]])).toEqual([['line 10', '污染源类型'], ['line 31', '污染源类型']]);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM source WHERE census_id LIKE 'IB-%'`);
    expect(rows[0].n).toBe(0);
    const download = page.waitForEvent('download');
    await page.click('#im-errors-csv');
    const text = readFileSync((await (await download).path())!, 'utf8');
    expect(text.startsWith('\uFEFF普查编号,企业简称,')).toBe(true);
    const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^IB-00009,简称9,工厂,.*污染源类型/);
    expect(lines[2]).toMatch(/^IB-00030,/);
    await page.screenshot({ path: `${ARTIFACTS}import-page-errors.png`, fullPage: true });
  });

  it('skips the rows already stored and stores the valid ones when asked, and says what it left out', async () => {
    // Ten sources stored by the first import, twenty new ones of which one has a wrong type.
    const mixed = `${ARTIFACTS}import-page-mixed.csv`;
    writeFileSync(mixed, census(10, 'IP-') + census(20, 'IM-', new Set([5])).split('\n').slice(1).join('\n'));
    await page.setInputFiles('#im-file', mixed);
    await page.waitForSelector('#im-mapping tbody tr');
    await page.locator('#im-mapping select[data-field="企业简称"]').selectOption('name');
    await page.locator('#im-on-existing').selectOption('skip');
    await page.check('#im-keep-valid');
    // A change of the mapping redraws the form; the options stay as set.
    await page.locator('#im-mapping select[data-field="备注"]').selectOption('address');
    expect(await page.locator('#im-on-existing').inputValue()).toBe('skip');
    expect(await page.isChecked('#im-keep-valid')).toBe(true);
    await page.click('#im-start');
    await expect.poll(() => page.locator('#im-message').textContent(), { timeout: 120_000 }).toBe('已入库 19 行；1 行有错误未入库，见下表。');
    expect(await page.locator('#im-report').textContent()).toContain('跳过已入库：10 行');
    const cells = await page.locator('#im-errors tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(cells.map((c) => [c[0], c[1]])).toEqual([['line 16', '污染源类型']]);
    const { rows } = await db.pool.query(`SELECT count(*) FILTER (WHERE census_id LIKE 'IM-%')::int AS added, count(*) FILTER (WHERE census_id LIKE 'IP-%' AND address IS NOT NULL)::int AS touched FROM source`);
    expect(rows[0]).toEqual({ added: 19, touched: 0 });
  });

  it('reads another worksheet of a workbook, and a text file in another encoding, when the user picks them', async () => {
    const book = new ExcelJS.Workbook();
    book.addWorksheet('说明').addRows([['说明'], ['本表为普查数据']]);
    book.addWorksheet('污染源').addRows([['普查编号', '单位名称', '污染源类型', '行业代码', '经度', '纬度'], ['IX-1', '甲厂', '工业源', '0511', 113.91, 22.55], ['IX-2', '乙厂', '工业源', '1713', 113.92, 22.55]]);
    const workbook = `${ARTIFACTS}import-page-two-sheets.xlsx`;
    await book.xlsx.writeFile(workbook);
    await page.setInputFiles('#im-file', workbook);
    await page.waitForSelector('#im-sheet');
    expect(await page.locator('#im-sheet-read').textContent()).toBe('说明');
    expect(await page.locator('#im-mapping select').count()).toBe(1);
    await page.locator('#im-sheet').selectOption('污染源');
    await expect.poll(() => page.locator('#im-sheet-read').textContent()).toBe('污染源');
    expect(await page.locator('#im-mapping select[data-field="普查编号"]').inputValue()).toBe('census_id');
    await page.click('#im-start');
    await expect.poll(() => page.locator('#im-message').textContent(), { timeout: 120_000 }).toMatch(/^导入完成：入库 2 行/);
    const { rows } = await db.pool.query(`SELECT census_id, industry_code FROM source WHERE census_id LIKE 'IX-%' ORDER BY census_id`);
    expect(rows).toEqual([{ census_id: 'IX-1', industry_code: '0511' }, { census_id: 'IX-2', industry_code: '1713' }]);

    const gbk = `${ARTIFACTS}import-page-gbk.csv`;
    writeFileSync(gbk, iconv.encode(census(3, 'IG-'), 'gbk'));
    await page.setInputFiles('#im-file', gbk);
    await expect.poll(() => page.locator('#im-encoding').textContent()).toBe('gbk');
    expect(await page.locator('#im-mapping select[data-field="普查编号"]').count()).toBe(1);
    // Read as UTF-8 on purpose: the server says why it cannot, and the page keeps the GBK reading.
    await page.locator('#im-encoding-choice').selectOption('utf8');
    await expect.poll(() => page.locator('#im-message').textContent(), { timeout: 30_000 }).toMatch(/not valid UTF-8.*it may be GBK/);
    expect(await page.locator('#im-encoding').textContent()).toBe('gbk');
    expect(await page.locator('#im-encoding-choice').inputValue()).toBe('');
    expect(await page.locator('#im-mapping select[data-field="普查编号"]').count()).toBe(1);
    // Asked for GB18030 (a superset of GBK), it reads the same header.
    await page.locator('#im-encoding-choice').selectOption('gb18030');
    await expect.poll(() => page.locator('#im-encoding').textContent(), { timeout: 30_000 }).toBe('gb18030');
    expect(await page.locator('#im-encoding-choice').inputValue()).toBe('gb18030');
    expect(await page.locator('#im-mapping select[data-field="普查编号"]').inputValue()).toBe('census_id');
    // The one refused reading is the only console error.
    expect(errors.filter((e) => !e.includes('422') && !e.includes('400'))).toEqual([]);
    errors.length = 0;
  });

  it('shows the page in English, layer names included', async () => {
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await page.locator('#import-screen h2').textContent()).toBe('Import data');
    expect(await page.locator('#im-kind option[value=source]').textContent()).toMatch(/^Sources/);
    expect(errors).toEqual([]);
  });
});
