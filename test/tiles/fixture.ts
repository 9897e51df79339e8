import type { MultiPolygon, Point, LineString } from 'geojson';
import type pg from 'pg';
import seedrandom from 'seedrandom';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import { TILE_EXTENT, tileAt } from '../../tiles/tile-address.ts';
import { SOURCE_TYPES } from '../../geodata/model/vocabulary.ts';

/**
 * A small, deterministic map for tile tests: sources scattered over part of Shenzhen's
 * extent, two counties with townships and census zones, a basin over the west half, river
 * lines, outfalls, sections and air stations. The source rows are returned so tests can work
 * out, independently of the SQL, which sources a tile must hold.
 */
export interface FixtureSource {
  id: number;
  census_id: string;
  name: string;
  source_type: string;
  industry_code: string;
  division_code: string;
  zone_code: string;
  lon: number;
  lat: number;
  cod: number;
  nh3n: number;
  so2: number;
  status: string;
}

export const AREA = { west: 113.8, south: 22.5, east: 114.2, north: 22.8 } as const;
/** The basin 'B1' covers the west half of the area. */
export const BASIN_WEST_LON = 114.0;
/** The first four source types (mobile and other stay absent, so a filter on them is empty). */
const TYPES = SOURCE_TYPES.slice(0, 4);
const INDUSTRIES = ['2611', '2614', '3130', '4411'];

/** A z14 tile near the middle of the area and its east neighbour share an edge at this longitude. */
export const EDGE_TILE = { z: 14, x: 13381, y: 7135 } as const;

/** One tile of every layer and aggregation over the fixture (layer, address, query). */
export const SAMPLE_TILES: [string, { z: number; x: number; y: number }, Record<string, string>][] = [
  ['sources', EDGE_TILE, {}],
  ['sources', { ...EDGE_TILE, x: EDGE_TILE.x + 1 }, { type: 'industrial' }],
  ['sources', tileAt(114.0, 22.65, 10), {}],
  ['sources', tileAt(114.0, 22.65, 10), { agg: 'county' }],
  ['sources', tileAt(114.0, 22.65, 9), { agg: 'zone', basin: 'B1' }],
  ['divisions_county', tileAt(114.0, 22.65, 11), {}],
  ['divisions_township', tileAt(114.0, 22.65, 9), {}],
  ['census_zones', tileAt(114.0, 22.65, 11), {}],
  ['basins', tileAt(114.0, 22.65, 8), {}],
  ['river_reaches', tileAt(113.95, 22.56, 12), {}],
  ['outfalls', tileAt(113.95, 22.6, 8), {}],
  ['sections', tileAt(113.9, 22.55, 8), {}],
  ['air_stations', tileAt(113.93, 22.53, 8), {}],
];

export async function loadFixture(pool: pg.Pool, count = 3000): Promise<FixtureSource[]> {
  const rng = seedrandom('yzt-tiles');
  const sources: FixtureSource[] = [];
  for (let i = 1; i <= count; i++) {
    const lon = AREA.west + rng() * (AREA.east - AREA.west);
    const lat = AREA.south + rng() * (AREA.north - AREA.south);
    const county = lon < 114.0 ? '440305' : '440303';
    const township = `${county}00${1 + Math.floor(rng() * 3)}`;
    sources.push({
      id: i,
      census_id: `S${String(i).padStart(6, '0')}`,
      name: `企业${i}号`,
      source_type: TYPES[i % TYPES.length]!,
      industry_code: INDUSTRIES[i % INDUSTRIES.length]!,
      division_code: township,
      zone_code: `${township}${lat < 22.65 ? '01' : '02'}`,
      lon,
      lat,
      cod: Math.round(rng() * 1000) / 10,
      nh3n: Math.round(rng() * 100) / 10,
      so2: Math.round(rng() * 500) / 10,
      status: i % 50 === 0 ? 'deleted' : i % 7 === 0 ? 'closed' : 'active',
    });
  }
  // One source 10 tile units east of the edge between EDGE_TILE and its east neighbour, so
  // it lies inside the neighbour and inside EDGE_TILE's 64-unit buffer.
  const n = 2 ** EDGE_TILE.z;
  const edgeLon = ((EDGE_TILE.x + 1) / n) * 360 - 180;
  const unit = 360 / n / TILE_EXTENT;
  const lat = latitudeAt(EDGE_TILE.y + 0.5, n);
  sources.push({
    id: count + 1, census_id: 'EDGE', name: '边缘企业', source_type: 'industrial', industry_code: '2611',
    division_code: '440303001', zone_code: '44030300101', lon: edgeLon + 10 * unit, lat, cod: 1, nh3n: 1, so2: 1, status: 'active',
  });

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertRows(client, LAYERS.source, sources.map(sourceRow), null);
    await client.query(`SELECT setval(pg_get_serial_sequence('source', 'id'), (SELECT max(id) FROM source))`);
    await insertRows(client, LAYERS.division, divisions(), null);
    await insertRows(client, LAYERS.census_zone, zones(), null);
    await insertRows(client, LAYERS.basin, [
      { code: 'B1', name: '西流域', level: 1, parent_code: null, geom: box(AREA.west - 0.1, AREA.south - 0.1, BASIN_WEST_LON, AREA.north + 0.1) },
      { code: 'B2', name: '东流域', level: 1, parent_code: null, geom: box(BASIN_WEST_LON, AREA.south - 0.1, AREA.east + 0.1, AREA.north + 0.1) },
    ], null);
    await insertRows(client, LAYERS.river_reach, reaches(), null);
    await insertRows(client, LAYERS.outfall, [
      { code: 'O1', name: '排口一', receiving_water: '深圳河', reach_id: 1, geom: point(113.95, 22.6) },
      { code: 'O2', name: '排口二', receiving_water: '茅洲河', reach_id: 2, geom: point(114.1, 22.7) },
    ], null);
    await insertRows(client, LAYERS.section, [
      { code: 'X1', name: '河口断面', level: 'national', target_class: '3', river_name: '深圳河', reach_id: 1, geom: point(113.9, 22.55) },
    ], null);
    await insertRows(client, LAYERS.air_station, [
      { code: '1345A', name: '荔园', city: '深圳', geom: point(113.93, 22.53) },
    ], null);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return sources;
}

