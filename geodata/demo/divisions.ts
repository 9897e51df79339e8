import type { MultiPolygon } from 'geojson';
import type { Row } from '../model/layers.ts';
import { BOUNDS, type Land } from './land.ts';
import { DEMO_PREFIX, NamePool } from './names.ts';
import { buildPartition, type Partition } from './partition.ts';
import type { Rng } from './random.ts';
import type { Settlements } from './settlement.ts';
import { SpacingGrid } from './spacing-grid.ts';

/**
 * The administrative tree of the demo region: province 990000 (示范省), one or two cities,
 * counties, townships and census zones, each a union of Voronoi cells so they nest exactly.
 * Township seeds are the town centres; zone seeds follow the settlement density; a double
 * row of sites straddling the coast makes the coastline itself a chain of cell edges.
 */
export interface DivisionSizes {
  readonly zones: number;
  readonly townships: number;
  readonly counties: number;
}

export interface Zone {
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly township: number;
  /** The site of the zone's seed (its own cell); other sites may join it along the coast. */
  readonly site: number;
}

export interface Township {
  readonly index: number;
  readonly code: string;
  readonly name: string;
  /** Short name used inside source names, e.g. 龙溪镇. */
  readonly shortName: string;
  readonly county: number;
  readonly zones: number[];
  readonly urban: boolean;
  centroid: [number, number];
}

export interface County {
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly city: number;
  readonly seatTown: number;
  readonly townships: number[];
}

export interface City {
  readonly code: string;
  readonly name: string;
  counties: number[];
}

export interface Divisions {
  readonly partition: Partition;
  /** For every site: its zone, or -1 for sea. */
  readonly siteZone: Int32Array;
  readonly zones: Zone[];
  readonly townships: Township[];
  readonly counties: County[];
  readonly cities: City[];
  readonly divisionRows: Row[];
  readonly zoneRows: Row[];
}

export const PROVINCE_CODE = '990000';
export const PROVINCE_NAME = '示范省';
const AUX_OFFSET = 0.001;

export function sizeDivisions(sources: number): DivisionSizes {
  const zones = Math.max(60, Math.round(sources / 23));
  const counties = sources <= 50_000 ? 8 : sources <= 1_000_000 ? 10 : 12;
  // Township codes have three digits per county, and counties grow unevenly: stay well below.
  const townships = Math.max(3 * counties, Math.min(400 * counties, Math.round(zones / 18)));
  return { zones, townships, counties };
}

export function buildDivisions(land: Land, settlements: Settlements, sizes: DivisionSizes, rng: Rng): Divisions {
  const { towns } = settlements;
  if (towns.length !== sizes.townships) throw new Error('demo divisions: one town per township expected');
  // Sites: zone seeds first (the town centres, then the rest), then the coast pairs.
  const xs: number[] = towns.map((t) => t.x);
  const ys: number[] = towns.map((t) => t.y);
  const spacing = 0.3 * Math.sqrt(0.6 / sizes.zones);
  const bucket = new SpacingGrid(spacing);
  xs.forEach((x, i) => bucket.add(x, ys[i]!));
  let tries = 0;
  while (xs.length < sizes.zones) {
    tries++;
    const s = settlements.sample(rng, { town: 0.45, park: 0.1, river: 0.1, rural: 0.35 });
    if (!settlements.inland(s.x, s.y, 0.005)) continue;
    if (!bucket.free(s.x, s.y, tries > sizes.zones * 50 ? spacing / 3 : spacing)) continue;
    bucket.add(s.x, s.y);
    xs.push(s.x);
    ys.push(s.y);
  }
  const zoneSeeds = xs.length;
  const seaSites = new Set<number>();
  for (const c of land.coastSamples) {
    xs.push(c.x + AUX_OFFSET * c.nx);
    ys.push(c.y + AUX_OFFSET * c.ny);
    const sx = c.x - AUX_OFFSET * c.nx;
    const sy = c.y - AUX_OFFSET * c.ny;
    if (sx < BOUNDS.west || sx > BOUNDS.east || sy < BOUNDS.south) {
      xs.pop();
      ys.pop();
      continue;
    }
    seaSites.add(xs.length);
    xs.push(sx);
    ys.push(sy);
  }
  const partition = buildPartition(xs, ys);
  const siteZone = assignCoastSites(partition, zoneSeeds, seaSites);
  const zoneGraph = zoneAdjacency(partition, siteZone, zoneSeeds);
  const zoneTownship = growRegions(
    zoneSeeds,
    towns.map((_, i) => i),
    zoneGraph,
    (a, b) => Math.hypot(xs[a]! - xs[b]!, ys[a]! - ys[b]!),
    Float64Array.from({ length: zoneSeeds }, () => rng.range(0.6, 1.4)),
  );
  const townshipGraph = contract(zoneGraph, zoneTownship, towns.length);
  const seats = chooseSeats(towns, sizes.counties);
  const townshipCounty = growRegions(
    towns.length,
    seats,
    townshipGraph,
    (a, b) => Math.hypot(towns[a]!.x - towns[b]!.x, towns[a]!.y - towns[b]!.y),
    Float64Array.from({ length: towns.length }, () => rng.range(0.7, 1.3)),
  );
  return assemble(partition, siteZone, zoneSeeds, zoneTownship, townshipCounty, seats, settlements, rng);
}

