import { BOUNDS, type Land } from './land.ts';
import type { Rng } from './random.ts';
import { WeightedPicker } from './random.ts';
import type { RiverNetwork } from './rivers.ts';
import { SpacingGrid } from './spacing-grid.ts';

/**
 * Where people and firms are: towns (one per township, county seats bigger), industrial
 * parks beside towns and rivers, the river corridors, and the rural rest. Zone seeds and
 * sources are both drawn from this mixture, so census zones are small where sources are
 * dense, as in the real census.
 */
export interface Town {
  readonly x: number;
  readonly y: number;
  readonly weight: number;
  readonly sigma: number;
}

export interface Park {
  readonly x: number;
  readonly y: number;
  readonly weight: number;
  readonly sigmaAlong: number;
  readonly sigmaAcross: number;
  readonly angle: number;
  /** The town it belongs to. */
  readonly town: number;
}

export type Component = 'town' | 'park' | 'river' | 'rural';

export interface MixWeights {
  readonly town: number;
  readonly park: number;
  readonly river: number;
  readonly rural: number;
}

export interface Sample {
  x: number;
  y: number;
  component: Component;
  /** Town or park index for those components, else -1. */
  ref: number;
}

export interface Settlements {
  readonly towns: Town[];
  readonly parks: Park[];
  /** Draws a land point from the mixture. */
  sample(rng: Rng, mix: MixWeights): Sample;
  /** Whether a point is land and far enough from the coast to hold a site. */
  inland(x: number, y: number, margin: number): boolean;
}

export function placeSettlements(land: Land, rivers: RiverNetwork, rng: Rng, townCount: number): Settlements {
  const inland = (x: number, y: number, margin: number) =>
    land.isLand(x, y) && x > BOUNDS.west + 0.002 && x < BOUNDS.east - 0.002 && y < BOUNDS.north - 0.002 &&
    land.distanceToCoast(x, y, margin) >= margin;
  const landArea = estimateLandArea(land);
  const spacing = 0.6 * Math.sqrt(landArea / townCount);
  const towns: Town[] = [];
  const { grid } = rivers;
  const placed = new SpacingGrid(spacing);
  let attempts = 0;
  while (towns.length < townCount) {
    attempts++;
    const x = rng.range(BOUNDS.west, BOUNDS.east);
    const y = rng.range(BOUNDS.south, BOUNDS.north);
    if (!inland(x, y, 0.008)) continue;
    // Towns grow by rivers and on the plain near the coast.
    const cell = grid.cellAt(x, y);
    const wet = cell >= 0 && grid.land[cell] ? Math.min(1, Math.log1p(grid.area[cell]!) / 5) : 0;
    const plain = Math.max(0, 1 - (y - land.coastY(x)) / 0.8);
    if (!rng.chance(0.25 + 0.45 * wet + 0.3 * plain)) continue;
    const minGap = attempts > townCount * 200 ? spacing * 0.5 : spacing;
    if (!placed.free(x, y, minGap)) continue;
    placed.add(x, y);
    const weight = rng.lognormal(1, 0.7);
    towns.push({ x, y, weight, sigma: Math.min(0.02, 0.004 + 0.006 * Math.sqrt(weight)) * Math.min(1, spacing / 0.02 + 0.3) });
  }
  const parks: Park[] = [];
  const parkCount = Math.max(4, Math.round(townCount / 4));
  const townPicker = new WeightedPicker(towns.map((t) => t.weight));
  while (parks.length < parkCount) {
    const town = townPicker.pick(rng);
    const t = towns[town]!;
    const angle = rng.range(0, 2 * Math.PI);
    const d = rng.range(1.5, 3) * t.sigma;
    const x = t.x + d * Math.cos(angle);
    const y = t.y + d * Math.sin(angle);
    if (!inland(x, y, 0.006)) continue;
    parks.push({
      x, y, town, weight: rng.lognormal(1, 0.6), angle: rng.range(0, Math.PI),
      sigmaAlong: t.sigma * rng.range(0.35, 0.6), sigmaAcross: t.sigma * rng.range(0.12, 0.25),
    });
  }
  const parkPicker = new WeightedPicker(parks.map((p) => p.weight));
  const riverPoints: number[] = [];
  const riverWeights: number[] = [];
  for (const r of rivers.reaches) {
    for (let k = 0; k < r.coords.length; k += 2) {
      riverPoints.push(r.coords[k]! / 1e6, r.coords[k + 1]! / 1e6);
      riverWeights.push(r.order * r.order);
    }
  }
  const riverPicker = new WeightedPicker(riverWeights);
  const sample = (r: Rng, mix: MixWeights): Sample => {
    const total = mix.town + mix.park + mix.river + mix.rural;
    for (;;) {
      const u = r.next() * total;
      let s: Sample;
      if (u < mix.town) {
        const i = townPicker.pick(r);
        const t = towns[i]!;
        s = { x: t.x + r.normal() * t.sigma, y: t.y + r.normal() * t.sigma, component: 'town', ref: i };
      } else if (u < mix.town + mix.park) {
        const i = parkPicker.pick(r);
        const p = parks[i]!;
        const a = r.normal() * p.sigmaAlong, b = r.normal() * p.sigmaAcross;
        s = {
          x: p.x + a * Math.cos(p.angle) - b * Math.sin(p.angle),
          y: p.y + a * Math.sin(p.angle) + b * Math.cos(p.angle),
          component: 'park', ref: i,
        };
      } else if (u < mix.town + mix.park + mix.river) {
        const k = riverPicker.pick(r);
        s = { x: riverPoints[2 * k]! + r.normal() * 0.003, y: riverPoints[2 * k + 1]! + r.normal() * 0.003, component: 'river', ref: -1 };
      } else {
        s = { x: r.range(BOUNDS.west, BOUNDS.east), y: r.range(BOUNDS.south, BOUNDS.north), component: 'rural', ref: -1 };
      }
      if (inland(s.x, s.y, 0.0005)) return s;
    }
  };
  return { towns, parks, sample, inland };
}

function estimateLandArea(land: Land): number {
  let sum = 0;
  const steps = 200;
  for (let i = 0; i < steps; i++) {
    const x = BOUNDS.west + ((i + 0.5) / steps) * (BOUNDS.east - BOUNDS.west);
    sum += Math.max(0, BOUNDS.north - land.coastY(x));
  }
  return (sum / steps) * (BOUNDS.east - BOUNDS.west);
}
