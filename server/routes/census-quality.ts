import { Router, type Response } from 'express';
import { basename } from 'node:path';
import type pg from 'pg';
import {
  AssignBody, assignItems, decideUnit, dispatchSummary, dispatchUnplaced, dispatchWeeks, drawSample, getPlan, importList, KEY_INDICATORS,
  listLists, listPlans, listUnits, OmissionBody, recordCheck, recordOmission, SampleCheckBody,
  SamplePlanBody, sampleItems, sampleRates, UnitDecisionBody, workbookTables, type SheetSpec,
} from '../../geodata/quality/index.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, parseInput } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';
import { withUpload } from './import.ts';
import { sendExport } from '../send-export.ts';
import { sendJson } from '../send-json.ts';
import { API } from '../../geodata/model/api/index.ts';
import { PathId } from '../../geodata/model/api/contract.ts';
import { DispatchQuery, Line, ListFields, MatchesQuery, SampleQuery } from '../../geodata/model/api/census-quality.ts';

const Id = PathId;

const OUTCOME_ZH = { matched: '已匹配', ambiguous: '待确认', unmatched: '待核实（普查未收录）' } as const;

/**
 * The census offices' quality loop beyond coordinates: list comparison (名录比对), sampling
 * checks (抽样核查) and rectification tracking (整改调度). Reading needs a viewer, acting a
 * reviewer; everything runs in the caller's region scope. The attribute screening runs with
 * the review's full check run (POST /api/review/run).
 */
