import { z } from 'zod';
import { PathId, route } from './contract.ts';

/**
 * The census offices' quality loop: list comparison (名录比对, /api/lists), sampling checks
 * (抽样核查, /api/samples) and rectification tracking (整改调度, /api/dispatch)
 * (server/routes/census-quality.ts; the work is in geodata/quality).
 */

// ---------- words ----------

export const OUTCOMES = ['matched', 'ambiguous', 'unmatched'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Jiangshan's steps after the comparison: the phone call, the field check, the decision. */
export const PHONE_RESULTS = ['confirmed_operating', 'confirmed_closed', 'unreachable', 'not_ours'] as const;
export const FIELD_RESULTS = ['operating', 'closed', 'not_found', 'not_polluting'] as const;
/** 纳入 (add to the census) / 不纳入 (not a census unit) / 已关闭 (closed). */
export const DECISIONS = ['include', 'exclude', 'closed'] as const;

/** The key indicators a sampling check verifies per source (关键指标), zh and en. */
export const KEY_INDICATORS = {
  name: { zh: '单位名称', en: 'Unit name' },
  credit_code: { zh: '统一社会信用代码', en: 'Credit code' },
  industry_code: { zh: '行业代码', en: 'Industry code' },
  location: { zh: '位置坐标', en: 'Location' },
  emissions: { zh: '排放量', en: 'Emissions' },
  status: { zh: '运行状态', en: 'Status' },
} as const;
export type KeyIndicator = keyof typeof KEY_INDICATORS;
export const INDICATOR_NAMES = Object.keys(KEY_INDICATORS) as [KeyIndicator, ...KeyIndicator[]];

/** The provincial plan's quota per city and source type (50 industrial, 10 agricultural, …). */
export const DEFAULT_QUOTA = { industrial: 50, agricultural: 10, domestic: 5, centralized: 1, mobile: 1 } as const;

// ---------- requests ----------

const Format = z.enum(['json', 'xlsx']).default('json');
/** A list's line number, as a path segment. */
export const Line = z.string().regex(/^[1-9][0-9]{0,8}$/, 'must be a line number (the header is 1)').transform(Number);
/** Multipart fields beside the list file. */
export const ListFields = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  encoding: z.string().regex(/^[a-z0-9-]{2,20}$/i, 'an encoding name such as utf8 or gbk').optional(),
}).strict();
export const MatchesQuery = z.object({
  kind: z.enum(OUTCOMES).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
  format: Format,
}).strict();
export const SampleQuery = z.object({ format: Format }).strict();
export const DispatchQuery = z.object({
  today: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date YYYY-MM-DD').optional(),
  weeks: z.coerce.number().int().min(1).max(104).default(8),
  city: z.string().regex(/^[0-9]{4}([0-9]{2})?$/, 'a 4- or 6-digit city code').optional(),
  format: Format,
}).strict();

export const UnitDecisionBody = z.object({
  phone: z.enum(PHONE_RESULTS).optional(),
  field: z.enum(FIELD_RESULTS).optional(),
  decision: z.enum(DECISIONS).optional(),
  note: z.string().trim().max(2000).optional(),
  /** For an ambiguous unit: the census id of the candidate it is, or null for "none of them". */
  confirm: z.string().trim().min(1).max(64).nullable().optional(),
}).strict().refine((b) => Object.keys(b).length > 0, 'give at least one of phone, field, decision, note, confirm');

const SourceTypeQuota = z.object({
  industrial: z.number().int().min(0).max(100_000).optional(),
  agricultural: z.number().int().min(0).max(100_000).optional(),
  domestic: z.number().int().min(0).max(100_000).optional(),
  centralized: z.number().int().min(0).max(100_000).optional(),
  mobile: z.number().int().min(0).max(100_000).optional(),
  other: z.number().int().min(0).max(100_000).optional(),
}).strict();

export const SamplePlanBody = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('quota'), name: z.string().trim().min(1).max(200), seed: z.string().trim().min(1).max(100).optional(),
    quota: SourceTypeQuota.default(DEFAULT_QUOTA), division: z.string().regex(/^[0-9]{2,12}$/).optional(),
  }).strict(),
  z.object({
    method: z.literal('share'), name: z.string().trim().min(1).max(200), seed: z.string().trim().min(1).max(100).optional(),
    share: z.number().gt(0).max(1).default(0.1), division: z.string().regex(/^[0-9]{2,12}$/).optional(),
  }).strict(),
]);

