import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadSmallFixture } from './small-fixture.ts';

interface Item { id: number; censusId: string | null; checkCode: string; status: string; rowVersion: number; suggestedLon: number | null; suggestedLat: number | null; sourceId: number; distanceM: number | null }

describe('review API: run, suspected-error list, exports, actions, history, quality', () => {
  let db: TestDatabase;
  let server: RunningServer;
  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/review${path}`, init);
  const users = new Map<string, TestUser>();
  const act = (id: number, body: unknown, user: string | null = '审核员甲') =>
    api(`/items/${id}/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...(user ? users.get(user)!.headers : {}) }, body: JSON.stringify(body) });
  const items = async (query = ''): Promise<{ total: number; items: Item[]; byDistrict: { code: string; findings: number; open: number }[] }> =>
    (await api(`/items?limit=500${query}`)).json();
  const find = async (censusId: string, check: string) => (await items()).items.find((i) => i.censusId === censusId && i.checkCode === check)!;

  beforeAll(async () => {
    db = await openTestDatabase('review_http');
    await loadSmallFixture(db.pool);
    server = await startTestServer(db);
    for (const name of ['审核员甲', 'reviewer-b', 'runner']) users.set(name, await testUser(db.pool, 'reviewer', null, name));
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('starts a run with POST /api/review/run and reports its progress until done', async () => {
    expect((await (await api('/quality')).json()).checkedAt).toBeNull();
    expect((await api('/run', { method: 'POST' })).status).toBe(401);
    const res = await api('/run', { method: 'POST', headers: users.get('runner')!.headers });
    const started = await res.json();
    expect({ status: res.status, started }).toMatchObject({ status: 202, started: {} });
    expect(started.totalUnits).toBeGreaterThan(2);
    let run = started;
    for (let i = 0; i < 100 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      run = await (await api(`/runs/${started.runId}`)).json();
    }
    expect(run).toMatchObject({ status: 'done', doneUnits: started.totalUnits, runId: started.runId });
  });

  it('lists one row per finding with the declared zone and division, distance and suggestion', async () => {
    const page = await items('&sort=census_id');
    const pairs = page.items.map((i) => `${i.censusId}:${i.checkCode}`).sort();
    expect(pairs).toEqual([
      'S-far:outside_declared_division', 'S-far:outside_declared_zone', 'S-out2:outside_declared_zone', 'S-out:outside_declared_zone',
      'S-swap:swapped_lat_lon', 'S-zero:coord_zero',
    ]);
    const swap = page.items.find((i) => i.checkCode === 'swapped_lat_lon')!;
    expect([swap.suggestedLon, swap.suggestedLat]).toEqual([113.931234, 22.531234]);
    const out = page.items.find((i) => i.censusId === 'S-out')!;
    expect(out).toMatchObject({ zoneCode: 'ZA', divisionCode: '440305', status: 'open' });
    // 113.981234 is 0.031234° east of zone A's edge at 113.95: about 3.2 km at 22.5°N.
    expect(out.distanceM).toBeGreaterThan(3100);
    expect(out.distanceM).toBeLessThan(3300);
    expect(page.byDistrict).toEqual([{ code: '440305', name: '南山区', findings: 6, open: 6 }]);
  });

  it('answers a page without the counts when asked with counts=false: the same rows, no total, no districts', async () => {
    const counted = await (await api('/items?sort=census_id&limit=3&offset=2')).json();
    expect(counted).toMatchObject({ total: 6, byDistrict: [{ code: '440305', findings: 6 }] });
    const page = await (await api('/items?sort=census_id&limit=3&offset=2&counts=false')).json();
    expect(page).not.toHaveProperty('total');
    expect(page).not.toHaveProperty('byDistrict');
    expect(page.items).toEqual(counted.items);
    const bad = await api('/items?counts=maybe');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/counts/);
  });

  it('filters by check, severity, division, industry and status, and rejects unknown values by name', async () => {
    expect((await items('&check=coord_zero')).items.map((i) => i.censusId)).toEqual(['S-zero']);
    expect((await items('&check=outside_declared_zone,coord_zero')).total).toBe(4);
    expect((await items('&severity=warning')).total).toBe(0);
    expect((await items('&division=440306')).total).toBe(0);
    const byIndustry = await items('&industry=2614');
    expect(byIndustry.total).toBeGreaterThan(0);
    expect(byIndustry.total).toBeLessThan(6);
    const bad = await api('/items?check=nonsense');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/check/);
  });

  it('exports the filtered list as CSV and XLSX that read back to the same rows', async () => {
    const csv = await (await api('/items?format=csv&sort=census_id')).text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toContain('检查项 check');
    expect(lines.length).toBe(7);
    expect(lines.filter((l) => l.includes('S-swap') && l.includes('swapped_lat_lon') && l.includes('113.931234'))).toHaveLength(1);
    const res = await api('/items?format=xlsx&sort=census_id');
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const rows = [...sheet.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map((m) => [...m[1]!.matchAll(/<(?:t|v)[^>]*>(.*?)<\/(?:t|v)>/g)].map((c) => c[1]));
    expect(rows).toHaveLength(7);
    expect(rows[0]).toContain('检查项 check');
    expect(rows.slice(1).map((r) => r[2]).sort()).toEqual(lines.slice(1).map((l) => l.split(',')[2]).sort());
    // The GIS formats of the same export service place each finding at its entered point.
    const geo = await (await api('/items?format=geojson&sort=census_id')).json();
    expect(geo.features).toHaveLength(6);
    const swap = geo.features.find((f: { properties: { census_id: string } }) => f.properties.census_id === 'S-swap');
    expect(swap.properties).toMatchObject({ check_code: 'swapped_lat_lon', suggested_lon: 113.931234 });
    expect(swap.geometry.type).toBe('Point');
    expect((await api('/items?format=kml')).status).toBe(400);
  });

  it('accepts a finding only with a reason and a named reviewer, and logs who, before, after and why', async () => {
    const zero = await find('S-zero', 'coord_zero');
    expect((await act(zero.id, { action: 'accept', rowVersion: zero.rowVersion })).status).toBe(400);
    expect((await act(zero.id, { action: 'accept', reason: '企业已注销' }, null)).status).toBe(401);
    const res = await act(zero.id, { action: 'accept', reason: '企业已注销', rowVersion: zero.rowVersion });
    expect(res.status).toBe(200);
    expect((await res.json()).finding).toMatchObject({ status: 'accepted', reviewedBy: '审核员甲' });
    const history = (await (await api(`/sources/${zero.sourceId}/history`)).json()).history;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ actor: '审核员甲', action: 'review.accept', reason: '企业已注销', before: { row_version: 1, finding: { status: 'open' } }, after: { row_version: 2, finding: { status: 'accepted' } } });
  });

  it('applies a suggested correction: the source moves, the finding is fixed, tiles learn of it', async () => {
    const swap = await find('S-swap', 'swapped_lat_lon');
    const tilesBefore = Number((await db.pool.query(`SELECT count(*) AS n FROM tile_change WHERE table_name = 'source'`)).rows[0].n);
    const res = await act(swap.id, { action: 'apply_suggestion', rowVersion: swap.rowVersion });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.finding.status).toBe('fixed');
    const { rows } = await db.pool.query('SELECT ST_X(geom) AS x, ST_Y(geom) AS y, row_version FROM source WHERE id = $1', [swap.sourceId]);
    expect(rows[0]).toEqual({ x: 113.931234, y: 22.531234, row_version: swap.rowVersion + 1 });
    const tilesAfter = Number((await db.pool.query(`SELECT count(*) AS n FROM tile_change WHERE table_name = 'source'`)).rows[0].n);
    expect(tilesAfter).toBeGreaterThan(tilesBefore);
    const open = (await items('&status=open')).items.filter((i) => i.censusId === 'S-swap');
    expect(open).toEqual([]);
    const history = (await (await api(`/sources/${swap.sourceId}/history`)).json()).history;
    expect(history.at(-1)).toMatchObject({ action: 'review.apply_suggestion', before: { lon: 22.531234, lat: 113.931234 }, after: { lon: 113.931234, lat: 22.531234 } });
  });

  it('refuses a move made on a stale row version (409), then moves with the current one', async () => {
    const out2 = await find('S-out2', 'outside_declared_zone');
    const stale = await act(out2.id, { action: 'move', lon: 113.93, lat: 22.58, rowVersion: out2.rowVersion - 1 });
    expect(stale.status).toBe(409);
    expect((await stale.json()).details).toEqual({ rowVersion: out2.rowVersion });
    // A second reviewer acts first; the first reviewer's view is now out of date.
    expect((await act(out2.id, { action: 'field_check', rowVersion: out2.rowVersion }, 'reviewer-b')).status).toBe(200);
    expect((await act(out2.id, { action: 'move', lon: 113.93, lat: 22.58, rowVersion: out2.rowVersion })).status).toBe(409);
    const fresh = await find('S-out2', 'outside_declared_zone');
    const moved = await act(fresh.id, { action: 'move', lon: 113.93, lat: 22.58, rowVersion: fresh.rowVersion, reason: '现场核实后拖动' });
    expect(moved.status).toBe(200);
    expect((await moved.json()).finding.status).toBe('fixed');
    const history = (await (await api(`/sources/${out2.sourceId}/history`)).json()).history;
    expect(history.map((h: { action: string; actor: string }) => `${h.actor}:${h.action}`)).toEqual(['reviewer-b:review.field_check', '审核员甲:review.move']);
  });

  it('marks a finding for a field check and counts it as still open in the quality figures', async () => {
    const far = await find('S-far', 'outside_declared_division');
    expect((await act(far.id, { action: 'field_check', reason: '需现场核实', rowVersion: far.rowVersion })).status).toBe(200);
    const quality = await (await api('/quality')).json();
    expect(quality.target).toBe(0.02);
    expect(Date.parse(quality.checkedAt)).toBeGreaterThan(Date.now() - 3_600_000);
    const nanshan = quality.rows.find((r: { level: string; code: string }) => r.level === 'county' && r.code === '440305');
    const city = quality.rows.find((r: { level: string; code: string }) => r.level === 'city' && r.code === '440300');
    // S-out (open) and S-far (field check) still have an error; S-swap, S-out2 were fixed, S-zero accepted.
    expect(nanshan).toMatchObject({ name: '南山区', sources: 7, withOpenError: 2, meetsTarget: false });
    expect(nanshan.errorRate).toBeCloseTo(2 / 7);
    expect(city).toMatchObject({ sources: 8, withOpenError: 2 });
    expect(nanshan.reviewed).toBeGreaterThanOrEqual(4);
    expect(nanshan.reviewProgress).toBeCloseTo(nanshan.reviewed / nanshan.findings);
  });

  it('keeps reviewers\' decisions through a new full run', async () => {
    const res = await api('/run', { method: 'POST', headers: users.get('runner')!.headers });
    const { runId } = await res.json();
    let run;
    for (let i = 0; i < 100; i++) {
      run = await (await api(`/runs/${runId}`)).json();
      if (run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run.status).toBe('done');
    const all = (await items()).items.map((i) => `${i.censusId}:${i.checkCode}:${i.status}`).sort();
    expect(all).toEqual([
      'S-far:outside_declared_division:field_check', 'S-far:outside_declared_zone:open', 'S-out2:outside_declared_zone:fixed',
      'S-out:outside_declared_zone:open', 'S-swap:swapped_lat_lon:fixed', 'S-zero:coord_zero:accepted',
    ]);
  });
});
