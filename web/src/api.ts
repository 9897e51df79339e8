import { http } from './http.ts';
import type { ExportChoice } from '../../geodata/model/export-formats.ts';
import { filterParams, type Filters, type Pollutant } from './state.ts';

/** Typed calls to /api/explore (see server/routes/explore.ts). */
export type Emissions = Record<Pollutant, number>;
export interface GroupCount { code: string; name: string | null; count: number; emissions: Emissions }
export interface Statistics { count: number; emissions: Emissions; byType: GroupCount[]; topIndustries: GroupCount[]; byDivision: GroupCount[] }
export interface SearchHit { layer: string; id: string; name: string; detail: string | null; lng: number; lat: number; bbox: [number, number, number, number] | null }
export interface FeatureDetail { layer: string; id: string; properties: Record<string, unknown>; lng: number; lat: number; bbox: [number, number, number, number] }
export interface SourceRecord { census_id: string; name: string; source_type: string; industry_code: string | null; division_code: string | null; lng: number; lat: number; emissions: Record<Pollutant, number | null> }
export type Area =
  | { kind: 'all' }
  | { kind: 'bbox'; bbox: [number, number, number, number] }
  | { kind: 'polygon'; geometry: GeoJSON.Polygon }
  | { kind: 'circle'; center: [number, number]; radius: number };
export interface AreaResult { statistics: Statistics; sources: SourceRecord[]; truncated: boolean }
export interface FilterOptions { divisions: { code: string; name: string; level: string }[]; basins: { code: string; name: string; level: number }[]; bounds: [number, number, number, number] | null }

const BASE = '/explore';

/** Statistics take the pollutant alone too (to rank by it), the tiles only with min. */
function statFilter(f: Filters): Record<string, string> {
  return Object.fromEntries(filterParams(f));
}

export async function fetchStatistics(filters: Filters, bbox: [number, number, number, number], signal?: AbortSignal): Promise<Statistics> {
  const query = { ...statFilter(filters), bbox: bbox.map((v) => v.toFixed(6)).join(',') };
  return http.json(`${BASE}/stats`, { query, signal: signal ?? null });
}

export async function search(q: string, signal?: AbortSignal): Promise<SearchHit[]> {
  return (await http.json<{ hits: SearchHit[] }>(`${BASE}/search`, { query: { q }, signal: signal ?? null })).hits;
}

export async function featureDetail(layer: string, id: string): Promise<FeatureDetail> {
  return http.json(`${BASE}/feature/${encodeURIComponent(layer)}/${encodeURIComponent(id)}`);
}

export async function queryArea(filters: Filters, area: Area, limit = 100, orderBy?: Pollutant | null): Promise<AreaResult> {
  return http.json(`${BASE}/query`, { method: 'POST', body: { filter: statFilter(filters), area, limit, ...(orderBy ? { orderBy } : {}) } });
}

/** The sources in an area, in any format of the export service (geodata/model/export-formats.ts). */
export async function exportArea(filters: Filters, area: Area, choice: ExportChoice): Promise<{ blob: Blob; name: string }> {
  const body = { filter: statFilter(filters), area, format: choice.format, ...(choice.encoding ? { encoding: choice.encoding } : {}) };
  const { blob, name } = await http.download(`${BASE}/export`, { method: 'POST', body });
  return { blob, name: name ?? `sources.${choice.format}` };
}

export async function fetchMonitoring<S, T>(): Promise<{ sections: S[]; stations: T[] }> {
  return http.json(`${BASE}/monitoring`);
}

export async function fetchOptions(): Promise<FilterOptions> {
  return http.json(`${BASE}/options`);
}
