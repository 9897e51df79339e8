import type { Row } from '../model/layers.ts';
import { CREDIT_CODE_CHARS, creditCodeCheckChar, organizationCodeCheckChar } from '../model/credit-code.ts';
import type { Divisions } from './divisions.ts';
import { fromWgs84, toWgs84 } from './datum-shift.ts';
import { applyError, SEEDED_ERROR_KINDS, type ErrorPlan } from './errors.ts';
import {
  AIR_POLLUTANTS, INDUSTRY_BY_CODE, WATER_POLLUTANTS, emitsWater, industriesOfType,
  type Industry, type Pollutant, type SourceType,
} from './industries.ts';
import { NamePool, TRADE_NAMES } from './names.ts';
import { createRng, WeightedPicker, type Rng } from './random.ts';
import type { Component, Settlements } from './settlement.ts';
import { SOURCE_TYPES } from '../model/vocabulary.ts';

/**
 * Pollution sources, streamed: the first rows are the centralized treatment facilities
 * (known up front, other sources link to them), then sources drawn one by one from the
 * settlement mixture. Everything comes from one random stream that restarts with each
 * call, so the stream is the same whatever the batch size and never held whole in memory.
 */
export interface Facility {
  readonly censusId: string;
  readonly township: number;
  readonly x: number;
  readonly y: number;
  readonly industry: string;
  outfallCode: string | null;
}

export interface OutfallLookup {
  /** Code of the nearest outfall within `radius` degrees, or null. */
  nearest(x: number, y: number, radius: number): string | null;
}

export interface SourceWorld {
  readonly seed: number;
  readonly total: number;
  readonly divisions: Divisions;
  readonly settlements: Settlements;
  readonly facilities: readonly Facility[];
  readonly facilityOfTownship: ReadonlyMap<number, string>;
  readonly outfalls: OutfallLookup;
  readonly errors: ErrorPlan;
  readonly stackPoints: readonly [number, number][];
  /** Per park: the industries it specialises in. */
  readonly parkIndustries: readonly Industry[][];
}

export const SOURCE_MIX = { town: 0.35, park: 0.3, river: 0.15, rural: 0.2 } as const;

export function censusId(index: number): string {
  return `SFQ${String(index + 1).padStart(8, '0')}`;
}

/** One sewage plant per township near its town centre, one hazardous-waste centre per county. */
export function placeFacilities(divisions: Divisions, settlements: Settlements, rng: Rng): Facility[] {
  const out: Facility[] = [];
  const place = (town: number, industry: string) => {
    const t = settlements.towns[town]!;
    for (let attempt = 0; ; attempt++) {
      const spread = attempt < 200 ? t.sigma : 0;
      const x = round6(t.x + rng.normal() * spread), y = round6(t.y + rng.normal() * spread);
      const site = divisions.partition.locate(Math.round(x * 1e6), Math.round(y * 1e6), 2);
      const zone = site >= 0 ? divisions.siteZone[site]! : -1;
      if (zone >= 0 || attempt > 400) {
        out.push({ censusId: censusId(out.length), township: zone >= 0 ? divisions.zones[zone]!.township : town, x, y, industry, outfallCode: null });
        return;
      }
    }
  };
  divisions.townships.forEach((_, t) => place(t, '4620'));
  divisions.counties.forEach((c) => place(c.seatTown, '7724'));
  return out;
}

