import type pg from 'pg';
import type { ExportColumn } from '../export/index.ts';
import { cursorRows } from '../export/cursor-rows.ts';
import { POLLUTANT_SPECS } from '../model/vocabulary.ts';
import { POLLUTANTS, sourceWhere, type Area, type Pollutant, type SourceFilter } from './filters.ts';

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

const WHERE = sourceWhere();
// The filter and area parameters come first; the count statement takes only those.
const WHERE_PARAMS = WHERE.params.next - WHERE.params.first;
const ORDER_BY = WHERE.params.ref('order_by', 'text');
const LIMIT = WHERE.params.ref('limit', 'int');

// Ordered by the chosen pollutant (largest first) when there is one, else by census id, so a
// truncated list keeps the sources that matter most.
const LIST_SQL = `
  SELECT ${SOURCE_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${POLLUTANTS.map((p) => `s.${p}`).join(', ')},
         ST_X(s.geom) AS lng, ST_Y(s.geom) AS lat
  FROM source s
  WHERE ${WHERE.sql}
  ORDER BY (CASE ${ORDER_BY} ${POLLUTANTS.map((p) => `WHEN '${p}' THEN s.${p}`).join(' ')} END) DESC NULLS LAST,
        s.census_id
  LIMIT ${LIMIT}`;

const COUNT_SQL = `SELECT count(*) AS n FROM source s WHERE ${WHERE.sql}`;

/** How many sources the filter and area select (in the caller's scope). */
export async function countSources(pool: pg.Pool, filter: SourceFilter, area: Area): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(COUNT_SQL, WHERE.params.values({ ...WHERE.bind(filter, area), order_by: null, limit: null }).slice(0, WHERE_PARAMS));
  return Number(rows[0]!.n);
}

/**
 * The sources of a selection for an export, streamed from a cursor (a 600k-source region never
 * sits in memory), in the list's order: columns as SOURCE_EXPORT_COLUMNS, plus lng and lat.
 */
export function streamSources(
  pool: pg.Pool,
  filter: SourceFilter,
  area: Area,
  options: { limit: number; orderBy?: Pollutant | undefined },
): AsyncGenerator<Record<string, unknown>> {
  const values = WHERE.params.values({ ...WHERE.bind(filter, area), order_by: options.orderBy ?? filter.pollutant ?? null, limit: options.limit });
  return cursorRows(pool, LIST_SQL, values);
}

/** The columns of a source export, zh/en, in the census order. */
export const SOURCE_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { key: 'census_id', zh: '普查编号', en: 'census id', type: 'text', width: 20 },
  { key: 'name', zh: '名称', en: 'name', type: 'text', width: 32 },
  { key: 'credit_code', zh: '统一社会信用代码', en: 'credit code', type: 'text', width: 22 },
  { key: 'source_type', zh: '源类型', en: 'source type', type: 'text' },
  { key: 'industry_code', zh: '行业代码', en: 'industry', type: 'text' },
  { key: 'zone_code', zh: '普查小区', en: 'census zone', type: 'text', width: 16 },
  { key: 'division_code', zh: '行政区划', en: 'division', type: 'text', width: 14 },
  { key: 'outfall_code', zh: '排污口编码', en: 'outfall', type: 'text', width: 16 },
  { key: 'status', zh: '状态', en: 'status', type: 'text' },
  { key: 'lng', zh: '经度', en: 'longitude', type: 'number', width: 12 },
  { key: 'lat', zh: '纬度', en: 'latitude', type: 'number', width: 12 },
  ...POLLUTANT_SPECS.map((p): ExportColumn => ({ key: p.code, zh: `${p.zh}(${p.unit})`, en: `${p.en} (${p.unit})`, type: 'number' })),
];

export async function listSources(
  pool: pg.Pool,
  filter: SourceFilter,
  area: Area,
  options: { limit: number; orderBy?: Pollutant | undefined },
): Promise<SourceRecord[]> {
  const values = WHERE.params.values({ ...WHERE.bind(filter, area), order_by: options.orderBy ?? filter.pollutant ?? null, limit: options.limit });
  const { rows } = await pool.query<Record<string, unknown>>(LIST_SQL, values);
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
