import { BOUNDS, type Land } from './land.ts';
import { NamePool } from './names.ts';
import type { Rng } from './random.ts';

/**
 * The river network: a drainage tree grown on a 0.01° grid by flooding a synthetic terrain
 * from the sea (priority flood), so every cell drains to the coast and the tree has no
 * cycles by construction. Cells that collect enough area are rivers; chains of them between
 * confluences are reaches, drawn through jittered cell centres and smoothed into meanders.
 */
export interface FlowGrid {
  readonly nx: number;
  readonly ny: number;
  readonly size: number;
  /** 1 where the cell drains (land away from the coast). */
  readonly land: Uint8Array;
  /** The cell each cell drains into; -1 at the coast (into the sea) and for non-land cells. */
  readonly parent: Int32Array;
  /** Land cells in flooding order: every cell comes after the cell it drains into. */
  readonly floodOrder: Int32Array;
  /** Upstream area in cells, the cell itself included. */
  readonly area: Float64Array;
  /** The coastal cell each cell finally drains through. */
  readonly root: Int32Array;
  cellAt(x: number, y: number): number;
  centre(cell: number): [number, number];
}

export interface Reach {
  /** Index in the reaches array; the stored id is index + 1. */
  readonly index: number;
  /** The grid cells the reach runs through, upstream first. */
  readonly cells: number[];
  downstream: number | null;
  upstream: number[];
  order: number;
  river: number;
  fromNode: string;
  toNode: string;
  /** Micro-degree integer coordinates x0, y0, x1, y1, … upstream first. */
  coords: number[];
}

export interface River {
  readonly index: number;
  name: string;
  /** The reach where it ends (joins its parent river or the sea). */
  readonly mouthReach: number;
  /** Upstream area at its mouth, in grid cells. */
  readonly area: number;
  readonly parent: number | null;
  /** The last cell of the river before it joins its parent (or the coast). */
  readonly mouthCell: number;
}

export interface RiverNetwork {
  readonly grid: FlowGrid;
  readonly reaches: Reach[];
  readonly rivers: River[];
  /** Indexes of the main rivers (the biggest that reach the sea), biggest first. */
  readonly mainRivers: number[];
}

export const GRID_STEP = 0.01;
const RIVER_MIN_AREA = 10;
const MAIN_RIVERS = 4;
const JITTER = 0.2;
const OFFSHORE = 0.0015;

export function buildRiverNetwork(land: Land, rng: Rng): RiverNetwork {
  const grid = floodTerrain(land, rng);
  const reaches = traceReaches(grid, land, rng);
  assignStrahler(reaches, grid);
  const rivers = nameRivers(reaches, grid, rng);
  const mainRivers = rivers
    .filter((r) => r.parent === null)
    .sort((a, b) => b.area - a.area || a.index - b.index)
    .slice(0, MAIN_RIVERS)
    .map((r) => r.index);
  renameMainRivers(rivers, mainRivers);
  return { grid, reaches, rivers, mainRivers };
}

