import { Delaunay } from 'd3-delaunay';
import type { MultiPolygon } from 'geojson';
import { BOUNDS } from './land.ts';

/**
 * One Voronoi diagram over every site of the region, with vertices rounded to micro-degrees
 * once and shared by all cells. Every stored polygon (census zone, township, county, city,
 * province, basin) is a union of these cells, computed by cancelling the edges two member
 * cells share, so the layers nest exactly: a township's boundary is made of the very
 * vertices of its zones' boundaries.
 */
export interface Partition {
  readonly siteCount: number;
  /** Site coordinates in degrees. */
  readonly siteX: Float64Array;
  readonly siteY: Float64Array;
  /** Sites whose cells share an edge. */
  neighbours(site: number): readonly number[];
  /** The site whose cell holds a point (micro-degrees) at least `margin` micro-degrees inside, else -1. */
  locate(x: number, y: number, margin: number): number;
  /** The union of the cells of the given sites as a valid GeoJSON MultiPolygon. */
  union(sites: Iterable<number>): MultiPolygon;
  /** Area-weighted centroid of the cells of the given sites, in degrees. */
  centroid(sites: Iterable<number>): [number, number];
}

const SCALE = 1000;

export function buildPartition(xs: readonly number[], ys: readonly number[]): Partition {
  const n = xs.length;
  // Local coordinates in milli-degrees keep the diagram's floating-point error far below the
  // micro-degree rounding.
  const points = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    points[2 * i] = (xs[i]! - BOUNDS.west) * SCALE;
    points[2 * i + 1] = (ys[i]! - BOUNDS.south) * SCALE;
  }
  const delaunay = new Delaunay(points);
  const diagram = delaunay.voronoi([0, 0, (BOUNDS.east - BOUNDS.west) * SCALE, (BOUNDS.north - BOUNDS.south) * SCALE]);
  const vertexIds = new Map<number, number>();
  const vx: number[] = [];
  const vy: number[] = [];
  const vertexOf = (u: number, v: number): number => {
    const x = Math.round(BOUNDS.west * 1e6 + u * (1e6 / SCALE));
    const y = Math.round(BOUNDS.south * 1e6 + v * (1e6 / SCALE));
    const key = x * 33554432 + y;
    let id = vertexIds.get(key);
    if (id === undefined) {
      id = vx.length;
      vx.push(x);
      vy.push(y);
      vertexIds.set(key, id);
    }
    return id;
  };
  const cells: Int32Array[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const poly = diagram.cellPolygon(i);
    if (!poly) throw new Error(`demo partition: site ${i} has no Voronoi cell (duplicate site?)`);
    const ids: number[] = [];
    for (const [u, v] of poly) {
      const id = vertexOf(u!, v!);
      if (ids[ids.length - 1] !== id) ids.push(id);
    }
    while (ids.length > 1 && ids[0] === ids[ids.length - 1]) ids.pop();
    if (ringArea(ids, vx, vy) < 0) ids.reverse();
    cells[i] = Int32Array.from(ids);
  }
  // Cells are neighbours where they share an edge of the rounded vertices (the edge the unions
  // cancel), so cells that meet in a single vertex after rounding are not.
  const V = vx.length;
  const edgeCell = new Map<number, number>();
  cells.forEach((ring, i) => {
    for (let k = 0; k < ring.length; k++) edgeCell.set(ring[k]! * V + ring[(k + 1) % ring.length]!, i);
  });
  const adjacency: number[][] = cells.map((ring, i) => {
    const found = new Set<number>();
    for (let k = 0; k < ring.length; k++) {
      const j = edgeCell.get(ring[(k + 1) % ring.length]! * V + ring[k]!);
      if (j !== undefined && j !== i) found.add(j);
    }
    return [...found].sort((a, b) => a - b);
  });
  // The walk to the nearest site follows the Delaunay graph: from any start, a greedy step to
  // a nearer Delaunay neighbour always exists until the nearest site is reached.
  const walkLists: number[][] = Array.from({ length: n }, (_, i) => [...delaunay.neighbors(i)]);
  const siteX = Float64Array.from(xs);
  const siteY = Float64Array.from(ys);
  const walkStart = new Int32Array(n + 1);
  walkLists.forEach((list, i) => (walkStart[i + 1] = walkStart[i]! + list.length));
  const walk = Int32Array.from(walkLists.flat());
  // Greedy walk over Voronoi neighbours: from any start it ends at the site nearest the point.
  const nearestFrom = (start: number, px: number, py: number): number => {
    let site = start;
    let best = (siteX[site]! - px) ** 2 + (siteY[site]! - py) ** 2;
    for (;;) {
      let next = -1;
      for (let k = walkStart[site]!; k < walkStart[site + 1]!; k++) {
        const t = walk[k]!;
        const d = (siteX[t]! - px) ** 2 + (siteY[t]! - py) ** 2;
        if (d < best) {
          best = d;
          next = t;
        }
      }
      if (next < 0) return site;
      site = next;
    }
  };
  const hint = buildHintGrid(n, nearestFrom);
  return {
    siteCount: n,
    siteX,
    siteY,
    neighbours: (site) => adjacency[site]!,
    locate(x, y, margin) {
      const px = x / 1e6, py = y / 1e6;
      const site = nearestFrom(hint.start(px, py), px, py);
      return insideCell(cells[site]!, vx, vy, x, y, margin) ? site : -1;
    },
    union: (sites) => unionCells(sites, cells, vx, vy),
    centroid(sites) {
      let a = 0, cx = 0, cy = 0;
      for (const s of sites) {
        const ring = cells[s]!;
        for (let k = 0; k < ring.length; k++) {
          const p = ring[k]!, q = ring[(k + 1) % ring.length]!;
          const cross = vx[p]! * vy[q]! - vx[q]! * vy[p]!;
          a += cross;
          cx += (vx[p]! + vx[q]!) * cross;
          cy += (vy[p]! + vy[q]!) * cross;
        }
      }
      return [cx / (3 * a) / 1e6, cy / (3 * a) / 1e6];
    },
  };
}

