import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { inTransaction } from '../../geodata/db/transaction.ts';
import { LAYERS } from '../../geodata/model/layers.ts';
import type { RunningServer } from '../../server/start-server.ts';
import { testUser, type TestUser } from '../support/auth.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { csv, DIVISIONS, externalList, type Expect, type ListLine } from './external-list.ts';
import { labelledCensus } from './labelled-census.ts';

describe('census quality loop over HTTP: list comparison, sampling checks, dispatch', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let reviewer: TestUser;
  let district: TestUser;
  let lines: ListLine[];
  let listId = 0;
  const api = (path: string, init: RequestInit = {}, user: TestUser = reviewer) =>
    fetch(`${server.url}/api${path}`, { ...init, headers: { ...user.headers, ...(init.headers ?? {}) } });
  const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    db = await openTestDatabase('quality_loop_http');
    const set = labelledCensus('quality-http', 2000);
    await inTransaction(db.pool, async (c) => {
      await insertRows(c, LAYERS.source, set.rows, null);
      await insertRows(c, LAYERS.division, DIVISIONS, null);
    });
    lines = externalList(set.rows, set.variant);
    server = await startTestServer(db);
    reviewer = await testUser(db.pool, 'reviewer', null, '核查员');
    district = await testUser(db.pool, 'reviewer', '440305', '南山核查员');
  }, 300_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it('matches an external list by credit code, organisation code and name with recall >= 0.95 and precision >= 0.9', async () => {
    const form = new FormData();
    form.append('name', '市场监管名录');
    form.append('file', new Blob([csv(lines)], { type: 'text/csv' }), 'market.csv');
    const res = await api('/lists', { method: 'POST', body: form });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    listId = body.id;
    expect(body.units).toBe(lines.length);
    const all = await (await api(`/lists/${listId}/matches?limit=100000`)).json();
    const byLine = new Map<number, { outcome: string; censusId: string | null; matchKind: string | null }>(all.items.map((u: { line: number }) => [u.line, u]));
    const want = lines.map((l, i) => ({ ...l.expect, line: i + 2 }));
    const shouldMatch = want.filter((w) => w.kind === 'matched') as (Expect & { kind: 'matched'; line: number })[];
    const correct = shouldMatch.filter((w) => byLine.get(w.line)?.outcome === 'matched' && byLine.get(w.line)?.censusId === w.censusId);
    const matched = [...byLine.values()].filter((u) => u.outcome === 'matched');
    const recall = correct.length / shouldMatch.length;
    const precision = correct.length / matched.length;
    const missed = shouldMatch.filter((w) => !correct.includes(w)).slice(0, 5).map((w) => ({ line: w.line, want: w.censusId, got: byLine.get(w.line) }));
    expect({ recall: recall >= 0.95, missed }).toEqual({ recall: true, missed: recall >= 0.95 ? missed : [] });
    expect(precision).toBeGreaterThanOrEqual(0.9);
    for (const kind of ['unmatched', 'ambiguous'] as const) {
      const expected = want.filter((w) => w.kind === kind);
      const got = expected.filter((w) => byLine.get(w.line)?.outcome === kind);
      expect(expected.length, kind).toBeGreaterThanOrEqual(5);
      expect(got.length / expected.length, kind).toBeGreaterThanOrEqual(0.95);
    }
    const kinds = new Set(matched.map((u) => u.matchKind));
    expect([...kinds].sort()).toEqual(['credit_code', 'name', 'org_code']);
    // Units the census missed are placed by the county their address names (南山区 of 深圳市,
    // not the 南山区 of another city).
    const placed = all.items.filter((u: { outcome: string; address: string | null }) => u.outcome === 'unmatched' && u.address);
    expect(placed.length).toBeGreaterThanOrEqual(50);
    for (const u of placed) expect([u.address.includes('南山区') ? '440305' : '440111', u.address]).toEqual([u.divisionCode, u.address]);
    const page = await (await api(`/lists/${listId}/matches?kind=unmatched`)).json();
    expect(page.items.every((u: { outcome: string }) => u.outcome === 'unmatched')).toBe(true);
    expect(page.items[0]).toMatchObject({ line: expect.any(Number), censusId: null, matchKind: null, score: null });
  });

  it('works units through confirmation, phone and field check to a decision, each in the edit log', async () => {
    const ambiguous = (await (await api(`/lists/${listId}/matches?kind=ambiguous`)).json()).items[0];
    const unmatched = (await (await api(`/lists/${listId}/matches?kind=unmatched`)).json()).items;
    const pick = ambiguous.candidates[1].censusId;
    let res = await api(`/lists/${listId}/units/${ambiguous.line}/decision`, json({ confirm: pick, note: '电话确认为第二家' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'matched', censusId: pick });
    res = await api(`/lists/${listId}/units/${unmatched[0].line}/decision`, json({ phone: 'confirmed_operating', field: 'operating', decision: 'include', note: '现场核实在产，纳入' }));
    expect(await res.json()).toMatchObject({ decision: 'include', phoneResult: 'confirmed_operating', fieldResult: 'operating', decidedBy: '核查员' });
    res = await api(`/lists/${listId}/units/${unmatched[1].line}/decision`, json({ decision: 'exclude', note: '无污染工序' }));
    expect(res.status).toBe(200);
    res = await api(`/lists/${listId}/units/${unmatched[1].line}/decision`, json({ confirm: pick }));
    expect(res.status).toBe(409);
    res = await api(`/lists/${listId}/units/${unmatched[1].line}/decision`, json({ decision: 'maybe' }));
    expect(res.status).toBe(400);
    const log = await db.pool.query(`SELECT entity_id, actor, after FROM edit_log WHERE entity = 'list_unit' ORDER BY id`);
    expect(log.rows.map((r) => r.entity_id)).toEqual([`${listId}:${ambiguous.line}`, `${listId}:${unmatched[0].line}`, `${listId}:${unmatched[1].line}`]);
    expect(log.rows[1].after).toMatchObject({ decision: 'include', phone: 'confirmed_operating' });
  });

  it('shows a district reviewer only the units of its district, and refuses it another district\'s unit', async () => {
    const mine = await (await api(`/lists/${listId}/matches?limit=100000`, {}, district)).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((u: { divisionCode: string }) => u.divisionCode.startsWith('440305'))).toBe(true);
    const all = await (await api(`/lists/${listId}/matches?limit=100000`)).json();
    const other = all.items.find((u: { divisionCode: string | null }) => u.divisionCode && !u.divisionCode.startsWith('440305'));
    const res = await api(`/lists/${listId}/units/${other.line}/decision`, json({ decision: 'exclude' }), district);
    expect(res.status).toBe(404);
  });

  it('exports every view as XLSX that reads back with the same rows and Chinese intact', async () => {
    const res = await api(`/lists/${listId}/matches?kind=unmatched&format=xlsx`);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const json = await (await api(`/lists/${listId}/matches?kind=unmatched&limit=100000`)).json();
    expect(sheet.rowCount - 1).toBe(json.total);
    expect(sheet.getRow(2).getCell(2).value).toBe(json.items[0].name);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('draws a reproducible sample that meets its quotas, and computes error rates with Wilson intervals', async () => {
    const quota = { industrial: 30, agricultural: 5, domestic: 5 };
    const a = await (await api('/samples', json({ method: 'quota', name: '第一轮质量核查', seed: 'seed-1', quota }))).json();
    const b = await (await api('/samples', json({ method: 'quota', name: '复核', seed: 'seed-1', quota }))).json();
    const c = await (await api('/samples', json({ method: 'quota', name: '另一种子', seed: 'seed-2', quota }))).json();
    expect(a.seed).toBe('seed-1');
    for (const s of a.strata) expect(s.drawn).toBe(Math.min(s.population, s.wanted));
    expect(a.strata.some((s: { stratum: string }) => s.stratum === '440300:industrial')).toBe(true);
    const ids = async (id: number) => (await (await api(`/samples/${id}`)).json()).items.map((i: { censusId: string }) => i.censusId).sort();
    const [ia, ib, ic] = [await ids(a.id), await ids(b.id), await ids(c.id)];
    expect(ia).toEqual(ib);
    expect(ia).not.toEqual(ic);
    const share = await (await api('/samples', json({ method: 'share', name: '按区县10%', seed: 's', share: 0.1 }))).json();
    for (const s of share.strata) expect(s.drawn).toBe(Math.ceil(s.population * 0.1));

    const items = (await (await api(`/samples/${a.id}`)).json()).items as { censusId: string; divisionCode: string; name: string }[];
    const shenzhen = items.filter((i) => i.divisionCode.startsWith('4403'));
    for (const [n, item] of shenzhen.entries()) {
      const ok = n >= 2;
      const res = await api(`/samples/${a.id}/checks`, json({ censusId: item.censusId, indicators: { name: true, location: ok, emissions: true } }));
      expect(res.status).toBe(204);
    }
    expect((await api(`/samples/${a.id}/omissions`, json({ divisionCode: '440305', name: '某漏查五金厂' }))).status).toBe(201);
    const rates = await (await api(`/samples/${a.id}/rates`)).json();
    const sz = rates.rows.find((r: { city: string }) => r.city === '440300');
    expect(sz).toMatchObject({ checked: shenzhen.length, wrong: 2, omissions: 1, meetsTarget: false });
    expect(sz.errorRate).toBeCloseTo(2 / shenzhen.length, 6);
    expect(sz.errorInterval[0]).toBeLessThan(sz.errorRate);
    expect(sz.errorInterval[1]).toBeGreaterThan(sz.errorRate);
    const log = await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE entity IN ('sample_check', 'sample_omission')`);
    expect(log.rows[0].n).toBe(shenzhen.length + 1);
    const sheet = await api(`/samples/${a.id}?format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await sheet.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['抽样清单', '核查结果']);
    expect(book.worksheets[0]!.rowCount - 1).toBe(items.length);
    // The sampled source's name beside the checks recorded for it (a check once overwrote the name).
    const header = (book.worksheets[0]!.getRow(1).values as unknown[]).map(String);
    const nameCol = header.indexOf('单位名称 name');
    const censusCol = header.indexOf('普查编号 census id');
    const byCensus = new Map(items.map((i) => [i.censusId, i.name]));
    const first = book.worksheets[0]!.getRow(2);
    expect(first.getCell(nameCol).value).toBe(byCensus.get(String(first.getCell(censusCol).value)));
    expect(header).toContain('核查：单位名称 check: Unit name');
  });

  it('tracks findings and units to verify per city and district, with assignees, deadlines and overdue items', async () => {
    const started = await api('/review/run', { method: 'POST' });
    expect(started.status).toBe(202);
    let run = await started.json();
    for (let i = 0; i < 300 && run.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      run = await (await api(`/review/runs/${run.runId}`)).json();
    }
    expect(run.status).toBe('done');
    const today = new Date().toISOString().slice(0, 10);
    const before = await (await api(`/dispatch?today=${today}`)).json();
    const sz = before.rows.find((r: { level: string; code: string }) => r.level === 'county' && r.code === '440305');
    expect(sz.findings).toBeGreaterThan(0);
    expect(sz.units).toBeGreaterThan(0);
    expect(sz.overdue).toBe(0);
    const later = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    const overdue = (await (await api(`/dispatch?today=${later}`)).json()).rows.find((r: { code: string }) => r.code === '440305');
    expect(overdue.overdue).toBe(overdue.open);
    const finding = (await db.pool.query(`SELECT f.id FROM review_finding f JOIN source s ON s.id = f.source_id WHERE s.division_code = '440305' LIMIT 1`)).rows[0].id;
    const res = await api('/dispatch/assign', json({ findings: [Number(finding)], assignee: '张三', deadline: later }));
    expect(await res.json()).toEqual({ findings: 1, units: 0 });
    const after = (await (await api(`/dispatch?today=${today}`)).json()).rows.find((r: { code: string }) => r.code === '440305');
    expect(after.unassigned).toBe(sz.unassigned - 1);
    const unit = (await (await api(`/lists/${listId}/matches?kind=unmatched`)).json()).items[0];
    expect(await (await api('/dispatch/assign', json({ units: [`${listId}:${unit.line}`], assignee: '李四' }))).json()).toEqual({ findings: 0, units: 1 });
    expect((await (await api(`/lists/${listId}/matches?kind=unmatched`)).json()).items[0]).toMatchObject({ line: unit.line, assignee: '李四' });
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE entity = 'finding' AND action = 'assign'`)).rows[0].n).toBe(1);
    // A deadline alone keeps the assignee; each entry keeps what it replaced.
    expect(await (await api('/dispatch/assign', json({ units: [`${listId}:${unit.line}`], deadline: later }))).json()).toEqual({ findings: 0, units: 1 });
    expect((await (await api(`/lists/${listId}/matches?kind=unmatched`)).json()).items[0]).toMatchObject({ line: unit.line, assignee: '李四', deadline: later });
    const trail = (await db.pool.query(`SELECT before, after FROM edit_log WHERE entity = 'list_unit' AND entity_id = $1 AND action = 'assign' ORDER BY id`, [`${listId}:${unit.line}`])).rows;
    expect(trail).toEqual([
      { before: { assignee: null, deadline: null }, after: { assignee: '李四', deadline: null } },
      { before: { assignee: '李四', deadline: null }, after: { assignee: '李四', deadline: later } },
    ]);
    expect((await db.pool.query(`SELECT before, after FROM edit_log WHERE entity = 'finding' AND entity_id = $1 AND action = 'assign'`, [String(finding)])).rows)
      .toEqual([{ before: { assignee: null, deadline: null }, after: { assignee: '张三', deadline: later } }]);
    const weekly = await api(`/dispatch?today=${today}&format=xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await weekly.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['城市', '区县', '周报']);
    const districtView = await (await api(`/dispatch?today=${today}`, {}, district)).json();
    expect(districtView.rows.every((r: { code: string }) => r.code.startsWith('4403'))).toBe(true);
  });

  it('hands a whole district to one person: every open finding and unit it holds, each with its edit-log entry; counts what no district holds', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const deadline = new Date(Date.now() + 21 * 86400_000).toISOString().slice(0, 10);
    const row = async (user: TestUser = reviewer) => (await (await api(`/dispatch?today=${today}`, {}, user)).json()).rows
      .find((r: { level: string; code: string }) => r.level === 'county' && r.code === '440305');
    const before = await row();
    expect(before.open).toBeGreaterThan(0);
    const logged = async () => (await db.pool.query(`SELECT count(*)::int AS n FROM edit_log WHERE action = 'assign'`)).rows[0].n as number;
    const logBefore = await logged();
    // A district user may not hand over another district's work: nothing there is visible to it.
    const other = await api('/dispatch/assign', json({ division: '440106', assignee: '越权' }), district);
    expect(await other.json()).toEqual({ findings: 0, units: 0 });
    const res = await api('/dispatch/assign', json({ division: '440305', assignee: '王五', deadline, reason: '南山区整改' }));
    const answer = await res.json();
    expect(answer.findings + answer.units).toBe(before.open);
    expect(answer.units).toBeGreaterThan(0);
    expect(await row()).toMatchObject({ unassigned: 0, open: before.open, overdue: 0 });
    expect(await logged()).toBe(logBefore + before.open);
    const { rows: [stored] } = await db.pool.query(
      `SELECT count(*) FILTER (WHERE f.assignee = '王五' AND f.deadline = $1::date)::int AS n FROM review_finding f JOIN source s ON s.id = f.source_id
        WHERE left(s.division_code, 6) = '440305' AND f.status NOT IN ('accepted', 'fixed')`, [deadline]);
    expect(stored.n).toBe(answer.findings);
    // Units no district holds are counted beside the rows, not lost: one with neither point,
    // address nor match, as a national uploader's list can have.
    await db.pool.query(`INSERT INTO ext_list_unit (list_id, line, name, division_code) VALUES ($1, 99999, '无址单位', NULL)`, [listId]);
    const { rows: [none] } = await db.pool.query(
      `SELECT count(*)::int AS n FROM ext_list_unit WHERE division_code IS NULL AND outcome <> 'matched' AND decision IS NULL`);
    expect(none.n).toBeGreaterThan(0);
    expect((await (await api(`/dispatch?today=${today}`)).json()).unplaced).toEqual({ findings: 0, units: none.n });
    expect((await api('/dispatch/assign', json({ division: '4403', assignee: '王五' }))).status).toBe(400);
  });
});
