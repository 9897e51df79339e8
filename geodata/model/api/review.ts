import { z } from 'zod';
import { EXPORT_FORMATS, SHAPEFILE_ENCODINGS } from '../export-formats.ts';
import { CHECK_CODES, COORDINATE_CHECKS, SEVERITIES, type CheckCode } from '../../review/check-catalog.ts';
import { REVIEW_STATUSES } from '../vocabulary.ts';
import { PathId, route } from './contract.ts';

/**
 * /api/review: check runs, the suspected-error list (疑似错误清单), review actions, comments,
 * history and quality figures (server/routes/review.ts). The check catalog it names codes from
 * (geodata/review/check-catalog.ts) is pure data, like the vocabulary.
 */

// ---------- requests ----------

/** The list's orders; the SQL of each is in geodata/review/findings-list.ts, keyed by these names. */
export const ITEM_SORTS = ['severity', 'check', 'census_id', 'division', 'distance', 'status', 'found'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

const list = <T extends string>(values: readonly T[]) =>
  z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values as [T, ...T[]])));

/** Query-string filters of the list; unknown values are rejected by name. */
export const ItemsQuery = z.object({
  check: list(CHECK_CODES).optional(),
  severity: list(SEVERITIES).optional(),
  status: list(REVIEW_STATUSES).optional(),
  division: z.string().regex(/^[0-9]{2,9}$/, 'division must be 2-9 digits of a division code').optional(),
  industry: z.string().regex(/^[0-9]{1,4}$/, 'industry must be 1-4 digits of an industry code').optional(),
  batch: z.string().regex(/^[0-9]{1,18}$/, 'batch must be the number of an import batch').optional(),
  source: z.coerce.number().int().positive().optional(),
  /** One reviewer's findings ("my queue": the route puts the caller's name here for `me`). */
  assignee: z.string().trim().min(1).max(64).optional(),
  sort: z.enum(ITEM_SORTS).default('severity'),
  limit: z.coerce.number().int().min(1).max(200_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /**
   * Whether to count the filtered list (total, per district). A client paging through a list
   * whose total it holds asks with counts=false: the counts read every matching finding
   * (2 s at 122,504 findings), the page only its rows.
   */
  counts: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});
/** `format` picks the answer: the JSON page, or the whole filtered list as a CSV or XLSX file. */
/** The list as JSON, or in any format of the export service; `encoding` picks the shapefile's DBF encoding. */
export const ItemsFormatQuery = z.object({ format: z.enum(['json', ...EXPORT_FORMATS]).default('json'), encoding: z.enum(SHAPEFILE_ENCODINGS).optional() });

/** The checks whose finding carries a corrected point (swap, DMS re-read, the two datums), from the catalog. */
export const CORRECTIONS = COORDINATE_CHECKS.filter((c) => c.suggests).map((c) => c.code) as [CheckCode, ...CheckCode[]];

/**
 * What a reviewer does with one finding: accept the point as it is (reason required), apply
 * the suggested correction, move the point to a new place, or send it to a field check (现场核实).
 */
export const ReviewActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), reason: z.string().trim().min(1, 'accepting a finding needs a reason'), rowVersion: z.number().int().optional() }),
  z.object({
    action: z.literal('apply_suggestion'), reason: z.string().trim().optional(), rowVersion: z.number().int(),
    /** Which candidate correction, when a finding carries more than one (ambiguous). */
    candidate: z.enum(CORRECTIONS).optional(),
  }),
  z.object({
    action: z.literal('move'), reason: z.string().trim().optional(), rowVersion: z.number().int(),
    lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90),
  }),
  z.object({ action: z.literal('field_check'), reason: z.string().trim().optional(), rowVersion: z.number().int().optional() }),
]);

/** One correction applied to many findings: a list of them, or every open datum finding of one import batch. */
export const BatchActionBody = z.object({
  action: z.literal('apply_suggestion'),
  reason: z.string().trim().optional(),
  findingIds: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
  importBatch: z.number().int().positive().optional(),
}).refine((b) => (b.findingIds === undefined) !== (b.importBatch === undefined), 'give either findingIds or importBatch');

export const UndoBody = z.object({ editLogId: z.number().int().positive() });

/** A district's open findings handed to one reviewer. */
export const AssignDistrictBody = z.object({
  division: z.string().regex(/^[0-9]{6}([0-9]{3})?$/, 'division must be a 6-digit district code (or a 9-digit township)'),
  assignee: z.string().trim().min(1, 'assignee is the reviewer\'s user name').max(64),
  reason: z.string().trim().max(2000).optional(),
}).strict();

export const CommentBody = z.object({
  body: z.string().trim().min(1, 'a comment needs some text').max(2000, 'a comment is at most 2000 characters'),
}).strict();

export const IdParams = z.object({ id: PathId });

// ---------- answers ----------

export const Check = z.object({
  code: z.enum(CHECK_CODES as [CheckCode, ...CheckCode[]]),
  nameZh: z.string(), nameEn: z.string(),
  severity: z.enum(SEVERITIES as ['error', 'warning', 'info']),
  subject: z.enum(['source', 'outfall', 'group']),
  suggests: z.boolean(),
  zh: z.string(), en: z.string(),
});
export const ChecksAnswer = z.object({ checks: z.array(Check) });

export const RunSummary = z.object({
  runId: z.number(),
  status: z.enum(['running', 'done', 'failed']),
  scope: z.enum(['all', 'source']),
  totalUnits: z.number(),
  doneUnits: z.number(),
  /** Findings raised by this run (all statuses), once it is done. */
  findings: z.number().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number().nullable(),
});

