import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { inTransaction } from '../../geodata/db/transaction.ts';
import { LAYERS } from '../../geodata/model/layers.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { ARTIFACTS, HAS_CHROMIUM, launchBrowser, openPage, signInFromMap, waitIdle } from '../web/browser.ts';
import { csv, DIVISIONS, externalList, type ListLine } from './external-list.ts';
import { labelledCensus } from './labelled-census.ts';

// Each step waits on the real server and browser; on a loaded machine (eight suites at once on
// two cores) a minute is not always enough.
vi.setConfig({ testTimeout: 240_000 });

/**
 * The quality loop on the quality screen of the built app against the real server: a reviewer
 * reaches it through the navigation, imports another department's list, works units of each
 * outcome to a decision, draws a sample and records checks, and reads the dispatch view.
 */
describe.skipIf(!HAS_CHROMIUM)('the census quality loop in a browser', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;
  let reviewer: TestUser;
  let lines: ListLine[];
  const listFile = `${ARTIFACTS}quality-loop-list.csv`;
  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}quality-loop-${name}.png`, fullPage: true });
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api${path}`, { ...init, headers: { ...reviewer.headers, ...(init.headers ?? {}) } });
  const tabCount = async (kind: string) => Number(await page.locator(`#lc-tabs button[data-kind=${kind}]`).getAttribute('data-count'));
  const showTab = async (kind: string) => {
    await page.click(`#lc-tabs button[data-kind=${kind}]`);
    await page.waitForSelector(`#list-comparison[data-kind=${kind}] #lc-table tbody tr`);
  };
  const message = (id: string) => page.locator(id).textContent();

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ['--import', 'tsx', 'web/build-if-stale.ts'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('web client build failed');
    db = await openTestDatabase('quality_loop_browser');
    const set = labelledCensus('ui', 300);
    await inTransaction(db.pool, async (c) => {
      await insertRows(c, LAYERS.source, set.rows, null);
      await insertRows(c, LAYERS.division, DIVISIONS, null);
    });
    lines = externalList(set.rows, set.variant);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(listFile, csv(lines));
    server = await startTestServer(db);
    reviewer = await testUser(db.pool, 'reviewer', null, '核查员甲');
    // Findings for the dispatch view: the full check run the review screen starts.
    const started = await api('/review/run', { method: 'POST' });
    let run = await started.json();
    for (let i = 0; i < 600 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await (await api(`/review/runs/${run.runId}`)).json();
    }
    if (run.status !== 'done') throw new Error(`check run ended ${run.status}`);
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

  it('signs in on the map and reaches the quality screen through the navigation, the figures table still there', async () => {
    await page.goto(`${server.url}/`);
    await waitIdle(page, 90_000, false);
    await signInFromMap(page, reviewer);
    await page.click('#nav a[data-nav=quality]');
    await page.waitForSelector('#screen[data-screen=quality][data-ready=true][data-loop-ready=true]');
    expect(new URL(page.url()).pathname).toBe('/quality');
    expect(await page.locator('#quality tbody tr[data-code="440305"]').count()).toBe(1);
    expect(await page.locator('#list-comparison').textContent()).toContain('尚未导入名录');
  });

  it('imports an external list and shows matched, ambiguous and unmatched units with their counts', async () => {
    await page.fill('#lc-name', '市场监管名录');
    await page.setInputFiles('#lc-file', listFile);
    await page.click('#lc-upload button[type=submit]');
    await expect.poll(() => message('#lc-message'), { timeout: 120_000 }).toMatch(/^已导入 \d+ 个单位/);
    expect(await message('#lc-message')).toContain(`已导入 ${lines.length} 个单位`);
    const want = { matched: lines.filter((l) => l.expect.kind === 'matched').length, ambiguous: lines.filter((l) => l.expect.kind === 'ambiguous').length, unmatched: lines.filter((l) => l.expect.kind === 'unmatched').length };
    const got = { matched: await tabCount('matched'), ambiguous: await tabCount('ambiguous'), unmatched: await tabCount('unmatched') };
    expect(got.matched + got.ambiguous + got.unmatched).toBe(lines.length);
    for (const k of ['matched', 'ambiguous', 'unmatched'] as const) {
      expect(want[k], k).toBeGreaterThan(0);
      expect(got[k] / want[k], k).toBeGreaterThanOrEqual(0.9);
    }
    await page.waitForSelector('#list-comparison[data-kind=matched] #lc-table tbody tr');
    const first = page.locator('#lc-table tbody tr').first();
    const line = Number(await first.getAttribute('data-line'));
    const expected = lines[line - 2]!.expect;
    expect(expected.kind).toBe('matched');
    expect(await first.locator('td').nth(3).textContent()).toBe(expected.kind === 'matched' ? expected.censusId : '');
    expect(['信用代码', '组织机构代码', '名称']).toContain(await first.locator('td').nth(4).textContent());
    const href = await page.locator('#lc-xlsx').getAttribute('href');
    expect(href).toMatch(/^\/api\/lists\/\d+\/matches\?kind=matched&format=xlsx$/);
    const xlsx = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')]; }, href!);
    expect(xlsx).toEqual([200, expect.stringContaining('spreadsheetml')]);
    await showTab('unmatched');
    expect(await page.locator('#lc-table tbody tr').count()).toBe(Math.min(200, got.unmatched));
    await showTab('ambiguous');
    await shot('01-lists-zh');
  });

  it('decides three units (a candidate confirmed, one included after phone and field check, one excluded), each in the edit log', async () => {
    const listId = Number(/lists\/(\d+)/.exec((await page.locator('#lc-xlsx').getAttribute('href'))!)![1]);
    const ambiguousLine = Number(await page.locator('#lc-table tbody tr').first().getAttribute('data-line'));
    await page.click(`#lc-table tbody tr[data-line="${ambiguousLine}"]`);
    const candidate = page.locator('#lc-candidates button[data-confirm]').nth(1);
    const pick = (await candidate.getAttribute('data-confirm'))!;
    await page.fill('#lc-note', '电话确认为第二家');
    await candidate.click();
    await expect.poll(() => message('#lc-message')).toBe(`已保存 · 行号 ${ambiguousLine}`);

    await showTab('unmatched');
    const [included, excluded] = await page.locator('#lc-table tbody tr').evaluateAll((rows) => rows.slice(0, 2).map((r) => Number((r as HTMLElement).dataset.line)));
    await page.click(`#lc-table tbody tr[data-line="${included}"]`);
    await page.selectOption('#lc-phone', 'confirmed_operating');
    await page.selectOption('#lc-field', 'operating');
    await page.selectOption('#lc-decision', 'include');
    await page.fill('#lc-note', '现场核实在产，纳入');
    await page.click('#lc-save');
    await expect.poll(() => message('#lc-message')).toBe(`已保存 · 行号 ${included}`);
    expect(await page.locator(`#lc-table tbody tr[data-line="${included}"] td`).nth(6).textContent()).toBe('纳入');
    await page.click(`#lc-table tbody tr[data-line="${excluded}"]`);
    await page.selectOption('#lc-decision', 'exclude');
    await page.fill('#lc-note', '无污染工序');
    await page.click('#lc-save');
    await expect.poll(() => message('#lc-message')).toBe(`已保存 · 行号 ${excluded}`);
    expect(await page.locator(`#lc-table tbody tr[data-line="${excluded}"] td`).nth(6).textContent()).toBe('不纳入');

    const log = await db.pool.query(`SELECT entity_id, actor, after FROM edit_log WHERE entity = 'list_unit' ORDER BY id`);
    expect(log.rows.map((r) => r.entity_id)).toEqual([`${listId}:${ambiguousLine}`, `${listId}:${included}`, `${listId}:${excluded}`]);
    expect(log.rows.every((r) => r.actor === '核查员甲')).toBe(true);
    expect(log.rows[1].after).toMatchObject({ decision: 'include', phone: 'confirmed_operating', field: 'operating' });
    const confirmed = await (await api(`/lists/${listId}/matches?kind=matched&limit=100000`)).json();
    expect(confirmed.items.find((u: { line: number }) => u.line === ambiguousLine)).toMatchObject({ censusId: pick, decisionNote: '电话确认为第二家' });
  });

  it('assigns the units to verify to a checker with a deadline, one of them to another, each with its edit-log entry', async () => {
    const listId = Number(/lists\/(\d+)/.exec((await page.locator('#lc-xlsx').getAttribute('href'))!)![1]);
    const unassigned = async () => ((await (await api('/dispatch')).json()).rows as { level: string; unassigned: number }[])
      .filter((r) => r.level === 'county').reduce((s, r) => s + r.unassigned, 0);
    const before = await unassigned();
    const lines = await page.locator('#lc-table tbody tr').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.line)));
    expect(lines.length).toBeGreaterThan(1);
    await page.fill('#lc-all-assignee', '核查员乙');
    await page.fill('#lc-all-deadline', '2027-01-15');
    await page.click('#lc-all-assign');
    await expect.poll(() => message('#lc-message')).toBe(`已分派 ${lines.length} 个单位`);
    const cells = (line: number) => page.locator(`#lc-table tbody tr[data-line="${line}"] td`).evaluateAll((tds) => tds.slice(7).map((td) => td.textContent));
    for (const line of lines) expect(await cells(line)).toEqual(['核查员乙', '2027-01-15']);
    // One unit to another checker, its deadline kept.
    await page.click(`#lc-table tbody tr[data-line="${lines[0]}"]`);
    expect(await page.locator('#lc-unit-deadline').inputValue()).toBe('2027-01-15');
    await page.fill('#lc-unit-assignee', '核查员丙');
    await page.click('#lc-unit-assign');
    await expect.poll(() => message('#lc-message')).toBe('已分派 1 个单位');
    expect(await cells(lines[0]!)).toEqual(['核查员丙', '2027-01-15']);
    // The dispatch view counts the open ones with a district (two were decided above).
    const open = (await db.pool.query(`SELECT count(*)::int AS n FROM ext_list_unit WHERE list_id = $1 AND line = ANY($2::int[]) AND decision IS NULL AND division_code IS NOT NULL`, [listId, lines])).rows[0].n;
    expect(open).toBeGreaterThan(0);
    expect(await unassigned()).toBe(before - open);
    const { rows } = await db.pool.query(`SELECT before, after FROM edit_log WHERE entity = 'list_unit' AND action = 'assign' AND entity_id = $1 ORDER BY id`, [`${listId}:${lines[0]}`]);
    expect(rows).toEqual([
      { before: { assignee: null, deadline: null }, after: { assignee: '核查员乙', deadline: '2027-01-15' } },
      { before: { assignee: '核查员乙', deadline: '2027-01-15' }, after: { assignee: '核查员丙', deadline: '2027-01-15' } },
    ]);
  });

  it('draws a sample with its seed and records key-indicator results for a few sources, which the per-city rates show', async () => {
    await page.selectOption('#sp-method', 'quota');
    await page.fill('#sp-name', '第一轮质量核查');
    await page.fill('#sp-seed', 'ui-seed-1');
    await page.click('#sp-form button[type=submit]');
    await page.waitForSelector('#sp-plan[data-seed=ui-seed-1]');
    expect(await page.locator('#sp-plan').textContent()).toContain('种子 ui-seed-1');
    const rows = page.locator('#sp-items tbody tr');
    expect(await rows.count()).toBeGreaterThan(3);
    const indicators = await page.locator('#sp-items tbody tr').first().locator('input[type=checkbox]').evaluateAll((b) => b.map((x) => (x as HTMLInputElement).dataset.indicator));
    expect(indicators).toEqual(['name', 'credit_code', 'industry_code', 'location', 'emissions', 'status']);
    const checked: string[] = [];
    for (let n = 0; n < 3; n++) {
      const tr = rows.nth(n);
      const census = (await tr.getAttribute('data-census'))!;
      if (n === 0) await tr.locator('input[data-indicator=location]').uncheck();
      await tr.locator('button.sp-save').click();
      await expect.poll(() => message('#sp-message')).toBe(`已保存 · ${census}`);
      checked.push(census);
    }
    const { rows: stored } = await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE entity = 'sample_check'`);
    expect(stored[0].n).toBe(3);
    const rates = await page.locator('#sp-rates tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const totals = rates.reduce((s, r) => ({ checked: s.checked + Number(r[3]), wrong: s.wrong + Number(r[4]) }), { checked: 0, wrong: 0 });
    expect(totals).toEqual({ checked: 3, wrong: 1 });
    const city = rates.find((r) => Number(r[4]) === 1)!;
    expect(city[6]).toMatch(/^\d+\.\d\d% – \d+\.\d\d%$/);
    expect(city[9]).toBe('否');
    expect(await page.locator('#sp-xlsx').getAttribute('href')).toMatch(/^\/api\/samples\/\d+\?format=xlsx$/);
    // A unit found in the field that the census missed, recorded from the screen: its city's omissions count it.
    const county = (await rows.first().locator('td').nth(3).textContent())!.slice(0, 6);
    const cityOf = (code: string) => page.locator(`#sp-rates tbody tr[data-city="${code.slice(0, 4)}00"] td`).nth(7).textContent();
    const omissionsBefore = Number(await cityOf(county));
    await page.fill('#sp-om-division', county);
    await page.fill('#sp-om-name', '核查中发现的小作坊');
    await page.fill('#sp-om-note', '现场发现，普查未收录');
    await page.click('#sp-omission button[type=submit]');
    await expect.poll(() => message('#sp-message')).toBe('已记录漏查 · 核查中发现的小作坊');
    await expect.poll(() => cityOf(county).then(Number)).toBe(omissionsBefore + 1);
    const { rows: om } = await db.pool.query(`SELECT actor, reason FROM edit_log WHERE entity = 'sample_omission'`);
    expect(om).toEqual([{ actor: '核查员甲', reason: '现场发现，普查未收录' }]);
    // A code that is not a division code is refused with the field and the fix, nothing stored.
    await page.fill('#sp-om-division', '44');
    const seen = errors.length;
    await page.click('#sp-omission button[type=submit]');
    await expect.poll(() => message('#sp-message')).toContain('6- or 9-digit division code');
    // The browser logs that refusal (the 400 was asked for): it is the only new error.
    expect(errors.splice(seen).every((e) => /400/.test(e))).toBe(true);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE entity = 'sample_omission'`)).rows[0].n).toBe(1);
    // The same seed draws the same sources.
    const again = await (await api('/samples', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method: 'quota', name: '复核', seed: 'ui-seed-1' }) })).json();
    const ids = (await (await api(`/samples/${again.id}`)).json()).items.map((i: { censusId: string }) => i.censusId);
    expect(ids).toEqual(expect.arrayContaining(checked));
    await shot('02-sample-zh');
  });

  it('shows both the findings and the units to verify per city and district in the dispatch view, and its weekly table', async () => {
    await page.click('#dp-refresh');
    const county = page.locator('#dp-rows tbody tr[data-level=county][data-code="440305"]');
    await county.waitFor();
    expect(Number(await county.getAttribute('data-findings'))).toBeGreaterThan(0);
    const units = await page.locator('#dp-rows tbody tr[data-level=county]').evaluateAll((trs) => trs.reduce((s, tr) => s + Number((tr as HTMLElement).dataset.units), 0));
    expect(units).toBeGreaterThan(0);
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code = '440305'`);
    expect(Number(await county.getAttribute('data-findings'))).toBe(rows[0].n);
    // One row per city and per district, named by its own division.
    const keys = await page.locator('#dp-rows tbody tr').evaluateAll((trs) => trs.map((tr) => `${(tr as HTMLElement).dataset.level}:${(tr as HTMLElement).dataset.code}`));
    expect(new Set(keys).size).toBe(keys.length);
    expect(await page.locator('#dp-rows tbody tr[data-level=city][data-code="440300"] td').nth(2).textContent()).toBe('深圳市');
    expect(await page.locator('#dp-weeks tbody tr').count()).toBe(8);
    const href = (await page.locator('#dp-xlsx').getAttribute('href'))!;
    const xlsx = await page.evaluate(async (h) => { const r = await fetch(h); return [r.status, r.headers.get('content-type')]; }, href);
    expect(xlsx).toEqual([200, expect.stringContaining('spreadsheetml')]);
    // The whole district to one person: every open item of 南山, each with its edit-log entry.
    const open = Number(await county.locator('td').nth(5).textContent());
    expect(open).toBeGreaterThan(0);
    const logged = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE action = 'assign'`)).rows[0].n as number;
    const logBefore = await logged();
    await county.locator('button[data-action=assign-district]').click();
    await page.fill('#dp-assign[data-code="440305"] #dp-assignee', '南山整改组');
    await page.fill('#dp-assign #dp-deadline', '2027-01-15');
    await page.click('#dp-assign button[type=submit]');
    await expect.poll(() => page.locator('#dp-message').textContent()).toMatch(/^440305：已分派疑似问题 \d+ 条、待核实单位 \d+ 个$/);
    await page.locator('#dp-rows tbody tr[data-level=county][data-code="440305"]').waitFor();
    expect(await page.locator('#dp-rows tbody tr[data-level=county][data-code="440305"] td').nth(7).textContent()).toBe('0');
    expect(await logged()).toBe(logBefore + open);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM review_finding f JOIN source s ON s.id = f.source_id
      WHERE left(s.division_code, 6) = '440305' AND f.status NOT IN ('accepted', 'fixed') AND (f.assignee IS DISTINCT FROM '南山整改组' OR f.deadline <> '2027-01-15')`)).rows[0].n).toBe(0);
    await shot('03-dispatch-zh');
  });

  it('shows every panel in English without raw codes', async () => {
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const text = (await page.locator('.quality-loop').textContent())!;
    expect(text).toContain('List comparison');
    expect(text).toContain('Sampling checks');
    expect(text).toContain('Rectification dispatch');
    expect(text).not.toMatch(/confirmed_operating|not_polluting|credit_code|org_code|ambiguous|unmatched|\binclude\b|\bexclude\b/);
    // The last message (an assignment) follows the switch too.
    expect(await page.locator('#lc-message').textContent()).toMatch(/^Units assigned: 1$/);
    expect(text).toContain('Include');
    for (const h of await page.locator('.quality-loop th').allTextContents()) expect(h).not.toMatch(/[\u4e00-\u9fff]/);
    await shot('04-en');
    expect(errors).toEqual([]);
  });
});