export const SampleCheckBody = z.object({
  censusId: z.string().trim().min(1).max(64),
  indicators: z.partialRecord(z.enum(INDICATOR_NAMES), z.boolean()).refine((r) => Object.keys(r).length > 0, 'name at least one indicator'),
  note: z.string().trim().max(2000).optional(),
}).strict();

export const OmissionBody = z.object({
  divisionCode: z.string().regex(/^[0-9]{6}([0-9]{3})?$/, 'a 6- or 9-digit division code'),
  name: z.string().trim().min(1).max(200),
  note: z.string().trim().max(2000).optional(),
}).strict();

export const AssignBody = z.object({
  findings: z.array(z.number().int().positive()).max(10_000).default([]),
  /** Units as "listId:line". */
  units: z.array(z.string().regex(/^[0-9]{1,18}:[0-9]{1,9}$/, 'a unit is "listId:line"')).max(10_000).default([]),
  /** A district (6 digits): every open finding and unit to verify it holds, besides the ones listed. */
  division: z.string().regex(/^[0-9]{6}$/, 'division is a 6-digit district code').optional(),
  assignee: z.string().trim().min(1).max(64).optional(),
  deadline: z.string().regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/, 'a date YYYY-MM-DD').optional(),
  reason: z.string().trim().max(2000).optional(),
}).strict().refine((b) => b.assignee !== undefined || b.deadline !== undefined, 'give an assignee, a deadline or both');

const IdParams = z.object({ id: PathId });

// ---------- answers ----------

const ListRowError = z.object({ line: z.number(), field: z.string(), reason: z.string() });
export const ListImport = z.object({
  id: z.number(), units: z.number(), matched: z.number(), ambiguous: z.number(), unmatched: z.number(),
  /** Rows that could not be units (no name, a coordinate that is no number), by line. */
  errors: z.array(ListRowError),
  elapsedMs: z.number(),
});
export const ListSummary = z.object({
  id: z.number(), name: z.string(), fileName: z.string().nullable(), uploadedBy: z.string(), units: z.number(), matched: z.number(),
  ambiguous: z.number(), unmatched: z.number(), decided: z.number(), createdAt: z.string(),
});
export const ListsAnswer = z.object({ lists: z.array(ListSummary) });
export const ListCandidate = z.object({ sourceId: z.number(), censusId: z.string(), name: z.string(), score: z.number(), distanceM: z.number().nullable().optional() });
export const UnitItem = z.object({
  line: z.number(),
  name: z.string(),
  creditCode: z.string().nullable(),
  orgCode: z.string().nullable(),
  address: z.string().nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  outcome: z.enum(OUTCOMES),
  matchKind: z.enum(['credit_code', 'org_code', 'name']).nullable(),
  score: z.number().nullable(),
  censusId: z.string().nullable(),
  sourceName: z.string().nullable(),
  candidates: z.array(ListCandidate),
  divisionCode: z.string().nullable(),
  phoneResult: z.enum(PHONE_RESULTS).nullable(),
  fieldResult: z.enum(FIELD_RESULTS).nullable(),
  decision: z.enum(DECISIONS).nullable(),
  decisionNote: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  assignee: z.string().nullable(),
  deadline: z.string().nullable(),
});
export const UnitsPage = z.object({ total: z.number(), items: z.array(UnitItem) });

