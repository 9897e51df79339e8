import { describe, expect, it } from 'vitest';
import { rankedItems, traceBounds, type NetworkTraceAnswer } from './trace.ts';

const loads = { cod: 0, nh3n: 0, tn: 0, tp: 0 };
const validity = { complete: true, outletId: 1, outletHow: 'mouth', ambiguousForks: [], unreached: 0, cycles: 0, warning: null };

const upstream = {
  direction: 'upstream',
  start: { kind: 'section', code: 'A' },
  trace: {
    from: { kind: 'section', id: 'A', name: '甲', reachId: 1, distM: 0 }, section: { code: 'A', name: '甲', reachId: 1, distM: 0, targetClass: 3 }, scope: 'whole', decayPerKm: loads, rankBy: 'cod',
    reaches: [1, 2], reachDetails: [], upstreamSections: [], totals: { plain: loads, decayed: loads, sources: 2, viaFacility: 0 },
    sources: [
      { id: '7', censusId: 'S7', name: '大厂', kind: 'source', riverM: 1200, plain: loads, decayed: loads, share: 0.7, lon: 113.1, lat: 23.1 },
      { id: '3', name: null, kind: 'source', riverM: 300, plain: loads, decayed: loads, share: 0.3, lon: null, lat: null },
    ],
    outfalls: [], validity,
  },
  paths: [{ id: 1, path: [[113, 23], [113.2, 23.05]] }, { id: 2, path: [[113.2, 23.05], [113.3, 22.9]] }],
} as NetworkTraceAnswer;

describe('a trace for the map', () => {
  it('ranks upstream sources in the server\'s order, by census id where there is one', () => {
    expect(rankedItems(upstream).map((r) => [r.rank, r.id, r.share])).toEqual([[1, 'S7', 0.7], [2, '3', 0.3]]);
  });

  it('ranks the sections a downstream trace reaches, nearest first as the server sends them', () => {
    const down = {
      direction: 'downstream', start: { kind: 'outfall', code: 'O1' },
      trace: {
        from: { kind: 'outfall', id: 'O1', reachId: 1, distM: 10, note: null }, reaches: [1], reachDetails: [], validity,
        sections: [{ code: 'A', name: '甲', riverM: 500, remaining: loads, delivered: null }, { code: 'B', name: '乙', riverM: 9000, remaining: loads, delivered: null }],
      },
    } as NetworkTraceAnswer;
    expect(rankedItems(down).map((r) => [r.rank, r.kind, r.id, r.riverM])).toEqual([[1, 'section', 'A', 500], [2, 'section', 'B', 9000]]);
  });

  it('frames every point of every reach, and nothing when the trace has no lines', () => {
    expect(traceBounds(upstream)).toEqual([113, 22.9, 113.3, 23.05]);
    expect(traceBounds({ ...upstream, paths: [] })).toBeNull();
  });
});