/** A candidate correction of a finding (in its details). */
export const Candidate = z.object({ code: z.string(), lon: z.number(), lat: z.number(), shift_m: z.number().nullable().optional(), rank: z.number().optional() });

/** One row of the suspected-error list (疑似错误清单). */
export const FindingItem = z.object({
  id: z.number(),
  subjectKind: z.enum(['source', 'outfall', 'import_batch', 'division']),
  subjectKey: z.string(),
  sourceId: z.number().nullable(),
  censusId: z.string().nullable(),
  name: z.string().nullable(),
  checkCode: z.enum(CHECK_CODES as [CheckCode, ...CheckCode[]]),
  severity: z.string(),
  explanationZh: z.string(),
  explanationEn: z.string(),
  zoneCode: z.string().nullable(),
  divisionCode: z.string().nullable(),
  industryCode: z.string().nullable(),
  distanceM: z.number().nullable(),
  suggestedLon: z.number().nullable(),
  suggestedLat: z.number().nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  status: z.string(),
  rowVersion: z.number().nullable(),
  /** What the check found: candidates, shifts, alternatives; more keys per check. */
  details: z.looseObject({
    candidates: z.array(Candidate).optional(),
    ambiguous: z.boolean().optional(),
    shift_m: z.number().optional(),
    alternatives: z.array(z.string()).optional(),
  }),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  assignee: z.string().nullable(),
});
export const ItemsPage = z.object({
  /** Findings in the filter; absent when asked with counts=false, as is byDistrict. */
  total: z.number().optional(),
  items: z.array(FindingItem),
  /** Per district (6-digit code): findings in the filter, and how many are still open. */
  byDistrict: z.array(z.object({ code: z.string().nullable(), name: z.string().nullable(), findings: z.number(), open: z.number() })).optional(),
});
export const NearbySource = z.object({
  id: z.number(), censusId: z.string(), name: z.string(), lon: z.number(), lat: z.number(), distanceM: z.number(), checks: z.array(z.string()),
});
/** A finding with what the review map draws besides its outlines: the sources around it. */
export const FindingForMap = FindingItem.extend({ nearby: z.array(NearbySource) });
export const ReviewResult = z.object({ finding: FindingItem, rowVersion: z.number().nullable(), editLogId: z.number() });
export const BatchResult = z.object({
  done: z.number(),
  editLogIds: z.array(z.number()),
  failed: z.array(z.object({ id: z.number(), error: z.string() })),
  datum: z.string().nullable(),
});
export const UndoResult = z.object({ editLogId: z.number() });
export const Assigned = z.object({ assigned: z.number() });
export const FindingComment = z.object({ id: z.number(), findingId: z.number(), author: z.string(), body: z.string(), at: z.string() });
export const CommentsAnswer = z.object({ comments: z.array(FindingComment) });
export const NewComment = FindingComment.extend({ editLogId: z.number() });
/** A point as the edit log keeps it: before and after hold what changed (lon/lat for a move). */
const LoggedValue = z.unknown();
export const HistoryEntry = z.object({
  id: z.number(), at: z.string(), actor: z.string(), action: z.string(), before: LoggedValue, after: LoggedValue, reason: z.string().nullable(),
});
export const HistoryAnswer = z.object({ history: z.array(HistoryEntry) });
export const QualityRow = z.object({
  level: z.enum(['city', 'county']),
  code: z.string(),
  name: z.string().nullable(),
  sources: z.number(),
  withOpenError: z.number(),
  errorRate: z.number(),
  meetsTarget: z.boolean(),
  findings: z.number(),
  reviewed: z.number(),
  reviewProgress: z.number(),
});
export const QualityFigures = z.object({ target: z.number(), checkedAt: z.string().nullable(), rows: z.array(QualityRow) });

export const REVIEW_ROUTES = {
  checks: route({ method: 'GET', path: '/api/review/checks', response: ChecksAnswer }),
  run: route({ method: 'POST', path: '/api/review/run', response: RunSummary }),
  latestRun: route({ method: 'GET', path: '/api/review/runs/latest', response: RunSummary }),
  runById: route({ method: 'GET', path: '/api/review/runs/:id', params: IdParams, response: RunSummary }),
  items: route({ method: 'GET', path: '/api/review/items', query: ItemsQuery, response: ItemsPage, note: 'format=csv|xlsx answers a file' }),
  item: route({ method: 'GET', path: '/api/review/items/:id', params: IdParams, response: FindingForMap }),
  outlines: route({ method: 'GET', path: '/api/review/items/:id/outlines', params: IdParams, response: null, answer: 'Geobuf (geodata/review outlines)' }),
  action: route({ method: 'POST', path: '/api/review/items/:id/actions', params: IdParams, body: ReviewActionBody, response: ReviewResult }),
  batch: route({ method: 'POST', path: '/api/review/batch-actions', body: BatchActionBody, response: BatchResult }),
  undo: route({ method: 'POST', path: '/api/review/undo', body: UndoBody, response: UndoResult }),
  assign: route({ method: 'POST', path: '/api/review/assignments', body: AssignDistrictBody, response: Assigned }),
  comments: route({ method: 'GET', path: '/api/review/items/:id/comments', params: IdParams, response: CommentsAnswer }),
  comment: route({ method: 'POST', path: '/api/review/items/:id/comments', params: IdParams, body: CommentBody, response: NewComment }),
  history: route({ method: 'GET', path: '/api/review/sources/:id/history', params: IdParams, response: HistoryAnswer }),
  quality: route({ method: 'GET', path: '/api/review/quality', response: QualityFigures }),
};
