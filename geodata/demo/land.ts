import type { Rng } from './random.ts';

/**
 * The demo land: a rectangle of the Pearl River Delta's latitude whose south side is an
 * irregular coast with estuary bays, sea beyond. Everything else (rivers, divisions, sources)
 * is placed on it. The coast is a function of longitude, so "is this point on land" is one
 * interpolation and the coast can be walked west to east.
 */
export const BOUNDS = { west: 112.9, east: 113.9, south: 22.2, north: 23.1 } as const;

export interface Land {
  /** Latitude of the coast at a longitude (piecewise linear). */
  coastY(x: number): number;
  isLand(x: number, y: number): boolean;
  /** Distance in degrees from a point to the coast line, capped at `limit` (the search stops there). */
  distanceToCoast(x: number, y: number, limit?: number): number;
  /** Coast points every COAST_SPACING degrees of arc, west to east, with unit normals pointing inland. */
  readonly coastSamples: readonly CoastSample[];
  /** The heads of the estuary bays, east first: where the big rivers reach the sea. */
  readonly estuaries: readonly { x: number; y: number }[];
  /** The coast sample nearest to a point. */
  nearestCoastSample(x: number, y: number): CoastSample;
}

export interface CoastSample {
  readonly x: number;
  readonly y: number;
  readonly nx: number;
  readonly ny: number;
}

export const COAST_SPACING = 0.004;
const STEP = 0.0005;

export function createLand(rng: Rng): Land {
  const phases = Array.from({ length: 6 }, () => rng.range(0, 2 * Math.PI));
  const tilt = rng.range(-0.04, 0.04);
  const bays = [
    // A broad funnel estuary in the east (like Lingdingyang) and two narrower mouths.
    { x: 113.64 + rng.range(-0.03, 0.03), width: 0.1, depth: 0.2 },
    { x: 113.13 + rng.range(-0.03, 0.03), width: 0.05, depth: 0.09 },
    { x: 113.39 + rng.range(-0.03, 0.03), width: 0.035, depth: 0.05 },
  ];
  const shape = (x: number): number => {
    const t = x - BOUNDS.west;
    let y = 22.40 + tilt * t + 0.035 * Math.sin(2 * Math.PI * t / 0.8 + phases[0]!);
    y += 0.012 * Math.sin(2 * Math.PI * t * 9 + phases[1]!) + 0.006 * Math.sin(2 * Math.PI * t * 23 + phases[2]!);
    y += 0.002 * Math.sin(2 * Math.PI * t * 37 + phases[3]!) + 0.001 * Math.sin(2 * Math.PI * t * 83 + phases[4]!);
    for (const b of bays) {
      const u = (x - b.x) / b.width;
      y += b.depth * Math.exp(-u * u);
    }
    return y;
  };
  const n = Math.round((BOUNDS.east - BOUNDS.west) / STEP) + 1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = BOUNDS.west + i * STEP;
    ys[i] = shape(xs[i]!);
  }
  const coastY = (x: number): number => {
    const f = (x - BOUNDS.west) / STEP;
    const i = Math.max(0, Math.min(n - 2, Math.floor(f)));
    const t = f - i;
    return ys[i]! * (1 - t) + ys[i + 1]! * t;
  };
  const distanceToCoast = (x: number, y: number, limit = 0.05): number => {
    // The coast is x-monotone: only segments within the vertical distance can be closer.
    const reach = Math.min(limit, Math.abs(y - coastY(x)));
    const i0 = Math.max(0, Math.floor((x - reach - BOUNDS.west) / STEP) - 1);
    const i1 = Math.min(n - 2, Math.ceil((x + reach - BOUNDS.west) / STEP) + 1);
    let best = reach;
    for (let i = i0; i <= i1; i++) {
      best = Math.min(best, segmentDistance(x, y, xs[i]!, ys[i]!, xs[i + 1]!, ys[i + 1]!));
    }
    return best;
  };
  const coastSamples = resampleByArc(xs, ys, COAST_SPACING);
  const nearestCoastSample = (x: number, y: number): CoastSample => {
    let best = coastSamples[0]!;
    let bestD = Infinity;
    const reach = Math.abs(y - coastY(x)) + COAST_SPACING;
    for (const s of coastSamples) {
      if (s.x < x - reach || s.x > x + reach) continue;
      const d = Math.hypot(s.x - x, s.y - y);
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    }
    return best;
  };
  return {
    coastY,
    estuaries: bays.map((b) => ({ x: b.x, y: coastY(b.x) })),
    nearestCoastSample,
    isLand: (x, y) => x >= BOUNDS.west && x <= BOUNDS.east && y <= BOUNDS.north && y > coastY(x),
    distanceToCoast,
    coastSamples,
  };
}

export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function resampleByArc(xs: Float64Array, ys: Float64Array, spacing: number): CoastSample[] {
  const samples: CoastSample[] = [];
  let since = spacing;
  for (let i = 0; i + 1 < xs.length; i++) {
    const ax = xs[i]!, ay = ys[i]!, bx = xs[i + 1]!, by = ys[i + 1]!;
    const len = Math.hypot(bx - ax, by - ay);
    const tx = (bx - ax) / len;
    const ty = (by - ay) / len;
    let at = spacing - since;
    while (at <= len) {
      // Left of an eastward walk is north: inland.
      samples.push({ x: ax + tx * at, y: ay + ty * at, nx: -ty, ny: tx });
      at += spacing;
    }
    since = len - (at - spacing);
  }
  return samples;
}
