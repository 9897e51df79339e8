import type { z } from 'zod';
import geobuf from 'geobuf';
import type { FeatureCollection } from 'geojson';
import { PbfReader } from 'pbf';
import { API, type Answer, type BodyInput } from '../../../geodata/model/api/index.ts';
import type { Candidate as CandidateSchema, FindingItem } from '../../../geodata/model/api/review.ts';
import type { ExportChoice } from '../../../geodata/model/export-formats.ts';
import { http } from '../http.ts';

/** The review API's shapes as the screen reads them: the API contract's (geodata/model/api/review.ts). */
export type Candidate = z.infer<typeof CandidateSchema>;
export type Item = z.infer<typeof FindingItem>;
export type Detail = Answer<typeof API.review.item>;
export type Page = Answer<typeof API.review.items>;
export type Check = Answer<typeof API.review.checks>['checks'][number];
export type HistoryEntry = Answer<typeof API.review.history>['history'][number];
export type Comment = Answer<typeof API.review.comments>['comments'][number];
export type Run = Answer<typeof API.review.run>;
export type ActionBody = BodyInput<typeof API.review.action>;
export type BatchBody = BodyInput<typeof API.review.batch>;

const R = API.review;

export const reviewApi = {
  checks: () => http.call(R.checks).then((r) => r.checks),
  /** A page of the list; `count` asks for the total and per-district counts too (they cost a full read). */
  page: (query: Record<string, string>, offset: number, limit: number, count: boolean, signal?: AbortSignal) =>
    http.call(R.items, { query: { ...query, offset, limit, counts: count ? 'true' : 'false' }, signal: signal ?? null }),
  item: (id: number) => http.call(R.item, { params: { id } }),
  /** The declared zone and division, sent as geobuf. */
  outlines: async (id: number): Promise<FeatureCollection> =>
    geobuf.decode(new PbfReader(await http.bytes(`/review/items/${id}/outlines`)) as never) as FeatureCollection,
  history: (sourceId: number) => http.call(R.history, { params: { id: sourceId } }).then((r) => r.history),
  act: (id: number, body: ActionBody) => http.call(R.action, { params: { id }, body }),
  batch: (body: BatchBody) => http.call(R.batch, { body }),
  undo: (editLogId: number) => http.call(R.undo, { body: { editLogId } }),
  comments: (id: number) => http.call(R.comments, { params: { id } }).then((r) => r.comments),
  comment: (id: number, body: string) => http.call(R.comment, { params: { id }, body: { body } }),
  assignDistrict: (division: string, assignee: string) => http.call(R.assign, { body: { division, assignee } }),
  startRun: () => http.call(R.run),
  run: (id: number) => http.call(R.runById, { params: { id }, cache: 'no-store' }),
  exportUrl: (query: Record<string, string>, choice: ExportChoice) => http.url('/review/items', { ...query, format: choice.format, ...(choice.encoding ? { encoding: choice.encoding } : {}) }),
};
