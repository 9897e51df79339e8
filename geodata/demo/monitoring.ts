import type { Row } from '../model/layers.ts';
import type { Divisions } from './divisions.ts';
import type { Rng } from './random.ts';
import type { RiverPointInserter } from './river-points.ts';
import type { RiverNetwork } from './rivers.ts';
import type { Settlements } from './settlement.ts';

/**
 * Water-quality sections on the rivers and air stations in the towns, with 24 monthly
 * readings each. Section water gets worse with the pollution load carried from upstream
 * per unit of flow, so sections below dense industry fail their targets; air follows the
 * Pearl River Delta's seasons (winter haze, autumn ozone).
 */
export const MONTHS: readonly string[] = Array.from({ length: 24 }, (_, i) =>
  `${2023 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`);

export interface LoadField {
  /** Pollution load gathered from upstream, per grid cell. */
  readonly upstream: Float64Array;
  /** Load of the cell's own surroundings (for air). */
  readonly local: Float64Array;
}

/** Monte Carlo estimate of where the load is, from the same mixture the sources come from. */
export function estimateLoad(rivers: RiverNetwork, settlements: Settlements, rng: Rng): LoadField {
  const { grid } = rivers;
  const local = new Float64Array(grid.size);
  const weight = { town: 1.5, park: 4, river: 1.2, rural: 0.6 } as const;
  for (let i = 0; i < 40_000; i++) {
    const s = settlements.sample(rng, { town: 0.35, park: 0.3, river: 0.15, rural: 0.2 });
    const c = grid.cellAt(s.x, s.y);
    if (c >= 0) local[c] = local[c]! + weight[s.component];
  }
  const upstream = Float64Array.from(local);
  for (let k = grid.floodOrder.length - 1; k >= 0; k--) {
    const c = grid.floodOrder[k]!;
    const p = grid.parent[c]!;
    if (p >= 0) upstream[p] = upstream[p]! + upstream[c]!;
  }
  return { upstream, local };
}

export interface SectionPlan {
  readonly rows: Row[];
  readonly readings: Row[];
}

export function placeSections(
  rivers: RiverNetwork,
  divisions: Divisions,
  load: LoadField,
  inserter: RiverPointInserter,
  count: number,
  rng: Rng,
): SectionPlan {
  const { reaches, grid } = rivers;
  const main = new Set(rivers.mainRivers);
  const candidates = reaches
    .filter((r) => r.order >= 2 && r.coords.length >= 8)
    .map((r) => ({ r, score: r.order + (main.has(r.river) ? 2 : 0) + rng.next() * 2 }))
    .sort((a, b) => b.score - a.score || a.r.index - b.r.index);
  const chosen: { reach: number; x: number; y: number; cell: number; site: number }[] = [];
  for (const { r } of candidates) {
    if (chosen.length >= count) break;
    const vertices = r.coords.length / 2 - (r.downstream === null ? 2 : 1);
    const v = Math.max(0, Math.min(vertices - 1, Math.floor(vertices * rng.range(0.3, 0.8))));
    const x = r.coords[2 * v]! / 1e6, y = r.coords[2 * v + 1]! / 1e6;
    if (chosen.some((c) => Math.hypot(c.x - x, c.y - y) < 0.04)) continue;
    const site = divisions.partition.locate(Math.round(x * 1e6), Math.round(y * 1e6), 0);
    if (site < 0 || divisions.siteZone[site]! < 0) continue;
    const cell = r.cells[Math.min(r.cells.length - 1, Math.floor((v / vertices) * r.cells.length))]!;
    const p = inserter.add(r.index, v, rng.range(0.2, 0.8));
    chosen.push({ reach: r.index, x: p.x / 1e6, y: p.y / 1e6, cell, site });
  }
  const pressure = chosen.map((c) => load.upstream[c.cell]! / Math.pow(grid.area[c.cell]!, 0.85));
  const median = [...pressure].sort((a, b) => a - b)[Math.floor(pressure.length / 2)] ?? 1;
  const rows: Row[] = [];
  const readings: Row[] = [];
  chosen.forEach((c, k) => {
    const reach = reaches[c.reach]!;
    const river = rivers.rivers[reach.river]!;
    const national = main.has(reach.river) && reach.order >= 3 && rng.chance(0.7);
    const zone = divisions.siteZone[c.site]!;
    const township = divisions.townships[divisions.zones[zone]!.township]!;
    const place = township.shortName.replace(/(街道|镇)$/, '');
    const code = `99DM${String(k + 1).padStart(3, '0')}`;
    rows.push({
      code,
      name: `${river.name}${place}断面`,
      level: national ? 'national' : 'provincial',
      target_class: national ? (rng.chance(0.5) ? '2' : '3') : rng.chance(0.6) ? '3' : '4',
      river_name: river.name,
      reach_id: c.reach + 1,
      geom: { type: 'Point', coordinates: [c.x, c.y] },
    });
    const p = Math.max(0.05, pressure[k]! / median);
    MONTHS.forEach((month, m) => {
      const mo = m % 12;
      const dry = mo <= 3 || mo >= 10 ? 1.25 : 0.85;
      const trend = 1 - 0.04 * (m / 12);
      const f = (spread: number) => dry * trend * rng.lognormal(1, spread);
      const cod = round(6 + 14 * Math.pow(p, 0.7) * f(0.15), 1);
      const nh3n = round(0.1 + 0.6 * Math.pow(p, 0.9) * f(0.25), 3);
      const tp = round(0.03 + 0.12 * Math.pow(p, 0.8) * f(0.2), 3);
      const summer = mo >= 4 && mo <= 9 ? 1.2 : 0;
      const doMgl = round(Math.min(10, Math.max(1.2, 9.2 - summer - 1.6 * Math.sqrt(p) + rng.normal() * 0.4)), 2);
      readings.push({ section_code: code, month, water_class: String(waterClass(cod, nh3n, tp, doMgl)), cod, nh3n, tp, do_mgl: doMgl });
    });
  });
  return { rows, readings };
}

