import type { ExportColumn, ExportRow } from '../export/index.ts';
import type pg from 'pg';
import type { z } from 'zod';
import { FindingItem as FindingItemSchema, ItemsQuery, type ItemSort } from '../model/api/review.ts';
import { CHECK_BY_CODE, type CheckCode } from './check-catalog.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in findings-list.sql beside it.
const FIXED_SQL = loadStatements(new URL('./findings-list.sql', import.meta.url), ['get_finding_select_review_finding']);

/** One row of the suspected-error list (疑似错误清单): the API contract's shape. */
export type FindingItem = z.infer<typeof FindingItemSchema>;

const SORTS: Record<ItemSort, string> = {
  severity: `CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.check_code, s.census_id, f.id`,
  check: 'f.check_code, s.census_id, f.id',
  census_id: 's.census_id NULLS LAST, f.id',
  division: 's.division_code NULLS LAST, s.census_id, f.id',
  distance: 'f.distance_m DESC NULLS LAST, f.id',
  status: 'f.status, f.id',
  found: 'f.id',
};

export { ItemsQuery };
export type ItemsFilter = z.infer<typeof ItemsQuery>;

const FROM = `
FROM review_finding f
LEFT JOIN source s ON s.id = f.source_id
WHERE ($1::text[] IS NULL OR f.check_code = ANY($1::text[]))
  AND ($2::text[] IS NULL OR f.severity = ANY($2::text[]))
  AND ($3::text[] IS NULL OR f.status = ANY($3::text[]))
  AND ($4::text IS NULL OR s.division_code LIKE $4::text || '%' OR (f.subject_kind = 'division' AND f.subject_key LIKE $4::text || '%'))
  AND ($5::text IS NULL OR s.industry_code LIKE $5::text || '%')
  AND ($6::bigint IS NULL OR f.source_id = $6::bigint)
  AND ($7::text IS NULL OR s.import_batch = $7::text::bigint OR (f.subject_kind = 'import_batch' AND f.subject_key = $7::text))
  AND ($8::text IS NULL OR f.assignee = $8::text)`;

function params(f: ItemsFilter): unknown[] {
  return [f.check ?? null, f.severity ?? null, f.status ?? null, f.division ?? null, f.industry ?? null, f.source ?? null, f.batch ?? null, f.assignee ?? null];
}

export interface ItemsPage {
  /** Absent when the filter asks for no counts (counts=false), as is byDistrict. */
  readonly total?: number;
  readonly items: FindingItem[];
  /** Per district (6-digit code): findings in the filter, and how many are still open. */
  readonly byDistrict?: { code: string | null; name: string | null; findings: number; open: number }[];
}

/** A page of the list; the total and per-district counts only when the filter asks for them. */
export async function listFindings(pool: pg.Pool | pg.ClientBase, filter: ItemsFilter): Promise<ItemsPage> {
  const p = params(filter);
  const [rows, counts] = await Promise.all([
    pool.query(`
      SELECT f.id, f.subject_kind, f.subject_key, f.source_id, s.census_id, s.name, f.check_code, f.severity,
             s.zone_code, s.division_code, s.industry_code, f.distance_m,
             ST_X(f.suggested) AS sx, ST_Y(f.suggested) AS sy, ST_X(s.geom) AS x, ST_Y(s.geom) AS y,
             f.status, s.row_version, f.details, f.reviewed_by, f.reviewed_at, f.assignee
      ${FROM}
      ORDER BY ${SORTS[filter.sort]}
      LIMIT $9 OFFSET $10`, [...p, filter.limit, filter.offset]),
    filter.counts ? countFindings(pool, p) : null,
  ]);
  return { ...counts, items: rows.rows.map(toItem) };
}

async function countFindings(pool: pg.Pool | pg.ClientBase, p: unknown[]): Promise<Required<Omit<ItemsPage, 'items'>>> {
  const [total, districts] = await Promise.all([
    pool.query<{ n: string }>(`SELECT count(*) AS n ${FROM}`, p),
    pool.query<{ code: string | null; name: string | null; findings: string; open: string }>(`
      SELECT c.code, d.name, c.findings, c.open FROM (
        SELECT left(s.division_code, 6) AS code, count(*) AS findings, count(*) FILTER (WHERE f.status = 'open') AS open
        ${FROM} GROUP BY 1) c
      LEFT JOIN division d ON d.code = c.code ORDER BY c.code NULLS LAST`, p),
  ]);
  return {
    total: Number(total.rows[0]!.n),
    byDistrict: districts.rows.map((r) => ({ code: r.code, name: r.name, findings: Number(r.findings), open: Number(r.open) })),
  };
}

