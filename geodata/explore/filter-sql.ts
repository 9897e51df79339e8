import { POLLUTANTS } from '../model/vocabulary.ts';
import { FILTER_NAMES, type FilterName, type SourceFilters } from '../model/source-filters.ts';

/**
 * The one SQL builder of the source filters, for the tiles, the statistics, the lists and the
 * exports. Every clause reads one named parameter (or two), NULL when the filter is absent, so
 * the statement text depends only on which filters a caller takes, never on their values: it
 * is built once, and PostgreSQL (unnamed statements, or `plan_cache_mode = force_custom_plan`
 * on the tile pool) plans each request with its values, folding the NULL branches away.
 */

/**
 * Named bind parameters: `p.ref('division', 'text')` gives `$5::text`, the same number each
 * time the name comes back; `p.values(byName)` lists the values in number order.
 */
export class Params {
  readonly #names: string[] = [];
  constructor(readonly first = 1) {}

  ref(name: string, cast: string): string {
    let i = this.#names.indexOf(name);
    if (i < 0) i = this.#names.push(name) - 1;
    return `$${this.first + i}::${cast}`;
  }

  /** The next free parameter number. */
  get next(): number {
    return this.first + this.#names.length;
  }

  values(byName: Readonly<Record<string, unknown>>): unknown[] {
    return this.#names.map((n) => {
      if (!Object.hasOwn(byName, n)) throw new Error(`no value for SQL parameter "${n}"`);
      return byName[n];
    });
  }
}

/** The table a clause filters (alias `a`): columns differ between sources, zones, divisions and reaches. */
export interface FilterTable {
  readonly table: string;
  readonly alias: string;
}

type Clause = (t: FilterTable, p: Params) => string;

/** The SQL of "this source has a finding awaiting a decision" (open or field check). */
export const openFindingSql = (alias: string) =>
  `EXISTS (SELECT 1 FROM review_finding f WHERE f.source_id = ${alias}.id AND f.status IN ('open', 'field_check'))`;

const DIVISION_COLUMN: Readonly<Record<string, string>> = {
  source: 'division_code',
  census_zone: 'coalesce(#.township_code, #.county_code)',
  division: 'code',
};

function divisionColumn({ table, alias }: FilterTable): string {
  const column = DIVISION_COLUMN[table];
  if (!column) throw new Error(`no division column for table ${table}`);
  return column.includes('#') ? column.replaceAll('#', alias) : `${alias}.${column}`;
}

/**
 * Each filter's clause; `null` for a filter that changes how sources are drawn, not which.
 * Keyed by every filter name, so a new filter cannot be left without its SQL.
 */
export const FILTER_SQL: Readonly<Record<FilterName, Clause | null>> = {
  type: ({ alias }, p) => `(${p.ref('type', 'text[]')} IS NULL OR ${alias}.source_type = ANY(${p.ref('type', 'text[]')}))`,
  industry: ({ alias }, p) => `(${p.ref('industry', 'text')} IS NULL OR ${alias}.industry_code LIKE ${p.ref('industry', 'text')} || '%')`,
  division: (t, p) => `(${p.ref('division', 'text')} IS NULL OR ${divisionColumn(t)} LIKE ${p.ref('division', 'text')} || '%')`,
  basin: ({ table, alias }, p) => {
    const b = p.ref('basin', 'text');
    return table === 'river_reach'
      ? `(${b} IS NULL OR ${alias}.basin_code = ${b})`
      : `(${b} IS NULL OR EXISTS (SELECT 1 FROM basin b WHERE b.code = ${b} AND ST_Intersects(b.geom, ${alias}.geom)))`;
  },
  pollutant: ({ alias }, p) => {
    const cases = POLLUTANTS.map((q) => `WHEN '${q}' THEN ${alias}.${q}`).join(' ');
    return `(${p.ref('pollutant', 'text')} IS NULL OR (CASE ${p.ref('pollutant', 'text')} ${cases} END) >= ${p.ref('min', 'float8')})`;
  },
  // Read with `pollutant`, in its clause.
  min: null,
  status: ({ alias }, p) => `(CASE WHEN ${p.ref('status', 'text[]')} IS NULL THEN ${alias}.status <> 'deleted' ELSE ${alias}.status = ANY(${p.ref('status', 'text[]')}) END)`,
  review: ({ alias }, p) => `(${p.ref('review', 'text')} IS NULL OR (${p.ref('review', 'text')} = 'open') = ${openFindingSql(alias)})`,
  agg: null,
};

export interface FilterWhere {
  /** One clause per filter taken, each on its own line, to be joined with AND. */
  readonly clauses: readonly string[];
  readonly params: Params;
  /** The filters' values by parameter name (arrays copied: pg sends them as SQL arrays). */
  bind(filters: SourceFilters): Record<string, unknown>;
}

/** The clauses of the given filters over one table, numbering parameters through `params`. */
export function filterWhere(names: readonly FilterName[], table: FilterTable, params: Params): FilterWhere {
  const clauses = names.flatMap((n) => {
    const clause = FILTER_SQL[n];
    return clause ? [clause(table, params)] : [];
  });
  return {
    clauses,
    params,
    bind: (f) => Object.fromEntries(FILTER_NAMES.map((n) => [n, Array.isArray(f[n]) ? [...f[n]] : f[n]])),
  };
}
