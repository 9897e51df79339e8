/**
 * The review screen's state and its named pure updaters (kepler.gl's ui-state manner). The
 * screen dispatches them through its store and renders from the result; the URL's query holds
 * the filters, the sort and the open item, so a link reopens the same list at the same item.
 */
export const SORTS = ['severity', 'check', 'census_id', 'division', 'distance', 'status'] as const;
export type Sort = (typeof SORTS)[number];

export interface ReviewFilters {
  readonly check: string;
  readonly severity: string;
  readonly status: string;
  readonly division: string;
  readonly industry: string;
  readonly batch: string;
  /** 'me' for "my queue" (the server reads the caller), or a reviewer's user name. */
  readonly assignee: string;
}

export interface ReviewState {
  readonly filters: ReviewFilters;
  readonly sort: Sort;
  /** The open finding. */
  readonly item: number | null;
  /** Its place in the list (for next and previous), when known. */
  readonly index: number | null;
  /** How many findings the list holds under the filters (from the server). */
  readonly total: number;
  /** Bumped whenever the list must be read again (a filter changed, an action was saved). */
  readonly listVersion: number;
  /** Findings ticked for a batch action. */
  readonly selection: readonly number[];
}

const NO_FILTERS: ReviewFilters = { check: '', severity: '', status: '', division: '', industry: '', batch: '', assignee: '' };

export function initialReviewState(): ReviewState {
  return { filters: NO_FILTERS, sort: 'severity', item: null, index: null, total: 0, listVersion: 0, selection: [] };
}

export const setFilter = (s: ReviewState, key: keyof ReviewFilters, value: string): ReviewState =>
  s.filters[key] === value ? s : { ...s, filters: { ...s.filters, [key]: value }, index: null, listVersion: s.listVersion + 1, selection: [] };

export const setSort = (s: ReviewState, sort: Sort): ReviewState =>
  s.sort === sort ? s : { ...s, sort, index: null, listVersion: s.listVersion + 1 };

export const listLoaded = (s: ReviewState, total: number): ReviewState => (s.total === total ? s : { ...s, total });

export const openItem = (s: ReviewState, item: number, index: number | null): ReviewState =>
  s.item === item && s.index === index ? s : { ...s, item, index };

export const closeItem = (s: ReviewState): ReviewState => (s.item === null ? s : { ...s, item: null, index: null });

/** The list position next/previous moves to: the first item when none is open, clamped at the ends. */
export function stepIndex(s: ReviewState, step: 1 | -1): number | null {
  if (s.total === 0) return null;
  if (s.index === null) return 0;
  return Math.min(s.total - 1, Math.max(0, s.index + step));
}

export const listChanged = (s: ReviewState): ReviewState => ({ ...s, listVersion: s.listVersion + 1 });

export const toggleSelected = (s: ReviewState, id: number): ReviewState =>
  ({ ...s, selection: s.selection.includes(id) ? s.selection.filter((x) => x !== id) : [...s.selection, id] });

export const clearSelection = (s: ReviewState): ReviewState => (s.selection.length ? { ...s, selection: [] } : s);

/** The list's query for the server (`/api/review/items`): only what is set. */
export function listQuery(s: ReviewState): Record<string, string> {
  const q: Record<string, string> = { sort: s.sort };
  for (const [k, v] of Object.entries(s.filters)) if (v) q[k] = v;
  return q;
}

/** `?check=…&status=open&sort=distance&item=42` (the language is the shell's). */
export function encodeReview(s: ReviewState, lang: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(s.filters)) if (v) p.set(k, v);
  if (s.sort !== 'severity') p.set('sort', s.sort);
  if (s.item !== null) p.set('item', String(s.item));
  if (s.index !== null) p.set('at', String(s.index));
  if (lang !== 'zh') p.set('lang', lang);
  const qs = p.toString().replace(/%2C/g, ',');
  return qs ? `?${qs}` : '';
}

/** Reads what encodeReview wrote; anything malformed keeps its default. */
export function decodeReview(search: string): ReviewState {
  const p = new URLSearchParams(search);
  const s = initialReviewState();
  const text = (k: string, re: RegExp) => { const v = p.get(k) ?? ''; return re.test(v) ? v : ''; };
  const filters: ReviewFilters = {
    check: text('check', /^[a-z0-9_]+(,[a-z0-9_]+)*$/),
    severity: text('severity', /^(error|warning|info)$/),
    status: text('status', /^(open|accepted|fixed|field_check)$/),
    division: text('division', /^[0-9]{2,9}$/),
    industry: text('industry', /^[0-9]{1,4}$/),
    batch: text('batch', /^[0-9]{1,18}$/),
    assignee: text('assignee', /^[\p{L}\p{N}_.@-]{1,64}$/u),
  };
  const sort = (SORTS as readonly string[]).includes(p.get('sort') ?? '') ? (p.get('sort') as Sort) : 'severity';
  const item = /^[1-9][0-9]{0,17}$/.test(p.get('item') ?? '') ? Number(p.get('item')) : null;
  const at = /^[0-9]{1,9}$/.test(p.get('at') ?? '') && item !== null ? Number(p.get('at')) : null;
  return { ...s, filters, sort, item, index: at };
}
