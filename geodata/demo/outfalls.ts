import type { Row } from '../model/layers.ts';
import type { Divisions } from './divisions.ts';
import { BOUNDS } from './land.ts';
import type { Rng } from './random.ts';
import { indexRiverVertices, type RiverPointInserter } from './river-points.ts';
import type { RiverNetwork } from './rivers.ts';
import type { Settlements } from './settlement.ts';
import type { Facility, OutfallLookup } from './sources.ts';

/**
 * River outfalls (入河排污口): one for each sewage plant near a river, the rest where firms
 * cluster, each exactly on a reach line and named after its township and receiving river.
 */
export interface OutfallPlan {
  readonly rows: Row[];
  readonly lookup: OutfallLookup;
}

export function placeOutfalls(
  rivers: RiverNetwork,
  divisions: Divisions,
  settlements: Settlements,
  facilities: Facility[],
  inserter: RiverPointInserter,
  count: number,
  rng: Rng,
): OutfallPlan {
  const index = indexRiverVertices(rivers.reaches);
  const rows: Row[] = [];
  const serial = new Map<string, number>();
  const perRiver = new Map<number, number>();
  const points: { x: number; y: number; code: string }[] = [];
  const add = (x: number, y: number, radius: number): string | null => {
    const hit = index.nearestVertex(x, y, radius);
    if (!hit) return null;
    const [reachIndex, v] = hit;
    const reach = rivers.reaches[reachIndex]!;
    const vertexCount = reach.coords.length / 2;
    const lastLand = reach.downstream === null ? vertexCount - 2 : vertexCount - 1;
    const segment = v < lastLand ? v : v - 1;
    if (segment < 0) return null;
    const vx = reach.coords[2 * v]!, vy = reach.coords[2 * v + 1]!;
    const site = divisions.partition.locate(vx, vy, 0);
    if (site < 0 || divisions.siteZone[site]! < 0) return null;
    const township = divisions.townships[divisions.zones[divisions.siteZone[site]!]!.township]!;
    const county = divisions.counties[township.county]!;
    const p = inserter.add(reachIndex, segment, rng.range(0.1, 0.9));
    const n = (serial.get(county.code) ?? 0) + 1;
    serial.set(county.code, n);
    const k = (perRiver.get(reach.river) ?? 0) + 1;
    perRiver.set(reach.river, k);
    const river = rivers.rivers[reach.river]!;
    const code = `${county.code}PK${String(n).padStart(5, '0')}`;
    rows.push({
      code, name: `${township.name}${river.name}${k}号排污口`, receiving_water: river.name, reach_id: reachIndex + 1,
      geom: { type: 'Point', coordinates: [p.x / 1e6, p.y / 1e6] },
    });
    points.push({ x: p.x / 1e6, y: p.y / 1e6, code });
    return code;
  };
  for (const f of facilities) {
    if (f.industry === '4620') f.outfallCode = add(f.x, f.y, 0.05);
  }
  let attempts = 0;
  while (rows.length < count && attempts < count * 20) {
    attempts++;
    const s = settlements.sample(rng, { town: 0.4, park: 0.4, river: 0.2, rural: 0 });
    add(s.x, s.y, 0.03);
  }
  return { rows, lookup: buildLookup(points) };
}

function buildLookup(points: { x: number; y: number; code: string }[]): OutfallLookup {
  // A dense bucket grid over the region: lookups run once per source.
  const CELL = 0.01;
  const nx = Math.ceil((BOUNDS.east - BOUNDS.west) / CELL) + 1;
  const ny = Math.ceil((BOUNDS.north - BOUNDS.south) / CELL) + 1;
  const bucketOf = (x: number, y: number) =>
    Math.min(ny - 1, Math.max(0, Math.floor((y - BOUNDS.south) / CELL))) * nx + Math.min(nx - 1, Math.max(0, Math.floor((x - BOUNDS.west) / CELL)));
  const buckets: number[][] = Array.from({ length: nx * ny }, () => []);
  points.forEach((p, k) => buckets[bucketOf(p.x, p.y)]!.push(k));
  return {
    nearest(x, y, radius) {
      const i = Math.floor((x - BOUNDS.west) / CELL), j = Math.floor((y - BOUNDS.south) / CELL);
      const r = Math.ceil(radius / CELL);
      let best: string | null = null;
      let bestD = radius * radius;
      for (let b = Math.max(0, j - r); b <= Math.min(ny - 1, j + r); b++) {
        for (let a = Math.max(0, i - r); a <= Math.min(nx - 1, i + r); a++) {
          for (const k of buckets[b * nx + a]!) {
            const p = points[k]!;
            const d = (p.x - x) ** 2 + (p.y - y) ** 2;
            if (d < bestD) {
              bestD = d;
              best = p.code;
            }
          }
        }
      }
      return best;
    },
  };
}