/** A coarse grid of starting sites (in degrees), so each walk to the nearest site is short. */
function buildHintGrid(n: number, nearestFrom: (start: number, x: number, y: number) => number) {
  const width = BOUNDS.east - BOUNDS.west;
  const height = BOUNDS.north - BOUNDS.south;
  const side = Math.max(8, Math.min(1024, Math.round(Math.sqrt(n) * 1.5)));
  const starts = new Int32Array(side * side);
  let last = 0;
  for (let j = 0; j < side; j++) {
    for (let k = 0; k < side; k++) {
      // Serpentine order: every start is next to the previous one.
      const i = j % 2 === 0 ? k : side - 1 - k;
      last = nearestFrom(last, BOUNDS.west + ((i + 0.5) * width) / side, BOUNDS.south + ((j + 0.5) * height) / side);
      starts[j * side + i] = last;
    }
  }
  return {
    start(x: number, y: number): number {
      const i = Math.min(side - 1, Math.max(0, Math.floor(((x - BOUNDS.west) / width) * side)));
      const j = Math.min(side - 1, Math.max(0, Math.floor(((y - BOUNDS.south) / height) * side)));
      return starts[j * side + i]!;
    },
  };
}

function insideCell(ring: Int32Array, vx: number[], vy: number[], x: number, y: number, margin: number): boolean {
  for (let k = 0; k < ring.length; k++) {
    const p = ring[k]!, q = ring[(k + 1) % ring.length]!;
    const ax = vx[p]!, ay = vy[p]!, bx = vx[q]!, by = vy[q]!;
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross < margin * Math.hypot(bx - ax, by - ay)) return false;
  }
  return true;
}

function ringArea(ids: readonly number[] | Int32Array, vx: number[], vy: number[]): number {
  let a = 0;
  for (let k = 0; k < ids.length; k++) {
    const p = ids[k]!, q = ids[(k + 1) % ids.length]!;
    a += vx[p]! * vy[q]! - vx[q]! * vy[p]!;
  }
  return a / 2;
}

function unionCells(sites: Iterable<number>, cells: Int32Array[], vx: number[], vy: number[]): MultiPolygon {
  const V = vx.length;
  const edges = new Set<number>();
  for (const s of sites) {
    const ring = cells[s]!;
    for (let k = 0; k < ring.length; k++) edges.add(ring[k]! * V + ring[(k + 1) % ring.length]!);
  }
  const outgoing = new Map<number, number[]>();
  const starts: number[] = [];
  for (const e of edges) {
    const a = Math.floor(e / V), b = e - a * V;
    if (edges.has(b * V + a)) continue;
    let list = outgoing.get(a);
    if (!list) {
      list = [];
      outgoing.set(a, list);
      starts.push(a);
    }
    list.push(b);
  }
  // Walk closed boundary paths; split them wherever a vertex repeats, so every ring is simple
  // (two lobes touching at a point become two rings, a hole touching its shell a separate ring).
  const rings: number[][] = [];
  starts.sort((a, b) => a - b);
  for (const start of starts) {
    while ((outgoing.get(start)?.length ?? 0) > 0) {
      const stack: number[] = [start];
      const onStack = new Map<number, number>([[start, 0]]);
      let current = start;
      for (;;) {
        const list = outgoing.get(current);
        if (!list || list.length === 0) throw new Error('demo partition: open boundary while joining cells');
        const next = list.pop()!;
        const at = onStack.get(next);
        if (at !== undefined) {
          const ring = stack.splice(at);
          for (const v of ring) onStack.delete(v);
          rings.push(ring);
          if (at === 0) break;
          stack.push(next);
          onStack.set(next, stack.length - 1);
        } else {
          stack.push(next);
          onStack.set(next, stack.length - 1);
        }
        current = next;
      }
    }
  }
  const shells: { ring: number[]; area: number; holes: number[][] }[] = [];
  const holes: number[][] = [];
  for (const ring of rings) {
    const area = ringArea(ring, vx, vy);
    if (area > 0) shells.push({ ring, area, holes: [] });
    else if (area < 0) holes.push(ring);
  }
  for (const hole of holes) {
    const p = hole[0]!, q = hole[1]!;
    const mx = (vx[p]! + vx[q]!) / 2, my = (vy[p]! + vy[q]!) / 2;
    let best: (typeof shells)[number] | undefined;
    for (const s of shells) {
      if ((!best || s.area < best.area) && pointInRing(s.ring, vx, vy, mx, my)) best = s;
    }
    if (!best) throw new Error('demo partition: a hole outside every shell');
    best.holes.push(hole);
  }
  shells.sort((a, b) => b.area - a.area || a.ring[0]! - b.ring[0]!);
  const close = (ring: number[]) => {
    const coords = ring.map((v) => [vx[v]! / 1e6, vy[v]! / 1e6]);
    coords.push(coords[0]!);
    return coords;
  };
  return { type: 'MultiPolygon', coordinates: shells.map((s) => [close(s.ring), ...s.holes.map(close)]) };
}

function pointInRing(ring: number[], vx: number[], vy: number[], x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
    const xi = vx[ring[k]!]!, yi = vy[ring[k]!]!, xj = vx[ring[j]!]!, yj = vy[ring[j]!]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
