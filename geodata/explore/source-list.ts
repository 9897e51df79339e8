import type pg from 'pg';
import { FIRST_FREE_PARAM, POLLUTANTS, SOURCE_WHERE, whereParams, type Area, type Pollutant, type SourceFilter } from './filters.ts';

/** One source as the lists and exports show it: every stored attribute but the edit bookkeeping. */
export interface SourceRecord {
  readonly census_id: string;
  readonly name: string;
  readonly credit_code: string | null;
  readonly source_type: string;
  readonly industry_code: string | null;
  readonly zone_code: string | null;
  readonly division_code: string | null;
  readonly outfall_code: string | null;
  readonly status: string;
  readonly lng: number;
  readonly lat: number;
  readonly emissions: Record<Pollutant, number | null>;
}

export const SOURCE_COLUMNS = [
  'census_id', 'name', 'credit_code', 'source_type', 'industry_code', 'zone_code', 'division_code', 'outfall_code', 'status',
] as const;

// Ordered by the chosen pollutant (largest first) when there is one, else by census id, so a
// truncated list keeps the sources that matter most.
const LIST_SQL = `
  SELECT ${SOURCE_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${POLLUTANTS.map((p) => `s.${p}`).join(', ')},
         ST_X(s.geom) AS lng, ST_Y(s.geom) AS lat
  FROM source s
  WHERE ${SOURCE_WHERE}
  ORDER BY (CASE $${FIRST_FREE_PARAM}::text
        WHEN 'cod' THEN s.cod WHEN 'nh3n' THEN s.nh3n WHEN 'tn' THEN s.tn WHEN 'tp' THEN s.tp
        WHEN 'so2' THEN s.so2 WHEN 'nox' THEN s.nox WHEN 'pm' THEN s.pm WHEN 'vocs' THEN s.vocs END) DESC NULLS LAST,
        s.census_id
  LIMIT $${FIRST_FREE_PARAM + 1}::int`;

export async function listSources(
  pool: pg.Pool,
  filter: SourceFilter,
  area: Area,
  options: { limit: number; orderBy?: Pollutant | undefined },
): Promise<SourceRecord[]> {
  const { rows } = await pool.query<Record<string, unknown>>(LIST_SQL, [
    ...whereParams(filter, area),
    options.orderBy ?? filter.pollutant ?? null,
    options.limit,
  ]);
  return rows.map((r) => ({
    census_id: r.census_id as string,
    name: r.name as string,
    credit_code: (r.credit_code as string | null) ?? null,
    source_type: r.source_type as string,
    industry_code: (r.industry_code as string | null) ?? null,
    zone_code: (r.zone_code as string | null) ?? null,
    division_code: (r.division_code as string | null) ?? null,
    outfall_code: (r.outfall_code as string | null) ?? null,
    status: r.status as string,
    lng: Number(r.lng),
    lat: Number(r.lat),
    emissions: Object.fromEntries(POLLUTANTS.map((p) => [p, r[p] === null ? null : Number(r[p])])) as Record<Pollutant, number | null>,
  }));
}