export async function getFinding(pool: pg.Pool | pg.ClientBase, id: number): Promise<FindingItem | null> {
  const page = await pool.query(FIXED_SQL.get_finding_select_review_finding, [id]);
  return page.rows[0] ? toItem(page.rows[0]) : null;
}

/** Columns of the CSV and XLSX exports, in order: [header, value]. */
/**
 * The review list's columns in every export format (geodata/export/), in the list's order; the
 * entered point (lon, lat) lets the GIS formats place each finding.
 */
export const FINDING_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { key: 'finding_id', zh: '问题编号', en: 'finding_id', type: 'integer' },
  { key: 'source_id', zh: '源ID', en: 'source_id', type: 'integer' },
  { key: 'census_id', zh: '普查编号', en: 'census_id', type: 'text', width: 18 },
  { key: 'name', zh: '名称', en: 'name', type: 'text', width: 30 },
  { key: 'check_code', zh: '检查项', en: 'check', type: 'text', width: 22 },
  { key: 'severity', zh: '严重程度', en: 'severity', type: 'text' },
  { key: 'explanation', zh: '说明', en: 'explanation', type: 'text', width: 40 },
  { key: 'zone_code', zh: '普查小区', en: 'zone_code', type: 'text', width: 16 },
  { key: 'division_code', zh: '行政区划', en: 'division_code', type: 'text' },
  { key: 'distance_m', zh: '距离(米)', en: 'distance_m', type: 'number' },
  { key: 'suggested_lon', zh: '建议经度', en: 'suggested_lon', type: 'number' },
  { key: 'suggested_lat', zh: '建议纬度', en: 'suggested_lat', type: 'number' },
  { key: 'status', zh: '审核状态', en: 'status', type: 'text' },
  { key: 'lon', zh: '经度', en: 'lon', type: 'number' },
  { key: 'lat', zh: '纬度', en: 'lat', type: 'number' },
];

/** One finding as a row of FINDING_EXPORT_COLUMNS. */
export function findingExportRow(i: FindingItem): ExportRow {
  return {
    finding_id: i.id, source_id: i.sourceId,
    census_id: i.censusId ?? (i.subjectKind === 'source' ? null : `${i.subjectKind}:${i.subjectKey}`),
    name: i.name, check_code: i.checkCode, severity: i.severity, explanation: i.explanationZh,
    zone_code: i.zoneCode, division_code: i.divisionCode,
    distance_m: i.distanceM === null ? null : Math.round(i.distanceM * 10) / 10,
    suggested_lon: i.suggestedLon, suggested_lat: i.suggestedLat, status: i.status, lon: i.lon, lat: i.lat,
  };
}

function toItem(r: Record<string, unknown>): FindingItem {
  const spec = CHECK_BY_CODE.get(r.check_code as CheckCode);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id), subjectKind: r.subject_kind as FindingItem['subjectKind'], subjectKey: String(r.subject_key),
    sourceId: num(r.source_id), censusId: (r.census_id as string | null) ?? null, name: (r.name as string | null) ?? null,
    checkCode: r.check_code as CheckCode, severity: String(r.severity),
    explanationZh: spec?.zh ?? '', explanationEn: spec?.en ?? '',
    zoneCode: (r.zone_code as string | null) ?? null, divisionCode: (r.division_code as string | null) ?? null,
    industryCode: (r.industry_code as string | null) ?? null, distanceM: num(r.distance_m),
    suggestedLon: num(r.sx), suggestedLat: num(r.sy), lon: num(r.x), lat: num(r.y),
    status: String(r.status), rowVersion: num(r.row_version), details: (r.details as Record<string, unknown>) ?? {},
    reviewedBy: (r.reviewed_by as string | null) ?? null,
    reviewedAt: r.reviewed_at ? (r.reviewed_at as Date).toISOString() : null,
    assignee: (r.assignee as string | null) ?? null,
  };
}