export function censusQualityRouter(ctx: AppContext): Router {
  const router = Router();
  const owner = ctx.db.pool;
  router.use(['/samples', '/dispatch', '/lists/:id/units'], jsonBody('1mb'));

  router.post('/lists', requireRole('reviewer'), async (req, res) => {
    await withUpload(req, ctx.config.maxUploadBytes, async ({ files, fields }) => {
      if (files.length !== 1) throw new HttpError(400, 'send exactly one list (CSV or XLSX) as multipart field "file"');
      const options = parseInput(ListFields, fields, 'field');
      const fileName = basename(files[0]!);
      const p = principal(req);
      const result = await importList(dbFor(req, owner), p.scope, p.name,
        { path: files[0]!, fileName, ...(options.encoding ? { encoding: options.encoding } : {}) }, options.name ?? fileName);
      sendJson(res.status(201).location(`/api/lists/${result.id}`), API.quality.uploadList, result);
    });
  });

  router.get('/lists', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.quality.lists, { lists: await listLists(dbFor(req, owner)) });
  });

  router.get('/lists/:id/matches', async (req, res) => {
    const id = parseInput(Id, req.params.id, 'list id');
    const q = parseInput(MatchesQuery, req.query, 'query');
    const page = await listUnits(dbFor(req, owner), id, q.kind ?? null, q.format === 'xlsx' ? 100_000 : q.limit, q.format === 'xlsx' ? 0 : q.offset);
    res.set('Cache-Control', 'no-store');
    if (q.format === 'xlsx') {
      await sendWorkbook(res, dbFor(req, owner), `list-${id}-${q.kind ?? 'all'}`, [{
        name: q.kind ? OUTCOME_ZH[q.kind] : '比对结果',
        columns: [
          { zh: '行号', en: 'line', key: 'line' }, { zh: '单位名称', en: 'name', key: 'name', width: 30 }, { zh: '统一社会信用代码', en: 'credit code', key: 'creditCode', width: 22 },
          { zh: '地址', en: 'address', key: 'address', width: 30 }, { zh: '比对结果', en: 'outcome', key: 'outcome' }, { zh: '匹配方式', en: 'match', key: 'matchKind' },
          { zh: '得分', en: 'score', key: 'score' }, { zh: '普查编号', en: 'census id', key: 'censusId', width: 18 }, { zh: '普查名称', en: 'census name', key: 'sourceName', width: 30 },
          { zh: '电话核实', en: 'phone', key: 'phoneResult' }, { zh: '现场核查', en: 'field', key: 'fieldResult' }, { zh: '处理结论', en: 'decision', key: 'decision' },
          { zh: '说明', en: 'note', key: 'decisionNote', width: 30 }, { zh: '责任人', en: 'assignee', key: 'assignee' }, { zh: '期限', en: 'deadline', key: 'deadline' },
        ],
        rows: page.items.map((u) => ({ ...u, outcome: `${OUTCOME_ZH[u.outcome]} ${u.outcome}` })),
      }]);
      return;
    }
    sendJson(res, API.quality.matches, page);
  });

  router.post('/lists/:id/units/:line/decision', requireRole('reviewer'), async (req, res) => {
    const id = parseInput(Id, req.params.id, 'list id');
    const line = parseInput(Line, req.params.line, 'line');
    const body = parseInput(UnitDecisionBody, req.body, 'body');
    sendJson(res, API.quality.decide, await decideUnit(dbFor(req, owner), principal(req).name, id, line, body));
  });

  router.get('/samples', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.quality.samples, { plans: await listPlans(dbFor(req, owner)), indicators: KEY_INDICATORS });
  });

  router.post('/samples', requireRole('reviewer'), async (req, res) => {
    const body = parseInput(SamplePlanBody, req.body, 'body');
    const p = principal(req);
    const plan = await drawSample(dbFor(req, owner), p.scope, p.name, body);
    sendJson(res.status(201).location(`/api/samples/${plan.id}`), API.quality.drawSample, plan);
  });

  router.get('/samples/:id', async (req, res) => {
    const id = parseInput(Id, req.params.id, 'sample id');
    const { format } = parseInput(SampleQuery, req.query, 'query');
    const db = dbFor(req, owner);
    const plan = await getPlan(db, id);
    if (!plan) throw new HttpError(404, `no sample plan ${id} that you may see`);
    const items = await sampleItems(db, id);
    res.set('Cache-Control', 'no-store');
    if (format === 'xlsx') {
      const rates = await sampleRates(db, id);
      const indicators = Object.entries(KEY_INDICATORS);
      await sendWorkbook(res, db, `sample-${id}`, [
        {
          name: '抽样清单',
          columns: [
            { zh: '普查编号', en: 'census id', key: 'censusId', width: 18 }, { zh: '单位名称', en: 'name', key: 'name', width: 30 },
            { zh: '类型', en: 'type', key: 'sourceType' }, { zh: '行业', en: 'industry', key: 'industryCode' }, { zh: '区划', en: 'division', key: 'divisionCode' },
            { zh: '层', en: 'stratum', key: 'stratum', width: 22 },
            // Checks get keys of their own: the indicators `name` and `industry_code` would overwrite the source's.
            ...indicators.map(([k, v]) => ({ zh: `核查：${v.zh}`, en: `check: ${v.en}`, key: `check_${k}` })),
            { zh: '核查人', en: 'checked by', key: 'checkedBy' },
          ],
          rows: items.map((i) => ({ ...i, ...Object.fromEntries(indicators.map(([k]) => [`check_${k}`, shownCheck(i.checks[k as keyof typeof KEY_INDICATORS])])) })),
        },
        {
          name: '核查结果',
          columns: [
            { zh: '城市代码', en: 'city', key: 'city' }, { zh: '城市', en: 'name', key: 'name' }, { zh: '抽取', en: 'drawn', key: 'drawn' },
            { zh: '已核查', en: 'checked', key: 'checked' }, { zh: '有误', en: 'wrong', key: 'wrong' }, { zh: '差错率', en: 'error rate', key: 'errorRate' },
            { zh: '差错率下限', en: '95% low', key: 'errorLow' }, { zh: '差错率上限', en: '95% high', key: 'errorHigh' },
            { zh: '漏查', en: 'omissions', key: 'omissions' }, { zh: '漏查率', en: 'omission rate', key: 'omissionRate' },
            { zh: '达标(≤2%)', en: 'meets target', key: 'meetsTarget' },
          ],
          rows: rates.rows.map((r) => ({ ...r, errorLow: r.errorInterval?.[0] ?? null, errorHigh: r.errorInterval?.[1] ?? null })),
        },
      ]);
      return;
    }
    sendJson(res, API.quality.sample, { plan, items });
  });

  router.post('/samples/:id/checks', requireRole('reviewer'), async (req, res) => {
    const id = parseInput(Id, req.params.id, 'sample id');
    const body = parseInput(SampleCheckBody, req.body, 'body');
    await recordCheck(dbFor(req, owner), principal(req).name, id, body);
    res.status(204).end();
  });

  router.post('/samples/:id/omissions', requireRole('reviewer'), async (req, res) => {
    const id = parseInput(Id, req.params.id, 'sample id');
    const body = parseInput(OmissionBody, req.body, 'body');
    const db = dbFor(req, owner);
    if (!(await getPlan(db, id))) throw new HttpError(404, `no sample plan ${id} that you may see`);
    sendJson(res.status(201), API.quality.omission, { id: await recordOmission(db, principal(req).name, id, body) });
  });

  router.get('/samples/:id/rates', async (req, res) => {
    const id = parseInput(Id, req.params.id, 'sample id');
    sendJson(res.set('Cache-Control', 'no-store'), API.quality.rates, await sampleRates(dbFor(req, owner), id));
  });

  router.get('/dispatch', async (req, res) => {
    const q = parseInput(DispatchQuery, req.query, 'query');
    const today = q.today ?? new Date().toISOString().slice(0, 10);
    const db = dbFor(req, owner);
    const rows = await dispatchSummary(db, today);
    const weeks = await dispatchWeeks(db, today, q.weeks, q.city ?? null);
    res.set('Cache-Control', 'no-store');
    if (q.format === 'xlsx') {
      const summaryColumns = [
        { zh: '代码', en: 'code', key: 'code' }, { zh: '名称', en: 'name', key: 'name', width: 16 }, { zh: '累计', en: 'raised', key: 'opened' },
        { zh: '已整改', en: 'closed', key: 'closed' }, { zh: '未整改', en: 'open', key: 'open' }, { zh: '超期', en: 'overdue', key: 'overdue' },
        { zh: '未分派', en: 'unassigned', key: 'unassigned' }, { zh: '疑似问题', en: 'findings', key: 'findings' }, { zh: '待核实单位', en: 'units', key: 'units' },
      ];
      await sendWorkbook(res, db, `dispatch-${today}`, [
        { name: '城市', columns: summaryColumns, rows: rows.filter((r) => r.level === 'city') },
        { name: '区县', columns: summaryColumns, rows: rows.filter((r) => r.level === 'county') },
        {
          name: '周报',
          columns: [
            { zh: '周（周一）', en: 'week', key: 'week', width: 14 }, { zh: '新增', en: 'raised', key: 'opened' }, { zh: '整改', en: 'closed', key: 'closed' },
            { zh: '周末未整改', en: 'open at end', key: 'openAtEnd' }, { zh: '周末超期', en: 'overdue at end', key: 'overdueAtEnd' },
          ],
          rows: weeks,
        },
      ]);
      return;
    }
    sendJson(res, API.quality.dispatch, { today, rows, weeks, unplaced: await dispatchUnplaced(db) });
  });

  router.post('/dispatch/assign', requireRole('reviewer'), async (req, res) => {
    const body = parseInput(AssignBody, req.body, 'body');
    sendJson(res, API.quality.assign, await assignItems(dbFor(req, owner), principal(req).name, body));
  });

  return router;
}

function shownCheck(v: boolean | undefined): string {
  return v === undefined ? '' : v ? '正确' : '有误';
}

/** A workbook of these sheets through the one export service (geodata/export/). */
async function sendWorkbook(res: Response, db: pg.Pool, fileName: string, sheets: SheetSpec[]): Promise<void> {
  await sendExport(res, { format: 'xlsx', db, fileName, table: workbookTables(sheets) });
}