/** Coast sites join the zone whose seed is nearest along land cells; sea sites stay -1. */
function assignCoastSites(partition: Partition, zoneSeeds: number, seaSites: Set<number>): Int32Array {
  const n = partition.siteCount;
  const zone = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n).fill(Infinity);
  const heap: [number, number][] = [];
  for (let s = 0; s < zoneSeeds; s++) {
    zone[s] = s;
    dist[s] = 0;
  }
  // Few coast sites: a plain sorted frontier is enough.
  for (let s = 0; s < zoneSeeds; s++) {
    for (const t of partition.neighbours(s)) {
      if (t >= zoneSeeds && !seaSites.has(t)) heap.push([distance(partition, s, t), t * n + s]);
    }
  }
  heap.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  while (heap.length > 0) {
    const [d, key] = heap.pop()!;
    const t = Math.floor(key / n);
    const from = key - t * n;
    if (zone[t] !== -1) continue;
    zone[t] = zone[from]!;
    dist[t] = d;
    let added = false;
    for (const u of partition.neighbours(t)) {
      if (u >= zoneSeeds && !seaSites.has(u) && zone[u] === -1) {
        heap.push([d + distance(partition, t, u), u * n + t]);
        added = true;
      }
    }
    if (added) heap.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  }
  for (let s = zoneSeeds; s < n; s++) {
    if (!seaSites.has(s) && zone[s] === -1) throw new Error(`demo divisions: coast site ${s} touches no zone`);
  }
  return zone;
}

function distance(p: Partition, a: number, b: number): number {
  return Math.hypot(p.siteX[a]! - p.siteX[b]!, p.siteY[a]! - p.siteY[b]!);
}