export const PlanSummary = z.object({
  id: z.number(), name: z.string(), seed: z.string(), method: z.enum(['quota', 'share']), createdBy: z.string(), createdAt: z.string(), items: z.number(),
});
const Indicator = z.object({ zh: z.string(), en: z.string() });
export const SamplesAnswer = z.object({ plans: z.array(PlanSummary), indicators: z.record(z.enum(INDICATOR_NAMES), Indicator) });
export const StratumDraw = z.object({ stratum: z.string(), population: z.number(), wanted: z.number(), drawn: z.number() });
export const SamplePlan = z.object({
  id: z.number(), name: z.string(), seed: z.string(), method: z.enum(['quota', 'share']), params: z.unknown(), createdBy: z.string(), createdAt: z.string(),
  strata: z.array(StratumDraw), items: z.number(),
});
export const SampleItem = z.object({
  sourceId: z.number(),
  censusId: z.string(),
  name: z.string(),
  sourceType: z.string(),
  industryCode: z.string().nullable(),
  divisionCode: z.string(),
  stratum: z.string(),
  /** indicator → whether the census had it right; empty until checked. */
  checks: z.partialRecord(z.enum(INDICATOR_NAMES), z.boolean()),
  checkedBy: z.string().nullable(),
  checkedAt: z.string().nullable(),
});
export const SampleAnswer = z.object({
  plan: SamplePlan.omit({ strata: true, items: true }),
  items: z.array(SampleItem),
});
const Interval = z.tuple([z.number(), z.number()]);
export const RateRow = z.object({
  city: z.string(),
  name: z.string().nullable(),
  drawn: z.number(),
  checked: z.number(),
  wrong: z.number(),
  errorRate: z.number().nullable(),
  errorInterval: Interval.nullable(),
  omissions: z.number(),
  omissionRate: z.number().nullable(),
  omissionInterval: Interval.nullable(),
  meetsTarget: z.boolean().nullable(),
  provenBelowTarget: z.boolean().nullable(),
});
export const RatesAnswer = z.object({ target: z.number(), rows: z.array(RateRow) });
export const OmissionAnswer = z.object({ id: z.number() });
export const DispatchRow = z.object({
  level: z.enum(['city', 'county']), code: z.string(), name: z.string().nullable(), opened: z.number(), closed: z.number(), open: z.number(),
  overdue: z.number(), unassigned: z.number(), findings: z.number(), units: z.number(),
});
export const DispatchWeek = z.object({ week: z.string(), opened: z.number(), closed: z.number(), openAtEnd: z.number(), overdueAtEnd: z.number() });
export const DispatchAnswer = z.object({
  today: z.string(), rows: z.array(DispatchRow), weeks: z.array(DispatchWeek),
  /** Open items no district holds: not in the rows, so counted here. */
  unplaced: z.object({ findings: z.number(), units: z.number() }),
});
export const AssignAnswer = z.object({ findings: z.number(), units: z.number() });

export const CENSUS_QUALITY_ROUTES = {
  uploadList: route({ method: 'POST', path: '/api/lists', body: ListFields, response: ListImport, note: 'multipart: file + fields' }),
  lists: route({ method: 'GET', path: '/api/lists', response: ListsAnswer }),
  matches: route({ method: 'GET', path: '/api/lists/:id/matches', params: IdParams, query: MatchesQuery, response: UnitsPage, note: 'format=xlsx answers a file' }),
  decide: route({ method: 'POST', path: '/api/lists/:id/units/:line/decision', params: z.object({ id: PathId, line: Line }), body: UnitDecisionBody, response: UnitItem }),
  samples: route({ method: 'GET', path: '/api/samples', response: SamplesAnswer }),
  drawSample: route({ method: 'POST', path: '/api/samples', body: SamplePlanBody, response: SamplePlan }),
  sample: route({ method: 'GET', path: '/api/samples/:id', params: IdParams, query: SampleQuery, response: SampleAnswer, note: 'format=xlsx answers a file' }),
  check: route({ method: 'POST', path: '/api/samples/:id/checks', params: IdParams, body: SampleCheckBody, response: null, answer: '204 No Content' }),
  omission: route({ method: 'POST', path: '/api/samples/:id/omissions', params: IdParams, body: OmissionBody, response: OmissionAnswer }),
  rates: route({ method: 'GET', path: '/api/samples/:id/rates', params: IdParams, response: RatesAnswer }),
  dispatch: route({ method: 'GET', path: '/api/dispatch', query: DispatchQuery, response: DispatchAnswer, note: 'format=xlsx answers a file' }),
  assign: route({ method: 'POST', path: '/api/dispatch/assign', body: AssignBody, response: AssignAnswer }),
};