export function* generateSources(world: SourceWorld, batchSize: number): Generator<Row[]> {
  if (!(batchSize >= 1)) throw new Error(`batch size must be at least 1, got ${batchSize}`);
  const rng = createRng(world.seed, 'sources');
  const names = new NamePool(createRng(world.seed, 'village-names'));
  const typePickers = new Map<Component, WeightedPicker>();
  // Columns of the mixes below: every type but centralized (those facilities are placed by the plants above).
  const typeOrder: SourceType[] = SOURCE_TYPES.filter((t) => t !== 'centralized');
  const mixByComponent: Record<Component, number[]> = {
    park: [0.93, 0, 0.04, 0.01, 0.02],
    town: [0.45, 0.04, 0.40, 0.06, 0.05],
    river: [0.55, 0.30, 0.10, 0, 0.05],
    rural: [0.25, 0.60, 0.10, 0, 0.05],
  };
  for (const [c, w] of Object.entries(mixByComponent)) typePickers.set(c as Component, new WeightedPicker(w));
  const industryPickers = new Map<SourceType, { list: Industry[]; picker: WeightedPicker }>();
  for (const type of typeOrder) {
    const list = industriesOfType(type);
    industryPickers.set(type, { list, picker: new WeightedPicker(list.map((i) => i.weight)) });
  }
  let batch: Row[] = [];
  for (let i = 0; i < world.total; i++) {
    batch.push(i < world.facilities.length ? facilityRow(world, world.facilities[i]!, rng) : sourceRow(world, i, rng, names, typePickers, typeOrder, industryPickers));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function facilityRow(world: SourceWorld, f: Facility, rng: Rng): Row {
  const { divisions } = world;
  const township = divisions.townships[f.township]!;
  const county = divisions.counties[township.county]!;
  const industry = INDUSTRY_BY_CODE.get(f.industry)!;
  const site = divisions.partition.locate(Math.round(f.x * 1e6), Math.round(f.y * 1e6), 2);
  const zone = site >= 0 ? divisions.zones[divisions.siteZone[site]!]! : divisions.zones[township.zones[0]!]!;
  const name = f.industry === '4620' ? `${township.name}${industry.suffix}` : `${county.name}${industry.suffix}`;
  const scale = f.industry === '4620' ? 1 + township.zones.length / 10 : 1;
  return {
    census_id: f.censusId, name, credit_code: creditCode(rng, county.code, '12'), source_type: 'centralized',
    industry_code: f.industry, zone_code: zone.code, division_code: township.code,
    geom: { type: 'Point', coordinates: [f.x, f.y] }, entered_x: f.x.toFixed(6), entered_y: f.y.toFixed(6),
    entered_crs: 'cgcs2000', outfall_code: f.outfallCode, facility_census_id: null,
    ...emissions(industry, rng, scale), status: 'active',
  };
}

function sourceRow(
  world: SourceWorld,
  i: number,
  rng: Rng,
  names: NamePool,
  typePickers: Map<Component, WeightedPicker>,
  typeOrder: SourceType[],
  industryPickers: Map<SourceType, { list: Industry[]; picker: WeightedPicker }>,
): Row {
  const { divisions, settlements } = world;
  const crsDraw = rng.next();
  const labelled = crsDraw < 0.02 ? 'gcj02' : crsDraw < 0.03 ? 'bd09' : crsDraw < 0.72 ? 'wgs84' : 'cgcs2000';
  const digits = rng.chance(0.85) ? 6 : 5;
  // Draw until the stored point lies clearly inside a census zone.
  let sample, gx = 0, gy = 0, ex = '', ey = '', zoneIndex = -1;
  for (;;) {
    sample = settlements.sample(rng, SOURCE_MIX);
    if (labelled === 'gcj02' || labelled === 'bd09') {
      const [tx, ty] = fromWgs84(sample.x, sample.y, labelled);
      ex = tx.toFixed(6);
      ey = ty.toFixed(6);
      const [bx, by] = toWgs84(Number(ex), Number(ey), labelled);
      gx = round6(bx);
      gy = round6(by);
    } else {
      ex = sample.x.toFixed(digits);
      ey = sample.y.toFixed(digits);
      gx = Number(ex);
      gy = Number(ey);
    }
    const site = divisions.partition.locate(Math.round(gx * 1e6), Math.round(gy * 1e6), 2);
    zoneIndex = site >= 0 ? divisions.siteZone[site]! : -1;
    if (zoneIndex >= 0) break;
  }
  const zone = divisions.zones[zoneIndex]!;
  const township = divisions.townships[zone.township]!;
  const county = divisions.counties[township.county]!;
  const type = typeOrder[typePickers.get(sample.component)!.pick(rng)]!;
  let industry: Industry | null;
  if (type === 'domestic' && rng.chance(0.4)) {
    industry = null; // an administrative village: no industry class
  } else if (sample.component === 'park' && type === 'industrial' && rng.chance(0.5)) {
    industry = rng.pick(world.parkIndustries[sample.ref]!);
  } else {
    const { list, picker } = industryPickers.get(type)!;
    industry = list[picker.pick(rng)]!;
  }
  const trade = rng.pick(TRADE_NAMES);
  let name: string;
  let credit: string | null;
  if (industry === null) {
    name = `${township.name}${names.next()}村`;
    credit = null;
  } else if (type === 'agricultural') {
    name = `${township.name}${names.next()}${industry.suffix}`;
    credit = rng.chance(0.7) ? creditCode(rng, county.code, rng.chance(0.6) ? '92' : '93') : null;
  } else {
    name = `${township.name}${trade}${industry.suffix}`;
    credit = creditCode(rng, county.code, '91');
  }
  const scale = sample.component === 'park' ? 1.5 : sample.component === 'rural' ? 0.7 : 1;
  const values = industry ? emissions(industry, rng, scale) : villageEmissions(rng);
  let outfall: string | null = null;
  let facility: string | null = null;
  if (values.cod !== null) {
    const plant = world.facilityOfTownship.get(zone.township);
    if (plant && (type === 'domestic' || type === 'industrial') && rng.chance(0.55)) facility = plant;
    else if (rng.chance(type === 'agricultural' ? 0.3 : 0.7)) outfall = world.outfalls.nearest(gx, gy, 0.025);
  }
  let entered = { entered_x: ex, entered_y: ey, entered_crs: labelled, geom: [gx, gy] as [number, number] | null };
  const kind = world.errors.kinds[i]!;
  if (kind > 0) {
    const elsewhere = (): [number, number] => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const other = divisions.zones[rng.int(divisions.zones.length)]!;
        if (other.township === zone.township) continue;
        const sx = divisions.partition.siteX[other.site]!, sy = divisions.partition.siteY[other.site]!;
        const px = round6(sx + rng.normal() * 0.001), py = round6(sy + rng.normal() * 0.001);
        if (divisions.partition.locate(Math.round(px * 1e6), Math.round(py * 1e6), 2) === other.site) return [px, py];
      }
      const far = divisions.zones[(zoneIndex + Math.floor(divisions.zones.length / 2)) % divisions.zones.length]!;
      return [round6(divisions.partition.siteX[far.site]!), round6(divisions.partition.siteY[far.site]!)];
    };
    entered = applyError(SEEDED_ERROR_KINDS[kind - 1]!, {
      x: gx, y: gy, crs: labelled === 'gcj02' || labelled === 'bd09' ? 'wgs84' : labelled,
      stackPoint: () => world.stackPoints[world.errors.stackOf.get(i)! % world.stackPoints.length]!,
      townshipCentroid: () => township.centroid,
      elsewhere,
    }, rng);
  }
  return {
    census_id: censusId(i), name, credit_code: credit, source_type: type, industry_code: industry?.code ?? null,
    zone_code: zone.code, division_code: township.code,
    geom: entered.geom ? { type: 'Point', coordinates: entered.geom } : null,
    entered_x: entered.entered_x, entered_y: entered.entered_y, entered_crs: entered.entered_crs,
    outfall_code: outfall, facility_census_id: facility, ...values,
    status: rng.chance(0.03) ? 'closed' : 'active',
  };
}

