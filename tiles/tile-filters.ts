import { z } from 'zod';
import { AGGREGATIONS, POLLUTANTS, REVIEW_FLAGS, SOURCE_STATUSES, SOURCE_TYPES, type Aggregation, type FilterName, type Pollutant, type TileLayer } from './tile-layers.ts';

/** Validated filters; absent ones are null. Only these values reach the SQL, as parameters. */
export interface TileFilters {
  readonly type: readonly string[] | null;
  readonly industry: string | null;
  readonly division: string | null;
  readonly basin: string | null;
  readonly pollutant: Pollutant | null;
  readonly min: number | null;
  readonly status: readonly string[] | null;
  readonly review: (typeof REVIEW_FLAGS)[number] | null;
  readonly agg: Aggregation;
}

export const NO_FILTERS: TileFilters = {
  type: null, industry: null, division: null, basin: null, pollutant: null, min: null, status: null, review: null, agg: 'grid',
};

export class TileFilterError extends Error {
  override name = 'TileFilterError';
}

/** What each filter means, published in TileJSON (`filters`) so clients and docs share one list. */
export const FILTER_DOCS: Readonly<Record<FilterName, { description: string; example: string; values?: readonly string[] }>> = {
  type: { description: 'source types, comma-separated', example: 'industrial,agricultural', values: SOURCE_TYPES },
  industry: { description: 'industry code (GB/T 4754) prefix, 1-4 digits', example: '26' },
  division: { description: 'division code prefix, 2-9 digits', example: '440305' },
  basin: { description: 'basin code: only features within that basin polygon', example: 'BJ01' },
  pollutant: { description: 'pollutant for `min`', example: 'cod', values: POLLUTANTS },
  min: { description: 'minimum emission of `pollutant` (needs `pollutant`)', example: '10.5' },
  status: { description: 'source statuses, comma-separated (default: all but deleted)', example: 'active', values: SOURCE_STATUSES },
  review: { description: 'review flag: open (a finding awaits a decision) or clean (none does)', example: 'open', values: REVIEW_FLAGS },
  agg: { description: 'aggregation below the detail zoom: grid cells or census units', example: 'county', values: AGGREGATIONS },
};

const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((s, ctx) => {
    const parts = [...new Set(s.split(',').map((p) => p.trim()).filter(Boolean))];
    const bad = parts.filter((p) => !(values as readonly string[]).includes(p));
    if (parts.length === 0 || bad.length > 0) {
      ctx.addIssue({ code: 'custom', message: `expected a comma list of ${values.join(', ')}; got ${JSON.stringify(s)}` });
      return z.NEVER;
    }
    return parts.sort();
  });

const FilterSchema = z
  .object({
    type: commaList(SOURCE_TYPES as unknown as [string, ...string[]]).optional(),
    industry: z.string().regex(/^[0-9]{1,4}$/, 'must be 1-4 digits').optional(),
    division: z.string().regex(/^[0-9]{2,9}$/, 'must be 2-9 digits').optional(),
    basin: z.string().regex(/^[\p{L}\p{N}_.-]{1,64}$/u, 'must be a basin code (letters, digits, _ . -)').optional(),
    pollutant: z.enum(POLLUTANTS).optional(),
    min: z.string().regex(/^[0-9]+(\.[0-9]+)?$/, 'must be a non-negative number').transform(Number).optional(),
    status: commaList(SOURCE_STATUSES as unknown as [string, ...string[]]).optional(),
    review: z.enum(REVIEW_FLAGS).optional(),
    agg: z.enum(AGGREGATIONS).optional(),
  })
  .strict();

/**
 * Validates a request's query parameters for a layer. An unknown parameter, a parameter
 * the layer does not take, a repeated one or a malformed value is a TileFilterError naming it.
 */
export function parseTileFilters(layer: TileLayer, query: Record<string, unknown>): TileFilters {
  for (const [name, value] of Object.entries(query)) {
    if (!(layer.filters as readonly string[]).includes(name)) {
      const accepted = layer.filters.length ? layer.filters.join(', ') : 'none';
      throw new TileFilterError(`unknown filter "${name}" for layer ${layer.id} (accepted: ${accepted})`);
    }
    if (typeof value !== 'string') throw new TileFilterError(`filter "${name}" must be given once, as text`);
  }
  const parsed = FilterSchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TileFilterError(`filter "${issue.path.join('.')}": ${issue.message}`);
  }
  const f = parsed.data;
  if ((f.min === undefined) !== (f.pollutant === undefined)) {
    throw new TileFilterError('filters "pollutant" and "min" go together: give both or neither');
  }
  return {
    type: f.type ?? null,
    industry: f.industry ?? null,
    division: f.division ?? null,
    basin: f.basin ?? null,
    pollutant: f.pollutant ?? null,
    min: f.min ?? null,
    status: f.status ?? null,
    review: f.review ?? null,
    agg: f.agg ?? 'grid',
  };
}

/** A stable text form, for cache keys: equal filters give equal keys whatever the parameter order. */
export function filterKey(filters: TileFilters): string {
  return JSON.stringify([filters.type, filters.industry, filters.division, filters.basin, filters.pollutant, filters.min, filters.status, filters.review, filters.agg]);
}
