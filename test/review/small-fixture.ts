import type { MultiPolygon } from 'geojson';
import type pg from 'pg';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';

/**
 * A tiny hand-made district for the HTTP and browser tests: county 440305 cut into four
 * 0.05° zones A-D, a neighbouring county 440306 with one zone E, and sources with one plain
 * mistake each (kept small so a test can name every expected finding).
 */
const square = (w: number, s: number, e: number, n: number): MultiPolygon =>
  ({ type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]] });

export const ZONES = {
  A: square(113.9, 22.5, 113.95, 22.55), B: square(113.95, 22.5, 114.0, 22.55),
  C: square(113.9, 22.55, 113.95, 22.6), D: square(113.95, 22.55, 114.0, 22.6), E: square(113.8, 22.5, 113.9, 22.6),
};

export const SOURCES = {
  ok1: { zone: 'A', x: '113.921234', y: '22.521234' },
  ok2: { zone: 'D', x: '113.971234', y: '22.571234' },
  swap: { zone: 'A', x: '22.531234', y: '113.931234' },
  out: { zone: 'A', x: '113.981234', y: '22.521234' },
  zero: { zone: 'C', x: '0', y: '0' },
  out2: { zone: 'C', x: '113.991234', y: '22.581234' },
  far: { zone: 'A', x: '113.851234', y: '22.531234' },
  eok: { zone: 'E', x: '113.851111', y: '22.551111' },
} as const;

export async function loadSmallFixture(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertRows(client, LAYERS.division, [
      { code: '440300', name: '深圳市', level: 'city', parent_code: '440000', geom: square(113.8, 22.5, 114.0, 22.6) },
      { code: '440305', name: '南山区', level: 'county', parent_code: '440300', geom: square(113.9, 22.5, 114.0, 22.6) },
      { code: '440306', name: '宝安区', level: 'county', parent_code: '440300', geom: ZONES.E },
    ], null);
    await insertRows(client, LAYERS.census_zone, Object.entries(ZONES).map(([k, geom]) => ({
      code: `Z${k}`, name: `小区${k}`, county_code: k === 'E' ? '440306' : '440305', geom,
    })), null);
    const rows: Row[] = Object.entries(SOURCES).map(([id, s], i) => ({
      census_id: `S-${id}`, name: `企业${id}`, source_type: 'industrial', industry_code: i % 2 ? '2614' : '3360',
      zone_code: `Z${s.zone}`, division_code: s.zone === 'E' ? '440306' : '440305',
      geom: { type: 'Point', coordinates: [Number(s.x), Number(s.y)] }, entered_x: s.x, entered_y: s.y, entered_crs: 'wgs84', status: 'active',
    }));
    await insertRows(client, LAYERS.source, rows, null);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
