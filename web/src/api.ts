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

const BASE = './api/explore';

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

/** Statistics take the pollutant alone too (to rank by it), the tiles only with min. */
function statFilter(f: Filters): Record<string, string> {
  return Object.fromEntries(filterParams(f));
}

export async function fetchStatistics(filters: Filters, bbox: [number, number, number, number], signal?: AbortSignal): Promise<Statistics> {
  const p = filterParams(filters);
  p.set('bbox', bbox.map((v) => v.toFixed(6)).join(','));
  return json(await fetch(`${BASE}/stats?${p}`, { signal: signal ?? null }));
}

export async function search(q: string, signal?: AbortSignal): Promise<SearchHit[]> {
  const res = await json<{ hits: SearchHit[] }>(await fetch(`${BASE}/search?q=${encodeURIComponent(q)}`, { signal: signal ?? null }));
  return res.hits;
}

export async function featureDetail(layer: string, id: string): Promise<FeatureDetail> {
  return json(await fetch(`${BASE}/feature/${encodeURIComponent(layer)}/${encodeURIComponent(id)}`));
}

export async function queryArea(filters: Filters, area: Area, limit = 100, orderBy?: Pollutant | null): Promise<AreaResult> {
  const body = { filter: statFilter(filters), area, limit, ...(orderBy ? { orderBy } : {}) };
  return json(await fetch(`${BASE}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
}

export async function exportArea(filters: Filters, area: Area, format: 'csv' | 'geojson'): Promise<{ blob: Blob; name: string }> {
  const res = await fetch(`${BASE}/export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ filter: statFilter(filters), area, format }),
  });
  if (!res.ok) throw new Error(`export failed: ${res.status}`);
  const name = /filename="?([^";]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `sources.${format}`;
  return { blob: await res.blob(), name };
}

export async function fetchMonitoring<S, T>(): Promise<{ sections: S[]; stations: T[] }> {
  return json(await fetch(`${BASE}/monitoring`));
}

export async function fetchOptions(): Promise<FilterOptions> {
  return json(await fetch(`${BASE}/options`));
}
