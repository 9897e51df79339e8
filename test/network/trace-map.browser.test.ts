import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { ISSUE_COLOURS } from '../../web/src/trace/network-check.ts';
import { CONTRIBUTOR_COLOUR, TRACE_COLOUR } from '../../web/src/trace/trace-layers.ts';
import { testUser } from '../support/auth.ts';
import { ARTIFACTS, colourShareOf, HAS_CHROMIUM, openPage, signInFromMap, startDemoInBrowser, waitIdle, type DemoInBrowser } from '../web/browser.ts';

/**
 * Issue #15, "trace on the map": from a section, the upstream trace is drawn (deck.gl) on the main
 * map and on the battle map, and what is drawn is what `GET /api/network/trace` answers: the same
 * ranked contributors, the same reaches, the same validity note.
 */
describe.skipIf(!HAS_CHROMIUM)('an upstream trace drawn on the maps, on the demo region', () => {
  let demo: DemoInBrowser;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let closePage: () => Promise<void>;
  /** The section with the most sources upstream, and the API's answer for it. */
  let code: string;
  let answer: any;
  // Each step logs how long it took: the embedded engine on a loaded machine is slow to first idle.
  const step = (label: string, started: number) => console.log(`trace browser: ${label} after ${Date.now() - started} ms`);

  const mapShot = () => page.locator('#map').screenshot();

  beforeAll(async () => {
    demo = await startDemoInBrowser('trace_browser');
    ({ server, browser } = demo);
    const loads = await (await fetch(`${server.url}/api/sections/loads`)).json() as { sections: { code: string; sources: number }[] };
    code = [...loads.sections].sort((a, b) => b.sources - a.sources || a.code.localeCompare(b.code))[0]!.code;
    const res = await fetch(`${server.url}/api/network/trace?from=${encodeURIComponent(code)}&direction=upstream&kind=section&paths=true&limit=20`);
    expect(res.status).toBe(200);
    answer = await res.json();
    ({ page, errors, close: closePage } = await openPage(browser));
  }, 600_000);

  afterAll(async () => {
    await closePage?.();
    await demo?.close();
  });

  it('draws the upstream trace of a section from its detail panel on the main map, as the API answers it', async () => {
    expect(answer.trace.sources.length).toBeGreaterThan(1);
    expect(answer.paths.length).toBe(answer.trace.reaches.length);
    const t0 = Date.now();
    await page.goto(`${server.url}/`);
    await waitIdle(page);
    step('first idle', t0);
    await page.locator('#search-input').fill(code);
    await page.locator(`#search-results li[data-layer=section][data-id="${code}"]`).click();
    await page.locator('#detail-panel button[data-action=trace-upstream]').click();
    await page.waitForFunction(() => document.querySelectorAll('#trace-panel ol[data-table=trace-ranked] li').length > 0);
    await waitIdle(page);
    step('trace drawn', t0);
    await page.screenshot({ path: `${ARTIFACTS}trace-01-main-map.png` });

    const drawn = await page.evaluate(() => (window as any).__yzt.traceAnswer());
    expect(drawn.trace.reaches).toEqual(answer.trace.reaches);
    expect(drawn.paths.map((p: { id: number }) => p.id)).toEqual(answer.trace.reaches);
    // The ranked list is the API's contributors, in its order.
    const listed = await page.locator('#trace-panel ol[data-table=trace-ranked] li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(listed).toEqual(answer.trace.sources.map((c: { censusId: string }) => c.censusId));
    expect(await page.locator('#trace-panel').getAttribute('data-start')).toBe(code);
    // The validity the API gives, in the interface's language (zh by default).
    const note = await page.locator('[data-testid=trace-validity]').textContent();
    if (answer.trace.validity.warning) expect(note).toBe(answer.trace.validity.warning.zh);
    else expect(note).toContain('无疑点');

    // The path and the contributors are on the canvas, and go when the trace is cleared.
    const withTrace = await mapShot();
    const pathShare = await colourShareOf(page, withTrace, TRACE_COLOUR, 30);
    expect(pathShare).toBeGreaterThan(0.002);
    expect(await colourShareOf(page, withTrace, CONTRIBUTOR_COLOUR, 30)).toBeGreaterThan(0.00005);
    step('pixels counted', t0);
    await page.locator('#trace-panel button[data-action=clear-trace]').click();
    await waitIdle(page);
    step('cleared', t0);
    expect(await page.locator('#trace-panel').isHidden()).toBe(true);
    expect(await colourShareOf(page, await mapShot(), TRACE_COLOUR, 30)).toBeLessThan(pathShare / 20);
    expect(errors).toEqual([]);
  }, 240_000);

  it('draws the upstream trace of a source from its detail panel: what drains to where its water enters, without itself', async () => {
    // Of the section's ranked sources, the one with the most sources above it.
    let best: { censusId: string; answer: any } | null = null;
    for (const c of answer.trace.sources as { censusId: string }[]) {
      const res = await fetch(`${server.url}/api/network/trace?from=${encodeURIComponent(c.censusId)}&direction=upstream&kind=source&paths=true&limit=20`);
      expect(res.status).toBe(200);
      const up = await res.json();
      if (!best || up.trace.totals.sources > best.answer.trace.totals.sources) best = { censusId: c.censusId, answer: up };
    }
    expect(best!.answer.trace.totals.sources).toBeGreaterThan(0);
    const { censusId, answer: up } = best!;
    expect(up.trace.sources.map((c: { censusId: string }) => c.censusId)).not.toContain(censusId);
    await page.goto(`${server.url}/`);
    await waitIdle(page);
    await page.locator('#search-input').fill(censusId);
    await page.locator(`#search-results li[data-layer=source][data-id="${censusId}"]`).click();
    await page.locator('#detail-panel button[data-action=trace-upstream]').click();
    await page.waitForFunction(() => document.querySelectorAll('#trace-panel ol[data-table=trace-ranked] li').length > 0);
    await waitIdle(page);
    await page.screenshot({ path: `${ARTIFACTS}trace-02-source-upstream.png` });
    expect(await page.locator('#trace-panel').getAttribute('data-start')).toBe(censusId);
    expect(await page.locator('#trace-panel').getAttribute('data-direction')).toBe('upstream');
    const drawn = await page.evaluate(() => (window as any).__yzt.traceAnswer());
    expect(drawn.trace.reaches).toEqual(up.trace.reaches);
    const listed = await page.locator('#trace-panel ol[data-table=trace-ranked] li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(listed).toEqual(up.trace.sources.map((c: { censusId: string }) => c.censusId));
    expect(await colourShareOf(page, await mapShot(), TRACE_COLOUR, 30)).toBeGreaterThan(0);
    await page.locator('#trace-panel button[data-action=clear-trace]').click();
    expect(errors).toEqual([]);
  }, 240_000);

  it('a section that is not on the river network gets the reason, not an empty drawing', async () => {
    const res = await fetch(`${server.url}/api/network/trace?from=NO-SUCH-SECTION&direction=upstream`);
    expect(res.status).toBe(404);
    await page.evaluate(() => (window as any).__yzt.trace('NO-SUCH-SECTION', 'upstream', 'section'));
    expect(await page.locator('[data-testid=trace-validity]').textContent()).toContain('NO-SUCH-SECTION');
    expect(await page.evaluate(() => (window as any).__yzt.traceAnswer())).toBeNull();
    // The one 404 is the refusal asked for.
    expect(errors.filter((e) => !e.includes('NO-SUCH-SECTION') && !e.includes('404'))).toEqual([]);
    errors.length = 0;
  }, 60_000);

  it('draws the same trace on the battle map, as a click on a section of its ranking asks for it', async () => {
    await page.goto(`${server.url}/battle`);
    await page.waitForFunction(() => (window as any).__battle !== undefined && document.querySelectorAll('#basin option').length > 1);
    await page.evaluate(() => (window as any).__battle.whenLoaded());
    await page.evaluate((c) => (window as any).__battle.trace(c), code);
    const drawn = await page.evaluate(() => (window as any).__battle.state.trace);
    expect(drawn.trace.reaches).toEqual(answer.trace.reaches);
    const listed = await page.locator('#trace-panel ol[data-table=trace-ranked] li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id));
    expect(listed).toEqual(answer.trace.sources.map((c: { censusId: string }) => c.censusId));
    // Frame the trace, then look for its colour on the dark map.
    const box = answer.paths.flatMap((p: { path: [number, number][] }) => p.path);
    const xs = box.map((p: [number, number]) => p[0]), ys = box.map((p: [number, number]) => p[1]);
    await page.evaluate((b) => (window as any).__battle.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { duration: 0, padding: 80 }),
      [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}trace-02-battle-map.png` });
    expect(await colourShareOf(page, await mapShot(), TRACE_COLOUR, 30)).toBeGreaterThan(0.001);
    expect(errors).toEqual([]);
  }, 240_000);

  // Last: the admin's decision rebuilds the demo's network.
  it('shows the network check on the main map (outlets and doubts of the last build, as the API lists them), and an admin confirms an outlet there', async () => {
    const admin = await testUser(demo.db.pool, 'admin', null, '河网管理员');
    await page.goto(`${server.url}/`);
    await waitIdle(page);
    await signInFromMap(page, admin);
    await waitIdle(page);
    const listed = await (await fetch(`${server.url}/api/network/issues`, { headers: admin.headers })).json() as { issues: { reach: number; kind: string; how?: string; path: [number, number][] }[] };
    const outlets = listed.issues.filter((i) => i.kind === 'outlet');
    expect(outlets.length).toBeGreaterThan(0);
    await page.click('#tools button[data-action=network-check]');
    await page.waitForSelector('#network-panel #nc-list li');
    expect(await page.locator('#network-panel #nc-list li').count()).toBe(Math.min(listed.issues.length, 300));
    expect(await page.locator('#nc-counts li[data-kind=outlet]').textContent()).toContain(String(outlets.length));
    // Frame the first outlet and find its colour on the canvas.
    const first = outlets[0]!;
    await page.locator(`#nc-list li[data-reach="${first.reach}"] .nc-name`).click();
    await waitIdle(page);
    await page.screenshot({ path: `${ARTIFACTS}trace-03-network-check.png` });
    expect(await colourShareOf(page, await mapShot(), ISSUE_COLOURS.outlet, 30)).toBeGreaterThan(0.0005);
    // The admin confirms it: the network is rebuilt with it declared, and the list says so.
    await page.locator(`#nc-list li[data-reach="${first.reach}"] button[data-action=confirm-outlet]`).click();
    await page.waitForFunction((reach) => {
      const check = (window as any).__yzt.networkCheckAnswer();
      return check?.issues.some((i: { reach: number; kind: string; how?: string }) => i.reach === reach && i.kind === 'outlet' && i.how === 'declared');
    }, first.reach, { timeout: 120_000 });
    const after = await (await fetch(`${server.url}/api/network/issues`, { headers: admin.headers })).json();
    expect(after.options).toMatchObject({ direction: 'auto', outlets: [first.reach] });
    expect(await page.locator(`#nc-list li[data-reach="${first.reach}"] button[data-action=confirm-outlet]`).count()).toBe(0);
    await page.click('#tools button[data-action=network-check]');
    expect(await page.locator('#network-panel').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  }, 240_000);
});
