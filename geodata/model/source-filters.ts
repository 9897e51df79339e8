import { z } from 'zod';
import { POLLUTANTS, REVIEW_FLAGS, SOURCE_STATUSES, SOURCE_TYPES, type Pollutant, type ReviewFlag, type SourceStatus, type SourceType } from './vocabulary.ts';

/**
 * The source filters, declared once: their names, what they mean, how their text is read and
 * checked, and whether the pre-aggregated cells can answer them. The tiles, the statistics, the
 * area lists and the exports all parse with `parseSourceFilters` and build their WHERE clause
 * from `geodata/explore/filter-sql.ts`, whose table is keyed by the same names.
 *
 * Adding a filter: a row here (the compiler then asks for its SQL in filter-sql.ts), its value
 * in `SourceFilters`, and the tests beside both. Pure (zod only), so the web app may use it.
 */
export type FilterName = 'type' | 'industry' | 'division' | 'basin' | 'pollutant' | 'min' | 'status' | 'review' | 'agg';

export const AGGREGATIONS = ['grid', 'county', 'township', 'zone'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** Validated filters; absent ones are null (agg defaults to grid). Only these values reach SQL, as parameters. */
export interface SourceFilters {
  readonly type: readonly SourceType[] | null;
  readonly industry: string | null;
  readonly division: string | null;
  readonly basin: string | null;
  readonly pollutant: Pollutant | null;
  readonly min: number | null;
  readonly status: readonly SourceStatus[] | null;
  readonly review: ReviewFlag | null;
  readonly agg: Aggregation;
}

export const NO_FILTERS: SourceFilters = {
  type: null, industry: null, division: null, basin: null, pollutant: null, min: null, status: null, review: null, agg: 'grid',
};

/**
 * What the pre-aggregated grid cells know of a filter:
 * - 'split': `source_type_cell` is split by it, so those cells answer it;
 * - 'unanswerable': the cells count every source whatever its value: a tile with this filter
 *   set (to anything but its default) must be drawn from the sources themselves.
 */
export type StoredCells = 'split' | 'unanswerable';

export interface FilterSpec {
  /** The filter's name in the map's filter panel, Chinese first. */
  readonly label: { readonly zh: string; readonly en: string };
  readonly description: string;
  readonly example: string;
  readonly values?: readonly string[];
  /** Reads the query-string text (a string: repeated parameters are refused before). */
  readonly schema: z.ZodType;
  readonly storedCells: StoredCells;
}

const commaList = (values: readonly string[]) =>
  z.string().transform((s, ctx) => {
    const parts = [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))];
    const bad = parts.filter((p) => !values.includes(p));
    if (parts.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `expected a comma list of ${values.join(', ')}; got ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return parts.sort();
  });

const oneOf = (values: readonly [string, ...string[]]) => z.enum(values, { message: `must be one of ${values.join(', ')}` });

/** Every filter, in the order they are documented (TileJSON `filters`) and keyed in caches. */
export const FILTERS: Readonly<Record<FilterName, FilterSpec>> = {
  type: {
    label: { zh: '污染源类型', en: 'Source type' },
    description: 'source types, comma-separated', example: 'industrial,agricultural', values: SOURCE_TYPES,
    schema: commaList(SOURCE_TYPES), storedCells: 'split',
  },
  industry: {
    label: { zh: '行业代码', en: 'Industry code' },
    description: 'industry code (GB/T 4754) prefix, 1-4 digits', example: '26',
    schema: z.string().regex(/^[0-9]{1,4}$/, 'must be 1-4 digits of a GB/T 4754 code'), storedCells: 'unanswerable',
  },
  division: {
    // Two digits are the shortest useful prefix (a province); one digit named a region of several.
    label: { zh: '行政区划', en: 'Division' },
    description: 'division code prefix, 2-9 digits', example: '440305',
    schema: z.string().regex(/^[0-9]{2,9}$/, 'must be 2-9 digits of a division code'), storedCells: 'unanswerable',
  },
  basin: {
    label: { zh: '流域', en: 'Basin' },
    description: 'basin code: only features within that basin polygon', example: 'BJ01',
    schema: z.string().regex(/^[\p{L}\p{N}_.-]{1,64}$/u, 'must be a basin code (letters, digits, _ . -)'), storedCells: 'unanswerable',
  },
  pollutant: {
    label: { zh: '污染物', en: 'Pollutant' },
    description: 'pollutant for `min`', example: 'cod', values: POLLUTANTS,
    schema: oneOf(POLLUTANTS), storedCells: 'unanswerable',
  },
  min: {
    label: { zh: '排放量不小于（吨）', en: 'Emission at least (t)' },
    description: 'minimum emission of `pollutant` (needs `pollutant`)', example: '10.5',
    schema: z.string().regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a non-negative number').transform(Number), storedCells: 'unanswerable',
  },
  status: {
    label: { zh: '状态', en: 'Status' },
    description: 'source statuses, comma-separated (default: all but deleted)', example: 'active', values: SOURCE_STATUSES,
    schema: commaList(SOURCE_STATUSES), storedCells: 'unanswerable',
  },
  review: {
    label: { zh: '审核', en: 'Review' },
    description: 'review flag: open (a finding awaits a decision) or clean (none does)', example: 'open', values: REVIEW_FLAGS,
    schema: oneOf(REVIEW_FLAGS), storedCells: 'unanswerable',
  },
  agg: {
    label: { zh: '汇总单元', en: 'Aggregation' },
    description: 'aggregation below the detail zoom: grid cells or census units', example: 'county', values: AGGREGATIONS,
    schema: oneOf(AGGREGATIONS), storedCells: 'unanswerable',
  },
};

export const FILTER_NAMES = Object.keys(FILTERS) as FilterName[];

/**
 * The filters of the statistics, area lists, exports and the map's filter panel (the tiles'
 * sources layer takes all). A filter added here appears in the web app's panel and links by
 * itself (web/src/state.ts, web/src/panels.ts): a select of its `values`, else a text field.
 */
export const LIST_FILTERS = ['type', 'industry', 'division', 'basin', 'pollutant', 'min'] as const satisfies readonly FilterName[];
export type ListFilterName = (typeof LIST_FILTERS)[number];

/** One problem with one filter: the filter's name and what is wrong. */
export interface FilterIssue {
  readonly filter: FilterName | null;
  readonly message: string;
}

export class SourceFilterError extends Error {
  override name = 'SourceFilterError';
  constructor(readonly issue: FilterIssue) {
    super(issue.filter ? `filter "${issue.filter}": ${issue.message}` : issue.message);
  }
}

export interface ParseOptions {
  /** Named in the message of an unknown filter: "for layer basins". */
  readonly what?: string;
  /**
   * Whether `pollutant` may come without `min`: the lists take it alone (it orders them and
   * keeps the sources that have a value, as `min=0`); the tiles, whose URL is a cache key,
   * take the two only together.
   */
  readonly pollutantAlone?: boolean;
}

/**
 * Validates query parameters against the filters a caller takes. An unknown parameter, one
 * the caller does not take, a repeated one or a malformed value is a SourceFilterError naming
 * it; `min` needs `pollutant`.
 *
 * @example parseSourceFilters({ type: 'industrial,domestic', division: '4403' }, LIST_FILTERS)
 */
export function parseSourceFilters(query: Readonly<Record<string, unknown>>, accepted: readonly FilterName[], options: ParseOptions = {}): SourceFilters {
  const out: { -readonly [K in FilterName]: unknown } = { ...NO_FILTERS };
  for (const [name, value] of Object.entries(query)) {
    if (!(accepted as readonly string[]).includes(name)) {
      throw new SourceFilterError({ filter: null, message: `unknown filter "${name}" for ${options.what ?? 'this request'} (accepted: ${accepted.length ? accepted.join(', ') : 'none'})` });
    }
    if (typeof value !== 'string') throw new SourceFilterError({ filter: name as FilterName, message: 'must be given once, as text' });
    const parsed = FILTERS[name as FilterName].schema.safeParse(value);
    if (!parsed.success) throw new SourceFilterError({ filter: name as FilterName, message: parsed.error.issues[0]!.message });
    out[name as FilterName] = parsed.data;
  }
  if (out.min !== null && out.pollutant === null) {
    throw new SourceFilterError({ filter: 'min', message: 'min needs a pollutant: "pollutant" and "min" go together' });
  }
  if (out.pollutant !== null && out.min === null) {
    if (!options.pollutantAlone) throw new SourceFilterError({ filter: 'pollutant', message: 'filters "pollutant" and "min" go together: give both or neither' });
    out.min = 0;
  }
  return out as SourceFilters;
}

/** Whether a filter narrows the sources or their drawing (set, and not to its default). */
export function isSet(filters: SourceFilters, name: FilterName): boolean {
  return filters[name] !== NO_FILTERS[name];
}

/**
 * Which stored grid cells can answer these filters: all sources (`source_cell`), split by
 * type (`source_type_cell`), or none (draw from the sources). Decided from each filter's
 * declared `storedCells`, so a filter added later is never served from cells that ignore it.
 */
export function storedCellSource(filters: SourceFilters): 'all' | 'by-type' | null {
  const set = FILTER_NAMES.filter((n) => isSet(filters, n));
  if (set.some((n) => FILTERS[n].storedCells === 'unanswerable')) return null;
  return set.length === 0 ? 'all' : 'by-type';
}

/** A stable text form, for cache keys: equal filters give equal keys whatever the parameter order. */
export function filterKey(filters: SourceFilters): string {
  return JSON.stringify(FILTER_NAMES.map((n) => filters[n]));
}
