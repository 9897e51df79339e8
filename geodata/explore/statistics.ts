import type pg from 'pg';
import { POLLUTANTS, sourceWhere, type Area, type Pollutant, type SourceFilter } from './filters.ts';

export type Emissions = Record<Pollutant, number>;

export interface GroupCount {
  readonly code: string;
  readonly name: string | null;
  readonly count: number;
  readonly emissions: Emissions;
}

/** What the statistics panel and the area query show for one selection. */
export interface SourceStatistics {
  readonly count: number;
  readonly emissions: Emissions;
  /** Every source type present, most sources first. */
  readonly byType: readonly GroupCount[];
  /** Industry major categories (first two digits of GB/T 4754), most sources first, top `limit`. */
  readonly topIndustries: readonly GroupCount[];
  /** Counties (first six digits of the division code) by count, top `limit`. */
  readonly byDivision: readonly GroupCount[];
}

const SUMS = POLLUTANTS.map((p) => `COALESCE(sum(s.${p}), 0)::float8 AS ${p}`).join(', ');

const WHERE = sourceWhere();

// One scan of the filtered sources, grouped four ways at once.
const STATISTICS_SQL = `
  SELECT grouping(s.source_type) AS g_type, grouping(left(s.industry_code, 2)) AS g_ind,
         grouping(left(s.division_code, 6)) AS g_div,
         s.source_type AS type, left(s.industry_code, 2) AS industry, left(s.division_code, 6) AS division,
         count(*)::int AS n, ${SUMS}
  FROM source s
  WHERE ${WHERE.sql}
  GROUP BY GROUPING SETS ((), (s.source_type), (left(s.industry_code, 2)), (left(s.division_code, 6)))`;

const DIVISION_NAMES_SQL = `SELECT code, name FROM division WHERE code = ANY($1::text[])`;

export async function sourceStatistics(
  pool: pg.Pool,
  filter: SourceFilter,
  area: Area,
  limit = 10,
): Promise<SourceStatistics> {
  const { rows } = await pool.query<StatRow>(STATISTICS_SQL, WHERE.params.values(WHERE.bind(filter, area)));
  const total = rows.find((r) => r.g_type === 1 && r.g_ind === 1 && r.g_div === 1);
  const group = (pick: (r: StatRow) => boolean, key: (r: StatRow) => string | null) =>
    rows
      .filter(pick)
      .filter((r) => key(r) !== null)
      .map((r) => ({ code: key(r)!, name: null as string | null, count: r.n, emissions: emissionsOf(r) }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  const byType = group((r) => r.g_type === 0, (r) => r.type);
  const topIndustries = group((r) => r.g_ind === 0, (r) => r.industry).slice(0, limit);
  const divisions = group((r) => r.g_div === 0, (r) => r.division).slice(0, limit);
  if (divisions.length > 0) {
    const names = await pool.query<{ code: string; name: string }>(DIVISION_NAMES_SQL, [divisions.map((d) => d.code)]);
    const byCode = new Map(names.rows.map((r) => [r.code, r.name]));
    for (const d of divisions) d.name = byCode.get(d.code) ?? null;
  }
  return {
    count: total?.n ?? 0,
    emissions: total ? emissionsOf(total) : emissionsOf({} as StatRow),
    byType,
    topIndustries,
    byDivision: divisions,
  };
}

interface StatRow extends Record<Pollutant, number> {
  g_type: number;
  g_ind: number;
  g_div: number;
  type: string | null;
  industry: string | null;
  division: string | null;
  n: number;
}

function emissionsOf(r: Partial<Record<Pollutant, number>>): Emissions {
  return Object.fromEntries(POLLUTANTS.map((p) => [p, Number(r[p] ?? 0)])) as Emissions;
}
