import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';
import type { TraceStart } from './identifiers.ts';
import type { DownstreamTrace, UpstreamTrace } from './trace.ts';

const SQL = loadStatements(new URL('./trace-paths.sql', import.meta.url), ['reach_paths']);

/** One reach of a trace as a line to draw: [lon, lat] points. */
export interface ReachPath { id: number; path: [number, number][] }

/**
 * What `GET /api/network/trace` answers (the web client reads this type, not a copy of it):
 * where the trace starts, the trace itself, and with `paths=true` the lines of its reaches.
 */
export type NetworkTraceAnswer =
  | { direction: 'upstream'; start: TraceStart; trace: UpstreamTrace; paths?: ReachPath[] }
  | { direction: 'downstream'; start: TraceStart; trace: DownstreamTrace; paths?: ReachPath[] };

/**
 * Drawing tolerance: 0.0001° (about 10 m) keeps the demo's 0.01° grid reaches and the national
 * 1:4M lines visibly the same at city zoom while cutting the points sent.
 */
export const DRAW_TOLERANCE_DEG = 0.0001;

/** The lines of the given reaches, in the order given (a reach without geometry is left out). */
export async function reachPaths(pool: pg.Pool, ids: readonly number[], toleranceDeg = DRAW_TOLERANCE_DEG): Promise<ReachPath[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string; geojson: string }>(SQL.reach_paths, [ids, toleranceDeg]);
  const byId = new Map(rows.map((r) => [Number(r.id), (JSON.parse(r.geojson) as { coordinates: [number, number][] }).coordinates]));
  return ids.flatMap((id) => {
    const path = byId.get(id);
    return path ? [{ id, path }] : [];
  });
}
