import type { z } from 'zod';
import { API, type Answer } from '../../geodata/model/api/index.ts';
import type { AreaBody, FeatureDetail as FeatureDetailSchema, GroupCount as GroupCountSchema, SearchHit as SearchHitSchema, SourceRecord as SourceRecordSchema } from '../../geodata/model/api/explore.ts';
import type { ExportChoice } from '../../geodata/model/export-formats.ts';
import { http } from './http.ts';
import { filterParams, type Filters, type Pollutant } from './state.ts';

/** Calls to /api/explore; the shapes are the API contract's (geodata/model/api/explore.ts). */
export type Statistics = Answer<typeof API.explore.stats>;
export type GroupCount = z.infer<typeof GroupCountSchema>;
export type SearchHit = z.infer<typeof SearchHitSchema>;
export type FeatureDetail = z.infer<typeof FeatureDetailSchema>;
export type SourceRecord = z.infer<typeof SourceRecordSchema>;
export type Area = z.input<typeof AreaBody>;
export type AreaResult = Answer<typeof API.explore.query>;
export type FilterOptions = Answer<typeof API.explore.options>;
export type Monitoring = Answer<typeof API.explore.monitoring>;

/** Statistics take the pollutant alone too (to rank by it), the tiles only with min. */
function statFilter(f: Filters): Record<string, string> {
  return Object.fromEntries(filterParams(f));
}

export async function fetchStatistics(filters: Filters, bbox: [number, number, number, number], signal?: AbortSignal): Promise<Statistics> {
  const query = { ...statFilter(filters), bbox: bbox.map((v) => v.toFixed(6)).join(',') };
  return http.call(API.explore.stats, { query, signal: signal ?? null });
}

export async function search(q: string, signal?: AbortSignal): Promise<SearchHit[]> {
  return (await http.call(API.explore.search, { query: { q }, signal: signal ?? null })).hits;
}

export async function featureDetail(layer: string, id: string): Promise<FeatureDetail> {
  return http.call(API.explore.feature, { params: { layer, id } });
}

export async function queryArea(filters: Filters, area: Area, limit = 100, orderBy?: Pollutant | null): Promise<AreaResult> {
  return http.call(API.explore.query, { body: { filter: statFilter(filters), area, limit, ...(orderBy ? { orderBy } : {}) } });
}

/** The sources in an area, in any format of the export service (geodata/model/export-formats.ts). */
export async function exportArea(filters: Filters, area: Area, choice: ExportChoice): Promise<{ blob: Blob; name: string }> {
  const body = { filter: statFilter(filters), area, format: choice.format, ...(choice.encoding ? { encoding: choice.encoding } : {}) };
  const { blob, name } = await http.download('/explore/export', { method: 'POST', body });
  return { blob, name: name ?? `sources.${choice.format}` };
}

export async function fetchMonitoring(): Promise<Monitoring> {
  return http.call(API.explore.monitoring);
}

export async function fetchOptions(): Promise<FilterOptions> {
  return http.call(API.explore.options);
}