type Emissions = Record<Pollutant, number | null>;

function emissions(industry: Industry, rng: Rng, scale: number): Emissions {
  const out = {} as Emissions;
  const size = rng.lognormal(1, 0.8) * scale;
  for (const p of [...WATER_POLLUTANTS, ...AIR_POLLUTANTS]) {
    const median = industry.emissions[p];
    if (median === undefined) out[p] = null;
    else out[p] = rng.chance(0.04) ? 0 : round3(median * size * rng.lognormal(1, 0.35));
  }
  if (!emitsWater(industry)) for (const p of WATER_POLLUTANTS) out[p] = null;
  return out;
}

function villageEmissions(rng: Rng): Emissions {
  const size = rng.lognormal(1, 0.6);
  return {
    cod: round3(3 * size), nh3n: round3(0.4 * size), tn: round3(0.6 * size), tp: round3(0.05 * size),
    so2: null, nox: null, pm: null, vocs: null,
  };
}

/** A GB 32100-2015 code: authority+type, the county code, an organisation code, the check. */
export function creditCode(rng: Rng, countyCode: string, authorityAndType: string): string {
  let body: string;
  if (rng.chance(0.5)) {
    body = String(10_000_000 + rng.int(89_999_999));
  } else {
    body = 'MA';
    for (let k = 0; k < 6; k++) body += CREDIT_CODE_CHARS[rng.int(CREDIT_CODE_CHARS.length)]!;
  }
  const first17 = authorityAndType + countyCode + body + organizationCodeCheckChar(body);
  return first17 + creditCodeCheckChar(first17);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
