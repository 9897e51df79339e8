import type { Row } from '../model/layers.ts';
import type { Divisions } from './divisions.ts';
import type { RiverNetwork } from './rivers.ts';

/**
 * Basins that follow the drainage: one level-1 basin per main river (all land draining to
 * its mouth), one for the small coastal rivers, and level-2 sub-basins for the biggest
 * tributaries of each main river. Each is a union of the region's cells, assigned by the
 * grid cell its site drains through, so sub-basins nest in their basin exactly.
 */
export const COASTAL_BASIN_CODE = 'SFQ-L1-99';

export interface Basins {
  readonly rows: Row[];
  /** Basin code (the finest level) per river reach index. */
  readonly reachBasin: string[];
}

export function buildBasins(rivers: RiverNetwork, divisions: Divisions): Basins {
  const { grid, reaches } = rivers;
  const mainByRoot = new Map<number, number>();
  rivers.mainRivers.forEach((r, k) => mainByRoot.set(grid.root[rivers.rivers[r]!.mouthCell]!, k));
  // Sub-basins: the two biggest tributaries of each main river, if big enough.
  const tributaryCells = new Map<number, { main: number; sub: number }>();
  const subBasins: { main: number; river: number }[][] = rivers.mainRivers.map(() => []);
  rivers.mainRivers.forEach((m, k) => {
    const main = rivers.rivers[m]!;
    const tribs = rivers.rivers
      .filter((r) => r.parent === m && r.area >= Math.max(40, 0.1 * main.area))
      .sort((a, b) => b.area - a.area || a.index - b.index)
      .slice(0, 2);
    tribs.forEach((t, s) => {
      subBasins[k]!.push({ main: k, river: t.index });
      tributaryCells.set(t.mouthCell, { main: k, sub: s });
    });
  });
  const cellBasin = new Int32Array(grid.size).fill(-1);
  const cellSub = new Int32Array(grid.size).fill(-1);
  for (const c of grid.floodOrder) {
    const p = grid.parent[c]!;
    cellBasin[c] = p < 0 ? (mainByRoot.get(c) ?? -1) : cellBasin[p]!;
    const t = tributaryCells.get(c);
    cellSub[c] = t ? t.sub : p < 0 ? -1 : cellSub[p]!;
  }
  const basinCode = (main: number) => (main < 0 ? COASTAL_BASIN_CODE : `SFQ-L1-${String(main + 1).padStart(2, '0')}`);
  const subCode = (main: number, sub: number) => `${basinCode(main)}-${String(sub + 1).padStart(2, '0')}`;
  const members = new Map<string, number[]>();
  const { partition, siteZone } = divisions;
  for (let s = 0; s < partition.siteCount; s++) {
    if (siteZone[s]! < 0) continue;
    const cell = drainingCell(grid, partition.siteX[s]!, partition.siteY[s]!);
    const main = cell >= 0 ? cellBasin[cell]! : -1;
    const codes = [basinCode(main)];
    if (cell >= 0 && main >= 0 && cellSub[cell]! >= 0) codes.push(subCode(main, cellSub[cell]!));
    for (const code of codes) {
      const list = members.get(code) ?? [];
      list.push(s);
      members.set(code, list);
    }
  }
  const rows: Row[] = [];
  rivers.mainRivers.forEach((m, k) => {
    const code = basinCode(k);
    if (!members.has(code)) return;
    rows.push({ code, name: `${rivers.rivers[m]!.name}流域`, level: 1, parent_code: null, geom: partition.union(members.get(code)!) });
    subBasins[k]!.forEach((sb, s) => {
      const sc = subCode(k, s);
      if (!members.has(sc)) return;
      rows.push({ code: sc, name: `${rivers.rivers[sb.river]!.name}流域`, level: 2, parent_code: code, geom: partition.union(members.get(sc)!) });
    });
  });
  if (members.has(COASTAL_BASIN_CODE)) {
    rows.push({ code: COASTAL_BASIN_CODE, name: '示范区沿海诸河流域', level: 1, parent_code: null, geom: partition.union(members.get(COASTAL_BASIN_CODE)!) });
  }
  const known = new Set(rows.map((r) => r.code as string));
  const reachBasin = reaches.map((r) => {
    const c = r.cells[0]!;
    const main = cellBasin[c]!;
    const sub = cellSub[c]!;
    const code = main >= 0 && sub >= 0 ? subCode(main, sub) : basinCode(main);
    return known.has(code) ? code : basinCode(main);
  });
  return { rows, reachBasin };
}

/** The drainage cell of a point; near the coast (outside the drained grid) the nearest drained neighbour. */
function drainingCell(grid: RiverNetwork['grid'], x: number, y: number): number {
  const c = grid.cellAt(x, y);
  if (c >= 0 && grid.land[c]) return c;
  if (c < 0) return -1;
  const i = c % grid.nx, j = Math.floor(c / grid.nx);
  let best = -1;
  let bestD = Infinity;
  for (let dj = -2; dj <= 2; dj++) {
    for (let di = -2; di <= 2; di++) {
      const a = i + di, b = j + dj;
      if (a < 0 || b < 0 || a >= grid.nx || b >= grid.ny) continue;
      const n = b * grid.nx + a;
      if (!grid.land[n]) continue;
      const [cx, cy] = grid.centre(n);
      const d = Math.hypot(cx - x, cy - y);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
  }
  return best;
}