function floodTerrain(land: Land, rng: Rng): FlowGrid {
  const nx = Math.round((BOUNDS.east - BOUNDS.west) / GRID_STEP);
  const ny = Math.round((BOUNDS.north - BOUNDS.south) / GRID_STEP);
  const size = nx * ny;
  const centre = (cell: number): [number, number] => [
    BOUNDS.west + ((cell % nx) + 0.5) * GRID_STEP,
    BOUNDS.south + (Math.floor(cell / nx) + 0.5) * GRID_STEP,
  ];
  const landMask = new Uint8Array(size);
  for (let c = 0; c < size; c++) {
    const [x, y] = centre(c);
    if (land.isLand(x, y) && land.distanceToCoast(x, y, 0.004) >= 0.004) landMask[c] = 1;
  }
  const elevation = terrain(land, rng, nx, ny, centre);
  const parent = new Int32Array(size).fill(-1);
  const seen = new Uint8Array(size);
  const heap = new MinHeap();
  for (let c = 0; c < size; c++) {
    if (!landMask[c]) continue;
    if (neighbours(c, nx, ny).some(([n]) => !landMask[n])) {
      seen[c] = 1;
      heap.push(elevation[c]!, c);
    }
  }
  const order: number[] = [];
  const level = new Float64Array(size);
  while (heap.size > 0) {
    const [p, c] = heap.pop();
    level[c] = p;
    order.push(c);
    for (const [n, diagonal] of neighbours(c, nx, ny)) {
      if (!landMask[n] || seen[n]) continue;
      // A diagonal link must not cross the other diagonal of the same 2×2 block.
      if (diagonal) {
        const a = Math.floor(c / nx) * nx + (n % nx);
        const b = Math.floor(n / nx) * nx + (c % nx);
        if (parent[a] === b || parent[b] === a) continue;
      }
      seen[n] = 1;
      parent[n] = c;
      heap.push(Math.max(elevation[n]!, p + 1e-6), n);
    }
  }
  const floodOrder = Int32Array.from(order);
  const area = new Float64Array(size);
  for (let i = floodOrder.length - 1; i >= 0; i--) {
    const c = floodOrder[i]!;
    area[c] = area[c]! + 1;
    if (parent[c]! >= 0) area[parent[c]!] = area[parent[c]!]! + area[c]!;
  }
  const root = new Int32Array(size).fill(-1);
  for (const c of floodOrder) root[c] = parent[c]! < 0 ? c : root[parent[c]!]!;
  return {
    nx, ny, size, land: landMask, parent, floodOrder, area, root, centre,
    cellAt(x, y) {
      const i = Math.floor((x - BOUNDS.west) / GRID_STEP);
      const j = Math.floor((y - BOUNDS.south) / GRID_STEP);
      if (i < 0 || j < 0 || i >= nx || j >= ny) return -1;
      return j * nx + i;
    },
  };
}

/**
 * Terrain rising inland, cut by a few meandering valleys that run north from the estuary
 * heads, plus smooth and rough noise: the flood then gathers most land into a few big basins.
 */
function terrain(land: Land, rng: Rng, nx: number, ny: number, centre: (c: number) => [number, number]): Float64Array {
  const outlets = [...land.estuaries.map((e) => e.x), rng.range(112.97, 113.05)];
  const valleys = outlets.map((x0) => ({
    x0, drift: rng.range(-0.35, 0.35), amp: rng.range(0.02, 0.05), freq: rng.range(6, 11), phase: rng.range(0, 6.3),
  }));
  const lattice = 0.05;
  const lx = Math.ceil((BOUNDS.east - BOUNDS.west) / lattice) + 2;
  const ly = Math.ceil((BOUNDS.north - BOUNDS.south) / lattice) + 2;
  const knots = Float64Array.from({ length: lx * ly }, () => rng.next());
  const smooth = (x: number, y: number) => {
    const fx = (x - BOUNDS.west) / lattice;
    const fy = (y - BOUNDS.south) / lattice;
    const i = Math.floor(fx), j = Math.floor(fy);
    const u = fx - i, v = fy - j;
    const k = (a: number, b: number) => knots[Math.min(ly - 1, b) * lx + Math.min(lx - 1, a)]!;
    return (k(i, j) * (1 - u) + k(i + 1, j) * u) * (1 - v) + (k(i, j + 1) * (1 - u) + k(i + 1, j + 1) * u) * v;
  };
  const e = new Float64Array(nx * ny);
  for (let c = 0; c < e.length; c++) {
    const [x, y] = centre(c);
    const inland = y - land.coastY(x);
    let valley = 1;
    for (const v of valleys) {
      const vx = v.x0 + v.drift * inland + v.amp * Math.sin(inland * v.freq * 2 * Math.PI / 1 + v.phase);
      valley = Math.min(valley, Math.abs(x - vx) / 0.12);
    }
    e[c] = 0.6 * inland + 0.3 * Math.min(1, valley) + 0.12 * smooth(x, y) + 0.03 * rng.next();
  }
  return e;
}

