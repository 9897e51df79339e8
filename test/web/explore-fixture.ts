import type pg from 'pg';
import seedrandom from 'seedrandom';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import { SOURCE_TYPES } from '../../geodata/model/vocabulary.ts';

/**
 * A small, seeded stand-in for the demo region, so the explore API can be tested against rows
 * whose answers the test computes itself. Two counties side by side, one basin over the western
 * half, a river, sources of every type, a section with readings and an air station.
 */
export interface ExploreFixture {
  readonly sources: readonly FixtureSource[];
  readonly known: FixtureSource;
  readonly basin: { code: string; bbox: [number, number, number, number] };
}

export interface FixtureSource {
  census_id: string;
  name: string;
  credit_code: string | null;
  source_type: string;
  industry_code: string | null;
  division_code: string;
  zone_code: string;
  lng: number;
  lat: number;
  cod: number | null;
  so2: number | null;
}

const TYPES = SOURCE_TYPES;
const INDUSTRIES = ['2511', '2614', '3130', '1310', '2211', '3311'];
const CREDIT = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export const KNOWN_SOURCE_NAME = '南海示范石化有限公司';
export const KNOWN_SECTION_NAME = '紫洞断面';
export const KNOWN_ZONE_CODE = '440605001001';

export async function loadExploreFixture(pool: pg.Pool, count = 2000, seed = 'explore'): Promise<ExploreFixture> {
  const rng = seedrandom(seed);
  const box = (x0: number, y0: number, x1: number, y1: number) => ({
    type: 'Polygon' as const,
    coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
  });
  const divisions: Row[] = [
    { code: '440000', name: '广东省', level: 'province', parent_code: null, geom: box(112.9, 22.2, 113.9, 23.1) },
    { code: '440600', name: '佛山市', level: 'city', parent_code: '440000', geom: box(112.9, 22.2, 113.9, 23.1) },
    { code: '440605', name: '南海区', level: 'county', parent_code: '440600', geom: box(112.9, 22.2, 113.4, 23.1) },
    { code: '440606', name: '顺德区', level: 'county', parent_code: '440600', geom: box(113.4, 22.2, 113.9, 23.1) },
  ];
  const zones: Row[] = [
    { code: KNOWN_ZONE_CODE, name: '桂城普查小区', township_code: '440605001', county_code: '440605', geom: box(112.9, 22.2, 113.4, 22.65) },
    { code: '440606001001', name: '大良普查小区', township_code: '440606001', county_code: '440606', geom: box(113.4, 22.2, 113.9, 22.65) },
  ];
  const basinBbox: [number, number, number, number] = [112.9, 22.2, 113.3, 23.1];
  const basins: Row[] = [{ code: 'B01', name: '西江流域', level: 1, parent_code: null, geom: box(...basinBbox) }];
  const reaches: Row[] = [
    { id: 1, name: '西江', stream_order: 5, downstream_id: null, basin_code: 'B01', from_node: 'a', to_node: 'b',
      geom: { type: 'LineString', coordinates: [[112.95, 23.05], [113.1, 22.7], [113.2, 22.25]] } },
  ];
  const sources: FixtureSource[] = [];
  for (let i = 0; i < count; i++) {
    const type = TYPES[i % TYPES.length]!;
    const lng = round(112.9 + rng() * 1.0);
    const lat = round(22.2 + rng() * 0.9);
    const industrial = type === 'industrial';
    sources.push({
      census_id: `S${String(i).padStart(6, '0')}`,
      name: i === 7 ? KNOWN_SOURCE_NAME : `示范企业${i}号`,
      credit_code: industrial ? `9144060${i % 10}${Array.from({ length: 10 }, () => CREDIT[Math.floor(rng() * CREDIT.length)]).join('')}` : null,
      source_type: type,
      industry_code: industrial ? INDUSTRIES[Math.floor(rng() * INDUSTRIES.length)]! : null,
      division_code: lng < 113.4 ? '440605' : '440606',
      zone_code: lng < 113.4 ? KNOWN_ZONE_CODE : '440606001001',
      lng,
      lat,
      cod: rng() < 0.1 ? null : round(rng() * 100),
      so2: industrial ? round(rng() * 50) : null,
    });
  }
  const sourceRows: Row[] = sources.map((s) => ({
    census_id: s.census_id, name: s.name, credit_code: s.credit_code, source_type: s.source_type,
    industry_code: s.industry_code, zone_code: s.zone_code, division_code: s.division_code,
    geom: { type: 'Point', coordinates: [s.lng, s.lat] }, cod: s.cod, so2: s.so2, status: 'active', entered_crs: 'wgs84',
  }));
  const client = await pool.connect();
  try {
    await insertRows(client, LAYERS.division, divisions, null);
    await insertRows(client, LAYERS.census_zone, zones, null);
    await insertRows(client, LAYERS.basin, basins, null);
    await insertRows(client, LAYERS.river_reach, reaches, null);
    for (let i = 0; i < sourceRows.length; i += 2000) await insertRows(client, LAYERS.source, sourceRows.slice(i, i + 2000), null);
    await insertRows(client, LAYERS.section, [
      { code: 'SEC01', name: KNOWN_SECTION_NAME, level: 'national', target_class: '3', river_name: '西江', reach_id: 1,
        geom: { type: 'Point', coordinates: [113.1, 22.7] } },
    ], null);
    await insertRows(client, LAYERS.section_reading, [
      { section_code: 'SEC01', month: '2024-01-01', water_class: '2', cod: 12, nh3n: 0.3, tp: 0.05, do_mgl: 7 },
      { section_code: 'SEC01', month: '2024-02-01', water_class: '4', cod: 22, nh3n: 1.2, tp: 0.2, do_mgl: 5 },
    ], null);
    await insertRows(client, LAYERS.air_station, [
      { code: 'AIR01', name: '佛山湾华站', city: '佛山市', geom: { type: 'Point', coordinates: [113.12, 23.02] } },
    ], null);
    await insertRows(client, LAYERS.air_reading, [
      { station_code: 'AIR01', month: '2024-02-01', pm25: 30, pm10: 50, o3: 100, no2: 30, so2: 8, aqi: 72 },
    ], null);
    await insertRows(client, LAYERS.outfall, [
      { code: 'OF01', name: '桂城排污口', receiving_water: '西江', reach_id: 1, geom: { type: 'Point', coordinates: [113.05, 22.9] } },
    ], null);
  } finally {
    client.release();
  }
  return { sources, known: sources[7]!, basin: { code: 'B01', bbox: basinBbox } };
}

function round(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}
