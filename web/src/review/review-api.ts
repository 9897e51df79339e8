import type { ExportChoice } from '../../../geodata/model/export-formats.ts';
import geobuf from 'geobuf';
import type { FeatureCollection } from 'geojson';
import { PbfReader } from 'pbf';
import { http } from '../http.ts';

/** The review API's shapes as the screen reads them (geodata/review/findings-list.ts, finding-map.ts). */
export interface Candidate { code: string; lon: number; lat: number; shift_m?: number | null; rank?: number }
export interface Item {
  id: number; sourceId: number | null; censusId: string | null; name: string | null; checkCode: string; severity: string;
  zoneCode: string | null; divisionCode: string | null; distanceM: number | null; suggestedLon: number | null; suggestedLat: number | null;
  lon: number | null; lat: number | null; status: string; rowVersion: number | null; subjectKind: string; subjectKey: string;
  details: { candidates?: Candidate[]; ambiguous?: boolean; shift_m?: number; alternatives?: string[] } & Record<string, unknown>;
}
export interface Detail extends Item { nearby: { id: number; censusId: string; name: string; lon: number; lat: number; distanceM: number; checks: string[] }[] }
export interface Page { total: number; items: Item[]; byDistrict: { code: string | null; name: string | null; findings: number; open: number }[] }
export interface Check { code: string; severity: string; nameZh: string; nameEn: string; zh: string; en: string }
export interface HistoryEntry { id: number; at: string; actor: string; action: string; reason: string | null; before: { lon?: number; lat?: number }; after: { lon?: number; lat?: number } }
export interface Comment { id: number; findingId: number; author: string; body: string; at: string }
export interface Run { runId: number; status: string; doneUnits: number; totalUnits: number; elapsedMs?: number; findings?: number }

export const reviewApi = {
  checks: () => http.json<{ checks: Check[] }>('/review/checks').then((r) => r.checks),
  page: (query: Record<string, string>, offset: number, limit: number, signal?: AbortSignal) =>
    http.json<Page>('/review/items', { query: { ...query, offset, limit }, signal: signal ?? null }),
  item: (id: number) => http.json<Detail>(`/review/items/${id}`),
  /** The declared zone and division, sent as geobuf. */
  outlines: async (id: number): Promise<FeatureCollection> =>
    geobuf.decode(new PbfReader(await http.bytes(`/review/items/${id}/outlines`)) as never) as FeatureCollection,
  history: (sourceId: number) => http.json<{ history: HistoryEntry[] }>(`/review/sources/${sourceId}/history`).then((r) => r.history),
  act: (id: number, body: Record<string, unknown>) => http.json<{ editLogId: number; rowVersion: number | null }>(`/review/items/${id}/actions`, { method: 'POST', body }),
  batch: (body: Record<string, unknown>) => http.json<{ done: number; failed: { id: number; error: string }[] }>('/review/batch-actions', { method: 'POST', body }),
  undo: (editLogId: number) => http.json<{ editLogId: number }>('/review/undo', { method: 'POST', body: { editLogId } }),
  comments: (id: number) => http.json<{ comments: Comment[] }>(`/review/items/${id}/comments`).then((r) => r.comments),
  comment: (id: number, body: string) => http.json<Comment & { editLogId: number }>(`/review/items/${id}/comments`, { method: 'POST', body: { body } }),
  assignDistrict: (division: string, assignee: string) => http.json<{ assigned: number }>('/review/assignments', { method: 'POST', body: { division, assignee } }),
  startRun: () => http.json<Run>('/review/run', { method: 'POST' }),
  run: (id: number) => http.json<Run>(`/review/runs/${id}`, { cache: 'no-store' }),
  exportUrl: (query: Record<string, string>, choice: ExportChoice) => http.url('/review/items', { ...query, format: choice.format, ...(choice.encoding ? { encoding: choice.encoding } : {}) }),
};