function traceReaches(grid: FlowGrid, land: Land, rng: Rng): Reach[] {
  const isRiver = (c: number) => grid.land[c] === 1 && grid.area[c]! >= RIVER_MIN_AREA;
  const riverChildren = new Map<number, number[]>();
  for (const c of grid.floodOrder) {
    if (!isRiver(c)) continue;
    const p = grid.parent[c]!;
    if (p >= 0) {
      const list = riverChildren.get(p) ?? [];
      list.push(c);
      riverChildren.set(p, list);
    }
  }
  const childCount = (c: number) => riverChildren.get(c)?.length ?? 0;
  // One node position per cell, shared by every reach that touches the cell.
  const node = new Map<number, [number, number]>();
  const nodeOf = (c: number): [number, number] => {
    let p = node.get(c);
    if (!p) {
      const [x, y] = grid.centre(c);
      p = [x + rng.range(-JITTER, JITTER) * GRID_STEP, y + rng.range(-JITTER, JITTER) * GRID_STEP];
      node.set(c, p);
    }
    return p;
  };
  const reaches: Reach[] = [];
  const reachStartingAt = new Map<number, number>();
  for (const c of grid.floodOrder) {
    if (!isRiver(c) || childCount(c) === 1) continue;
    const cells = [c];
    let d = c;
    while (grid.parent[d]! >= 0) {
      d = grid.parent[d]!;
      cells.push(d);
      if (childCount(d) >= 2) break;
    }
    reachStartingAt.set(c, reaches.length);
    reaches.push({
      index: reaches.length, cells, downstream: null, upstream: [], order: 0, river: -1,
      fromNode: `N${c}`, toNode: '', coords: [],
    });
  }
  // floodOrder runs downstream to upstream; lay out coordinates in the same order so the
  // shared node positions are drawn from the random stream in a fixed sequence.
  for (const r of reaches) {
    const last = r.cells[r.cells.length - 1]!;
    const points = r.cells.map(nodeOf);
    if (r.cells.length > 1 && childCount(last) >= 2) {
      r.toNode = `N${last}`;
      r.downstream = reachStartingAt.get(last)!;
    } else {
      const [lx, ly] = points[points.length - 1]!;
      const s = land.nearestCoastSample(lx, ly);
      points.push([s.x - OFFSHORE * s.nx, s.y - OFFSHORE * s.ny]);
      r.toNode = `M${last}`;
    }
    r.coords = toMicro(chaikin(points, 2));
  }
  for (const r of reaches) if (r.downstream !== null) reaches[r.downstream]!.upstream.push(r.index);
  return reaches;
}

function assignStrahler(reaches: Reach[], grid: FlowGrid): void {
  const byArea = [...reaches].sort((a, b) => grid.area[a.cells[0]!]! - grid.area[b.cells[0]!]! || a.index - b.index);
  for (const r of byArea) {
    if (r.upstream.length === 0) {
      r.order = 1;
      continue;
    }
    const orders = r.upstream.map((u) => reaches[u]!.order);
    const max = Math.max(...orders);
    r.order = orders.filter((o) => o === max).length >= 2 ? max + 1 : max;
  }
}

