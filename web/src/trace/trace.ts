import { API, type Answer } from '../../../geodata/model/api/index.ts';
import { http } from '../http.ts';

/** A trace as /api/network/trace answers it (the API contract, geodata/model/api/network.ts). */
export type NetworkTraceAnswer = Answer<typeof API.network.trace>;
export type TraceDirection = NetworkTraceAnswer['direction'];
export type TraceStartKind = 'section' | 'outfall' | 'source';

/** One line of a trace's ranked list: a contributor upstream, or a section reached downstream. */
export interface RankedItem {
  rank: number;
  kind: 'source' | 'section';
  /** Census id of a source, code of a section: what the user searches by. */
  id: string;
  name: string | null;
  /** Share of the section's decayed load of the ranking pollutant (upstream only). */
  share: number | null;
  riverM: number;
  lon: number | null;
  lat: number | null;
}

/**
 * A trace by friendly identifier (section or outfall code, census id) with its reaches' lines.
 * @example
 * const answer = await fetchTrace('440300-01', 'upstream', 'section');
 */
export function fetchTrace(from: string, direction: TraceDirection, kind?: TraceStartKind, signal?: AbortSignal): Promise<NetworkTraceAnswer> {
  return http.call(API.network.trace, { query: { from, direction, kind, paths: true, limit: 20 }, signal: signal ?? null, cache: 'no-store' });
}

/**
 * What the trace ranks: upstream, the sources by their share of the decayed load (as the server
 * orders them); downstream, the sections reached, nearest first.
 */
export function rankedItems(answer: NetworkTraceAnswer): RankedItem[] {
  if (answer.direction === 'upstream') {
    return answer.trace.sources.map((c, i) => ({
      rank: i + 1, kind: 'source', id: c.censusId ?? c.id, name: c.name, share: c.share, riverM: c.riverM, lon: c.lon, lat: c.lat,
    }));
  }
  return answer.trace.sections.map((s, i) => ({ rank: i + 1, kind: 'section', id: s.code, name: s.name, share: null, riverM: s.riverM, lon: null, lat: null }));
}

/** The box around a trace's lines, [west, south, east, north], or null when it has none. */
export function traceBounds(answer: NetworkTraceAnswer): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const p of answer.paths ?? []) {
    for (const [x, y] of p.path) {
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < s) s = y;
      if (y > n) n = y;
    }
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
