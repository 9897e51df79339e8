import type { LayerKind, Row } from '../model/layers.ts';
import { buildBasins } from './basins.ts';
import { buildDivisions, sizeDivisions } from './divisions.ts';
import { planErrors, type SeededError } from './errors.ts';
import { INDUSTRIES } from './industries.ts';
import { createLand } from './land.ts';
import { estimateLoad, placeAirStations, placeSections } from './monitoring.ts';
import { placeOutfalls } from './outfalls.ts';
import { createRng } from './random.ts';
import { RiverPointInserter } from './river-points.ts';
import { buildRiverNetwork } from './rivers.ts';
import { placeSettlements } from './settlement.ts';
import { censusId, generateSources, placeFacilities, round6, type SourceWorld } from './sources.ts';

export interface DemoOptions {
  readonly seed: number;
  /** Number of pollution sources (default 20,000). */
  readonly sources?: number;
}

/** Every layer except sources, which stream. */
export type RegionLayerKind = Exclude<LayerKind, 'source'>;

export interface DemoRegion {
  readonly seed: number;
  readonly sourceCount: number;
  /** Rows exactly per LAYERS (geometry as GeoJSON), in a stable order. */
  readonly layers: Readonly<Record<RegionLayerKind, readonly Row[]>>;
  /** Sources in batches; each call restarts the same deterministic stream. */
  sourceBatches(batchSize: number): Generator<Row[]>;
  /** Ground truth of the coordinate mistakes seeded into the sources. */
  readonly seededErrors: readonly SeededError[];
}

export const DEFAULT_SOURCES = 20_000;
export const MAX_SOURCES = 10_000_000;

/** The layer order used for loading and serialising: referenced layers first. */
export const REGION_LAYER_ORDER: readonly RegionLayerKind[] = [
  'division', 'census_zone', 'basin', 'river_reach', 'outfall', 'section', 'section_reading', 'air_station', 'air_reading',
];

/**
 * Builds the demo region (示范区) deterministically from a seed: land and coast, rivers,
 * divisions and census zones, basins, outfalls, monitoring, and the plan for the sources.
 */
export function generateDemo(options: DemoOptions): DemoRegion {
  const seed = options.seed;
  const total = options.sources ?? DEFAULT_SOURCES;
  if (!Number.isInteger(seed)) throw new Error(`demo seed must be an integer, got ${seed}`);
  if (!Number.isInteger(total) || total < 100 || total > MAX_SOURCES) {
    throw new Error(`demo source count must be an integer from 100 to ${MAX_SOURCES}, got ${total}`);
  }
  const rng = (stream: string) => createRng(seed, stream);
  const land = createLand(rng('land'));
  const rivers = buildRiverNetwork(land, rng('rivers'));
  const sizes = sizeDivisions(total);
  const settlements = placeSettlements(land, rivers, rng('settlements'), sizes.townships);
  const divisions = buildDivisions(land, settlements, sizes, rng('divisions'));
  const facilities = placeFacilities(divisions, settlements, rng('facilities'));
  const inserter = new RiverPointInserter(rivers.reaches);
  const outfalls = placeOutfalls(rivers, divisions, settlements, facilities, inserter,
    Math.max(30, Math.min(50_000, Math.round(total / 80))), rng('outfalls'));
  const load = estimateLoad(rivers, settlements, rng('load'));
  const sections = placeSections(rivers, divisions, load, inserter,
    Math.max(16, Math.min(80, Math.round(12 + total / 10_000))), rng('sections'));
  inserter.apply();
  const air = placeAirStations(divisions, settlements, rivers, load, rng('air'));
  const basins = buildBasins(rivers, divisions);
  const reachRows: Row[] = rivers.reaches.map((r) => ({
    id: r.index + 1,
    name: rivers.rivers[r.river]!.name,
    stream_order: r.order,
    downstream_id: r.downstream === null ? null : r.downstream + 1,
    basin_code: basins.reachBasin[r.index]!,
    from_node: r.fromNode,
    to_node: r.toNode,
    geom: { type: 'LineString', coordinates: pairs(r.coords) },
  }));
  const errors = planErrors(total, facilities.length, censusId, rng('errors'));
  const stackRng = rng('stacks');
  const stackPoints = Array.from({ length: Math.max(1, errors.stackCount) }, (): [number, number] => {
    // The shared point is a county office or a town hall: an address, not the sites.
    const t = settlements.towns[stackRng.int(settlements.towns.length)]!;
    return [round6(t.x), round6(t.y)];
  });
  const parkRng = rng('parks');
  const parkable = INDUSTRIES.filter((i) => i.parkable);
  const world: SourceWorld = {
    seed, total, divisions, settlements, facilities,
    facilityOfTownship: new Map(facilities.filter((f) => f.industry === '4620').map((f) => [f.township, f.censusId])),
    outfalls: outfalls.lookup, errors: errors, stackPoints,
    parkIndustries: settlements.parks.map(() => [parkRng.pick(parkable), parkRng.pick(parkable)]),
  };
  return {
    seed,
    sourceCount: total,
    layers: {
      division: divisions.divisionRows,
      census_zone: divisions.zoneRows,
      basin: basins.rows,
      river_reach: reachRows,
      outfall: outfalls.rows,
      section: sections.rows,
      section_reading: sections.readings,
      air_station: air.rows,
      air_reading: air.readings,
    },
    sourceBatches: (batchSize) => generateSources(world, batchSize),
    seededErrors: errors.errors,
  };
}

function pairs(coords: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < coords.length; k += 2) out.push([coords[k]! / 1e6, coords[k + 1]! / 1e6]);
  return out;
}