/** Main stems follow the bigger branch upstream at each confluence; the others are tributaries. */
function nameRivers(reaches: Reach[], grid: FlowGrid, rng: Rng): River[] {
  const names = new NamePool(rng);
  const rivers: River[] = [];
  const outletReaches = reaches.filter((r) => r.downstream === null);
  const stack: { reach: number; parent: number | null }[] = outletReaches.map((r) => ({ reach: r.index, parent: null }));
  while (stack.length > 0) {
    const { reach, parent } = stack.pop()!;
    const first = reaches[reach]!;
    const mouthCell = first.downstream === null ? first.cells[first.cells.length - 1]! : first.cells[first.cells.length - 2]!;
    const river: River = {
      index: rivers.length, name: '', mouthReach: reach, area: grid.area[mouthCell]!, parent, mouthCell,
    };
    rivers.push(river);
    let current: Reach | undefined = first;
    while (current) {
      current.river = river.index;
      const ups: Reach[] = current.upstream.map((u) => reaches[u]!);
      ups.sort((a, b) => upstreamArea(b, grid) - upstreamArea(a, grid) || a.index - b.index);
      for (const t of ups.slice(1)) stack.push({ reach: t.index, parent: river.index });
      current = ups[0];
    }
  }
  for (const r of rivers) {
    const suffix = r.area >= 120 ? (rng.chance(0.6) ? '河' : '水') : r.area >= 40 ? (rng.chance(0.5) ? '河' : '涌') : '涌';
    r.name = names.next() + suffix;
  }
  return rivers;
}

function renameMainRivers(rivers: River[], mainRivers: number[]): void {
  for (const i of mainRivers) {
    const r = rivers[i]!;
    r.name = r.name.slice(0, -1) + '江';
  }
}

/** Area just above the reach's downstream end: what the branch brings to the confluence. */
function upstreamArea(r: Reach, grid: FlowGrid): number {
  const cell = r.cells.length >= 2 ? r.cells[r.cells.length - 2]! : r.cells[0]!;
  return grid.area[cell]!;
}

function neighbours(c: number, nx: number, ny: number): [number, boolean][] {
  const i = c % nx;
  const j = Math.floor(c / nx);
  const out: [number, boolean][] = [];
  for (let dj = -1; dj <= 1; dj++) {
    for (let di = -1; di <= 1; di++) {
      if (di === 0 && dj === 0) continue;
      const a = i + di, b = j + dj;
      if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
      out.push([b * nx + a, di !== 0 && dj !== 0]);
    }
  }
  return out;
}

/** Corner cutting that keeps both ends, so reaches still meet exactly at their nodes. */
export function chaikin(points: [number, number][], rounds: number): [number, number][] {
  let pts = points;
  for (let k = 0; k < rounds && pts.length > 2; k++) {
    const out: [number, number][] = [pts[0]!];
    for (let i = 0; i + 1 < pts.length; i++) {
      const [ax, ay] = pts[i]!;
      const [bx, by] = pts[i + 1]!;
      if (i > 0) out.push([0.75 * ax + 0.25 * bx, 0.75 * ay + 0.25 * by]);
      if (i + 2 < pts.length) out.push([0.25 * ax + 0.75 * bx, 0.25 * ay + 0.75 * by]);
    }
    out.push(pts[pts.length - 1]!);
    pts = out;
  }
  return pts;
}

export function toMicro(points: [number, number][]): number[] {
  const out: number[] = [];
  for (const [x, y] of points) {
    const mx = Math.round(x * 1e6);
    const my = Math.round(y * 1e6);
    if (out.length >= 2 && out[out.length - 2] === mx && out[out.length - 1] === my) continue;
    out.push(mx, my);
  }
  return out;
}

class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];
  get size() {
    return this.keys.length;
  }
  push(key: number, value: number) {
    this.keys.push(key);
    this.values.push(value);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0]!, this.values[0]!];
    const lastKey = this.keys.pop()!;
    const lastValue = this.values.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.values[0] = lastValue;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  // Ties break on the cell index so the flood is the same on every run.
  private less(a: number, b: number) {
    return this.keys[a]! < this.keys[b]! || (this.keys[a] === this.keys[b] && this.values[a]! < this.values[b]!);
  }
  private swap(a: number, b: number) {
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
    [this.values[a], this.values[b]] = [this.values[b]!, this.values[a]!];
  }
}