function zoneAdjacency(partition: Partition, siteZone: Int32Array, zones: number): number[][] {
  const sets: Set<number>[] = Array.from({ length: zones }, () => new Set());
  for (let s = 0; s < partition.siteCount; s++) {
    const a = siteZone[s]!;
    if (a < 0) continue;
    for (const t of partition.neighbours(s)) {
      const b = siteZone[t]!;
      if (b >= 0 && b !== a) sets[a]!.add(b);
    }
  }
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

/**
 * Grows regions over a graph from their seed nodes, cheapest path first (edge cost is the
 * distance times a per-node roughness), so every region is connected and boundaries wander.
 */
function growRegions(
  count: number,
  seeds: number[],
  graph: number[][],
  dist: (a: number, b: number) => number,
  roughness: Float64Array,
): Int32Array {
  const owner = new Int32Array(count).fill(-1);
  const heap = new PairHeap();
  seeds.forEach((s, region) => heap.push(0, s, region));
  while (heap.size > 0) {
    const [cost, node, region] = heap.pop();
    if (owner[node] !== -1) continue;
    owner[node] = region;
    for (const next of graph[node]!) {
      if (owner[next] === -1) heap.push(cost + dist(node, next) * roughness[next]!, next, region);
    }
  }
  // A node cut off from every seed (only possible at the frame) joins its nearest seed.
  for (let i = 0; i < count; i++) {
    if (owner[i] !== -1) continue;
    let best = 0;
    seeds.forEach((s, region) => {
      if (dist(i, s) < dist(i, seeds[best]!)) best = region;
    });
    owner[i] = best;
  }
  return owner;
}

function contract(graph: number[][], owner: Int32Array, count: number): number[][] {
  const sets: Set<number>[] = Array.from({ length: count }, () => new Set());
  graph.forEach((list, a) => {
    for (const b of list) if (owner[a] !== owner[b]) sets[owner[a]!]!.add(owner[b]!);
  });
  return sets.map((s) => [...s].sort((a, b) => a - b));
}

/** County seats: the biggest town first, then towns far from the chosen seats, size counting. */
function chooseSeats(towns: readonly { x: number; y: number; weight: number }[], count: number): number[] {
  const seats: number[] = [];
  let first = 0;
  towns.forEach((t, i) => {
    if (t.weight > towns[first]!.weight) first = i;
  });
  seats.push(first);
  while (seats.length < count) {
    let best = -1;
    let bestScore = -1;
    towns.forEach((t, i) => {
      if (seats.includes(i)) return;
      const d = Math.min(...seats.map((s) => Math.hypot(towns[s]!.x - t.x, towns[s]!.y - t.y)));
      const score = d * Math.pow(t.weight, 0.25);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    seats.push(best);
  }
  return seats;
}

function assemble(
  partition: Partition,
  siteZone: Int32Array,
  zoneSeeds: number,
  zoneTownship: Int32Array,
  townshipCounty: Int32Array,
  seats: number[],
  settlements: Settlements,
  rng: Rng,
): Divisions {
  const { towns } = settlements;
  const sitesOfZone: number[][] = Array.from({ length: zoneSeeds }, () => []);
  for (let s = 0; s < partition.siteCount; s++) if (siteZone[s]! >= 0) sitesOfZone[siteZone[s]!]!.push(s);
  // West half of the counties (by seat) forms the second city.
  const countyOrder = seats.map((_, i) => i).sort((a, b) => towns[seats[a]!]!.x - towns[seats[b]!]!.x || a - b);
  const westCount = Math.floor(seats.length / 2);
  const cities: City[] = [
    { code: '990100', name: '示范市', counties: [] },
    { code: '990200', name: '示范新市', counties: [] },
  ];
  const countyNames = new NamePool(rng);
  const townshipNames = new NamePool(rng);
  const counties: County[] = [];
  const countyIndexOfRegion = new Int32Array(seats.length);
  const cityCounters = [1, 1];
  const citySeat = [0, 0];
  for (const [rank, region] of countyOrder.entries()) {
    const city = rank < westCount ? 1 : 0;
    const urban = citySeat[city]! < 2;
    citySeat[city]!++;
    // Districts (区) take 02…20 and counties (县) 21…, as in the national code list.
    const number = urban ? 1 + cityCounters[city]!++ : 20 + cityCounters[city]!++;
    const code = cities[city]!.code.slice(0, 4) + String(number).padStart(2, '0');
    const name = `${DEMO_PREFIX}${countyNames.next()}${urban ? '区' : '县'}`;
    countyIndexOfRegion[region] = counties.length;
    cities[city]!.counties.push(counties.length);
    counties.push({ index: counties.length, code, name, city, seatTown: seats[region]!, townships: [] });
  }
  counties.sort((a, b) => a.code.localeCompare(b.code));
  const reindex = new Map(counties.map((c, i) => [c.index, i]));
  const finalCounties: County[] = counties.map((c, i) => ({ ...c, index: i }));
  for (const city of cities) city.counties = city.counties.map((c) => reindex.get(c)!).sort((a, b) => a - b);
  const townsOfCounty: number[][] = finalCounties.map(() => []);
  towns.forEach((_, t) => townsOfCounty[reindex.get(countyIndexOfRegion[townshipCounty[t]!]!)!]!.push(t));
  const townships: Township[] = new Array(towns.length);
  const townshipOrder: number[] = [];
  for (const county of finalCounties) {
    const seat = towns[county.seatTown]!;
    // The seat and the towns nearest it are streets (街道, codes 001…); the rest towns (镇, 100…).
    const list = townsOfCounty[county.index]!.sort((a, b) =>
      Math.hypot(towns[a]!.x - seat.x, towns[a]!.y - seat.y) - Math.hypot(towns[b]!.x - seat.x, towns[b]!.y - seat.y) || a - b);
    const streets = Math.max(1, Math.round(list.length * 0.25));
    list.forEach((t, k) => {
      const urban = k < streets;
      const number = urban ? k + 1 : Math.max(100, streets + 1) + (k - streets);
      if (number > 999) throw new Error(`demo divisions: county ${county.code} has too many townships for 3-digit codes`);
      const short = townshipNames.next() + (urban ? '街道' : '镇');
      townships[t] = {
        index: t, code: county.code + String(number).padStart(3, '0'), name: DEMO_PREFIX + short, shortName: short,
        county: county.index, zones: [], urban, centroid: [0, 0],
      };
      county.townships.push(t);
      townshipOrder.push(t);
    });
  }
  const zonesOfTownship: number[][] = towns.map(() => []);
  for (let z = 0; z < zoneSeeds; z++) zonesOfTownship[zoneTownship[z]!]!.push(z);
  const zones: Zone[] = new Array(zoneSeeds);
  for (const t of townshipOrder) {
    const township = townships[t]!;
    // Numbered north-west to south-east, as a census office would walk them.
    const list = zonesOfTownship[t]!.sort((a, b) =>
      partition.siteY[b]! - partition.siteY[a]! || partition.siteX[a]! - partition.siteX[b]! || a - b);
    if (list.length > 999) throw new Error(`demo divisions: township ${township.code} has more than 999 zones`);
    list.forEach((z, k) => {
      const number = String(k + 1).padStart(3, '0');
      zones[z] = { index: z, code: township.code + number, name: `${township.name}第${number}普查小区`, township: t, site: z };
      township.zones.push(z);
    });
  }
  const sitesOf = (zoneList: Iterable<number>) => {
    const out: number[] = [];
    for (const z of zoneList) out.push(...sitesOfZone[z]!);
    return out;
  };
  const zoneRows: Row[] = [];
  for (const t of townshipOrder) {
    for (const z of townships[t]!.zones) {
      const zone = zones[z]!;
      zoneRows.push({
        code: zone.code, name: zone.name, township_code: townships[t]!.code,
        county_code: finalCounties[townships[t]!.county]!.code, geom: partition.union(sitesOfZone[z]!),
      });
    }
  }
  const divisionRows: Row[] = [];
  const allZones = zones.map((z) => z.index);
  divisionRows.push({ code: PROVINCE_CODE, name: PROVINCE_NAME, level: 'province', parent_code: null, geom: partition.union(sitesOf(allZones)) });
  for (const city of cities) {
    if (city.counties.length === 0) continue;
    const cityZones = city.counties.flatMap((c) => finalCounties[c]!.townships.flatMap((t) => townships[t]!.zones));
    divisionRows.push({ code: city.code, name: city.name, level: 'city', parent_code: PROVINCE_CODE, geom: partition.union(sitesOf(cityZones)) });
  }
  for (const county of finalCounties) {
    const countyZones = county.townships.flatMap((t) => townships[t]!.zones);
    divisionRows.push({
      code: county.code, name: county.name, level: 'county', parent_code: cities[county.city]!.code,
      geom: partition.union(sitesOf(countyZones)),
    });
  }
  for (const t of townshipOrder) {
    const township = townships[t]!;
    const sites = sitesOf(township.zones);
    township.centroid = partition.centroid(sites);
    divisionRows.push({
      code: township.code, name: township.name, level: 'township',
      parent_code: finalCounties[township.county]!.code, geom: partition.union(sites) as MultiPolygon,
    });
  }
  return { partition, siteZone, zones, townships, counties: finalCounties, cities, divisionRows, zoneRows };
}

class PairHeap {
  private items: [number, number, number][] = [];
  get size() {
    return this.items.length;
  }
  push(cost: number, node: number, region: number) {
    const items = this.items;
    items.push([cost, node, region]);
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(items[i]!, items[p]!)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }
  pop(): [number, number, number] {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < items.length && before(items[l]!, items[m]!)) m = l;
        if (r < items.length && before(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: [number, number, number], b: [number, number, number]) {
  return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
}