/** GB 3838-2002 class (1..5, 6 = worse than V) for the worst of four parameters. */
export function waterClass(cod: number, nh3n: number, tp: number, doMgl: number): number {
  const by = (v: number, limits: number[]) => {
    const i = limits.findIndex((l) => v <= l);
    return i < 0 ? 6 : i + 1;
  };
  const doClass = doMgl >= 7.5 ? 1 : doMgl >= 6 ? 2 : doMgl >= 5 ? 3 : doMgl >= 3 ? 4 : doMgl >= 2 ? 5 : 6;
  return Math.max(by(cod, [15, 15, 20, 30, 40]), by(nh3n, [0.15, 0.5, 1, 1.5, 2]), by(tp, [0.02, 0.1, 0.2, 0.3, 0.4]), doClass);
}

const PM25_SEASON = [1.55, 1.25, 1.15, 0.95, 0.75, 0.6, 0.55, 0.6, 0.85, 1.15, 1.3, 1.5];
const O3_SEASON = [110, 120, 130, 150, 160, 140, 150, 165, 200, 190, 150, 115];
const NO2_SEASON = [1.3, 1.1, 1.05, 0.95, 0.85, 0.75, 0.7, 0.75, 0.95, 1.1, 1.25, 1.35];

export function placeAirStations(
  divisions: Divisions,
  settlements: Settlements,
  rivers: RiverNetwork,
  load: LoadField,
  rng: Rng,
): SectionPlan {
  const rows: Row[] = [];
  const readings: Row[] = [];
  const maxLocal = Math.max(...load.local);
  // Every county seat, then the biggest other towns.
  const seats = divisions.counties.map((c) => c.seatTown);
  const others = settlements.towns
    .map((t, i) => ({ i, w: t.weight }))
    .filter((t) => !seats.includes(t.i))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .slice(0, Math.max(2, Math.round(seats.length / 2)))
    .map((t) => t.i);
  [...seats, ...others].forEach((town, k) => {
    const t = settlements.towns[town]!;
    const township = divisions.townships[town]!;
    const county = divisions.counties[township.county]!;
    const city = divisions.cities[county.city]!;
    const code = `99${String(k + 1).padStart(2, '0')}A`;
    rows.push({
      code, name: `${township.name}站`, city: city.name,
      geom: { type: 'Point', coordinates: [round(t.x, 6), round(t.y, 6)] },
    });
    const cell = rivers.grid.cellAt(t.x, t.y);
    const industry = cell >= 0 ? Math.sqrt(load.local[cell]! / maxLocal) : 0;
    const pmBase = 22 + 14 * industry + rng.normal() * 2;
    const no2Base = 24 + 16 * industry + rng.normal() * 3;
    MONTHS.forEach((month, m) => {
      const mo = m % 12;
      const trend = 1 - 0.03 * (m / 12);
      const pm25 = round(pmBase * PM25_SEASON[mo]! * trend * rng.lognormal(1, 0.1), 1);
      const pm10 = round(pm25 * rng.range(1.5, 1.8), 1);
      const o3 = round(O3_SEASON[mo]! * (0.9 + 0.2 * (1 - industry)) * rng.lognormal(1, 0.08), 1);
      const no2 = round(no2Base * NO2_SEASON[mo]! * rng.lognormal(1, 0.1), 1);
      const so2 = round((6 + 4 * industry) * (mo <= 2 || mo >= 10 ? 1.2 : 0.9) * rng.lognormal(1, 0.15), 1);
      readings.push({ station_code: code, month, pm25, pm10, o3, no2, so2, aqi: aqi(pm25, pm10, o3, no2, so2) });
    });
  });
  return { rows, readings };
}

/** AQI per HJ 633-2012: the largest individual index (24-hour limits; ozone 8-hour). */
export function aqi(pm25: number, pm10: number, o3: number, no2: number, so2: number): number {
  const I = [0, 50, 100, 150, 200, 300, 400, 500];
  const iaqi = (c: number, bp: number[]) => {
    for (let k = 1; k < bp.length; k++) {
      if (c <= bp[k]!) return ((I[k]! - I[k - 1]!) / (bp[k]! - bp[k - 1]!)) * (c - bp[k - 1]!) + I[k - 1]!;
    }
    return 500;
  };
  return Math.round(Math.max(
    iaqi(pm25, [0, 35, 75, 115, 150, 250, 350, 500]),
    iaqi(pm10, [0, 50, 150, 250, 350, 420, 500, 600]),
    iaqi(o3, [0, 100, 160, 215, 265, 800, 800, 800]),
    iaqi(no2, [0, 40, 80, 180, 280, 565, 750, 940]),
    iaqi(so2, [0, 50, 150, 475, 800, 1600, 2100, 2620]),
  ));
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