/** Fractional tile coordinates of a lon/lat inside tile (z, x, y), in tile units. */
export function tileUnits(lon: number, lat: number, t: { z: number; x: number; y: number }): [number, number] {
  const n = 2 ** t.z;
  const wx = ((lon + 180) / 360) * n - t.x;
  const r = (lat * Math.PI) / 180;
  const wy = ((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n - t.y;
  return [wx * TILE_EXTENT, wy * TILE_EXTENT];
}

function sourceRow(s: FixtureSource): Row {
  return {
    census_id: s.census_id, name: s.name, credit_code: null, source_type: s.source_type, industry_code: s.industry_code,
    zone_code: s.zone_code, division_code: s.division_code, geom: point(s.lon, s.lat), entered_x: null, entered_y: null,
    entered_crs: 'wgs84', outfall_code: null, facility_census_id: null, cod: s.cod, nh3n: s.nh3n, tn: null, tp: null,
    so2: s.so2, nox: null, pm: null, vocs: null, status: s.status,
  };
}

function divisions(): Row[] {
  const rows: Row[] = [
    { code: '440300', name: '深圳市', level: 'city', parent_code: '440000', geom: box(AREA.west, AREA.south, AREA.east, AREA.north) },
    { code: '440305', name: '南山区', level: 'county', parent_code: '440300', geom: box(AREA.west, AREA.south, 114.0, AREA.north) },
    { code: '440303', name: '罗湖区', level: 'county', parent_code: '440300', geom: box(114.0, AREA.south, AREA.east, AREA.north) },
  ];
  for (const county of ['440305', '440303']) {
    const west = county === '440305' ? AREA.west : 114.0;
    for (let k = 1; k <= 3; k++) {
      rows.push({ code: `${county}00${k}`, name: `街道${county}-${k}`, level: 'township', parent_code: county,
        geom: box(west + (k - 1) * 0.2 / 3, AREA.south, west + k * 0.2 / 3, AREA.north) });
    }
  }
  return rows;
}

function zones(): Row[] {
  return ['440305001', '440303001'].flatMap((t) => {
    const west = t.startsWith('440305') ? AREA.west : 114.0;
    return [
      { code: `${t}01`, name: '南片', township_code: t, county_code: t.slice(0, 6), geom: box(west, AREA.south, west + 0.2 / 3, 22.65) },
      { code: `${t}02`, name: '北片', township_code: t, county_code: t.slice(0, 6), geom: box(west, 22.65, west + 0.2 / 3, AREA.north) },
    ];
  });
}

function reaches(): Row[] {
  const line = (coords: [number, number][]): LineString => ({ type: 'LineString', coordinates: coords });
  const wiggle = (lat0: number): [number, number][] =>
    Array.from({ length: 41 }, (_, i) => [AREA.west + i * 0.01, lat0 + 0.01 * Math.sin(i / 3)] as [number, number]);
  return [
    { id: 1, name: '深圳河', stream_order: 2, downstream_id: null, basin_code: 'B1', from_node: 'a', to_node: 'b', geom: line(wiggle(22.56)) },
    { id: 2, name: '茅洲河', stream_order: 1, downstream_id: 1, basin_code: 'B2', from_node: 'c', to_node: 'a', geom: line(wiggle(22.72)) },
  ];
}

function box(w: number, s: number, e: number, n: number): MultiPolygon {
  return { type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]] };
}

function point(lon: number, lat: number): Point {
  return { type: 'Point', coordinates: [lon, lat] };
}

function latitudeAt(worldY: number, n: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * worldY) / n))) * 180) / Math.PI;
}
