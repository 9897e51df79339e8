import type { Reach } from './rivers.ts';

/**
 * Points that must sit exactly on a river line (outfalls, sections). A point is taken on a
 * reach segment, rounded to micro-degrees, and inserted into the line as a vertex, so its
 * distance to the stored reach is zero on any engine.
 */
export interface RiverPoint {
  readonly reach: number;
  /** Micro-degrees. */
  readonly x: number;
  readonly y: number;
}

export interface RiverIndex {
  /** The nearest reach vertex within `radius` degrees of a point, as [reach, vertex], or null. */
  nearestVertex(x: number, y: number, radius: number): [number, number] | null;
}

const CELL = 0.01;

export function indexRiverVertices(reaches: readonly Reach[]): RiverIndex {
  const buckets = new Map<number, number[]>();
  const key = (i: number, j: number) => i * 100_003 + j;
  reaches.forEach((r, ri) => {
    // The last vertex of an outlet reach lies offshore; never put anything there.
    const last = r.downstream === null ? r.coords.length / 2 - 1 : r.coords.length / 2;
    for (let v = 0; v < last; v++) {
      const k = key(Math.floor(r.coords[2 * v]! / 1e6 / CELL), Math.floor(r.coords[2 * v + 1]! / 1e6 / CELL));
      const list = buckets.get(k);
      if (list) list.push(ri, v);
      else buckets.set(k, [ri, v]);
    }
  });
  return {
    nearestVertex(x, y, radius) {
      const i = Math.floor(x / CELL), j = Math.floor(y / CELL);
      const r = Math.ceil(radius / CELL);
      let best: [number, number] | null = null;
      let bestD = radius;
      for (let a = i - r; a <= i + r; a++) {
        for (let b = j - r; b <= j + r; b++) {
          const list = buckets.get(key(a, b));
          if (!list) continue;
          for (let k = 0; k < list.length; k += 2) {
            const reach = reaches[list[k]!]!;
            const v = list[k + 1]!;
            const d = Math.hypot(reach.coords[2 * v]! / 1e6 - x, reach.coords[2 * v + 1]! / 1e6 - y);
            if (d < bestD) {
              bestD = d;
              best = [list[k]!, v];
            }
          }
        }
      }
      return best;
    },
  };
}

/** Collects points on reach segments and inserts them into the lines once all are known. */
export class RiverPointInserter {
  private readonly pending = new Map<number, { segment: number; t: number; x: number; y: number }[]>();
  constructor(private readonly reaches: Reach[]) {}

  /** A point at fraction t of the segment that starts at vertex `segment` of a reach. */
  add(reach: number, segment: number, t: number): RiverPoint {
    const c = this.reaches[reach]!.coords;
    const s = Math.min(segment, c.length / 2 - 2);
    const x = Math.round(c[2 * s]! + t * (c[2 * s + 2]! - c[2 * s]!));
    const y = Math.round(c[2 * s + 1]! + t * (c[2 * s + 3]! - c[2 * s + 1]!));
    const list = this.pending.get(reach) ?? [];
    list.push({ segment: s, t, x, y });
    this.pending.set(reach, list);
    return { reach, x, y };
  }

  /** Rewrites the reach lines with every added point as a vertex. */
  apply(): void {
    for (const [reach, list] of this.pending) {
      const r = this.reaches[reach]!;
      list.sort((a, b) => a.segment - b.segment || a.t - b.t);
      const out: number[] = [];
      const push = (x: number, y: number) => {
        if (out.length >= 2 && out[out.length - 2] === x && out[out.length - 1] === y) return;
        out.push(x, y);
      };
      let k = 0;
      for (let v = 0; v < r.coords.length / 2; v++) {
        push(r.coords[2 * v]!, r.coords[2 * v + 1]!);
        while (k < list.length && list[k]!.segment === v) {
          push(list[k]!.x, list[k]!.y);
          k++;
        }
      }
      r.coords = out;
    }
    this.pending.clear();
  }
}
