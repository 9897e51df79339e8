import type { MultiPolygon } from 'geojson';
import type pg from 'pg';
import { insertRows } from '../../geodata/db/bulk-insert.ts';
import { LAYERS, type Row } from '../../geodata/model/layers.ts';
import { fromWgs84 } from '../../geodata/demo/datum-shift.ts';

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
      // Complete forms (2614 must report COD and VOCs), so only the coordinate mistakes show.
      cod: 1.5, vocs: 0.4,
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

/** A zone 0.004° (about 400 m) wide: a GCJ-02 reading of a point in it lands outside, and only the GCJ-02 correction brings it back. */
export const BATCH_ZONE = square(113.96, 22.51, 113.964, 22.54);

/**
 * One uploader's import batch of `n` sources typed in GCJ-02 but stored as WGS-84, in the
 * narrow zone ZF: each gets a gcj02_as_wgs84 finding and the batch a datum_batch_pattern.
 * Returns the true (WGS-84) points by census id.
 */
export async function loadGcj02Batch(pool: pg.Pool, n = 20, batch = 77): Promise<Map<string, [number, number]>> {
  const truth = new Map<string, [number, number]>();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertRows(client, LAYERS.census_zone, [{ code: 'ZF', name: '小区F', county_code: '440305', geom: BATCH_ZONE }], null);
    const rows: Row[] = Array.from({ length: n }, (_, i) => {
      const lon = 113.9608 + (i % 4) * 0.0008;
      const lat = 22.512 + Math.floor(i / 4) * 0.005;
      truth.set(`G-${i + 1}`, [lon, lat]);
      const [x, y] = fromWgs84(lon, lat, 'gcj02');
      return {
        census_id: `G-${i + 1}`, name: `批次企业${i + 1}`, source_type: 'industrial', industry_code: '2614', zone_code: 'ZF', division_code: '440305',
        geom: { type: 'Point', coordinates: [x, y] }, entered_x: x.toFixed(6), entered_y: y.toFixed(6), entered_crs: 'wgs84', status: 'active', cod: 1.5, vocs: 0.4,
      };
    });
    await insertRows(client, LAYERS.source, rows, null);
    await client.query(`UPDATE source SET import_batch = $1 WHERE census_id LIKE 'G-%'`, [batch]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return truth;
}

/** The true point of S-amb, a source typed in BD-09 and stored as WGS-84 (zone ZG). */
export const AMBIGUOUS_TRUTH: [number, number] = [113.955, 22.505];
/**
 * Zone ZG holds both the BD-09 reading of S-amb (its true point) and its GCJ-02 reading
 * (about 900 m away), not the point as stored: two candidates land in the declared zone, so
 * the finding is ambiguous and only the reviewer's pick may be applied.
 */
export const AMBIGUOUS_ZONE = square(113.952, 22.502, 113.964, 22.52);

export async function loadAmbiguousSource(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await insertRows(client, LAYERS.census_zone, [{ code: 'ZG', name: '小区G', county_code: '440305', geom: AMBIGUOUS_ZONE }], null);
    const [x, y] = fromWgs84(AMBIGUOUS_TRUTH[0], AMBIGUOUS_TRUTH[1], 'bd09');
    await insertRows(client, LAYERS.source, [{
      census_id: 'S-amb', name: '企业amb', source_type: 'industrial', industry_code: '2614', zone_code: 'ZG', division_code: '440305',
      geom: { type: 'Point', coordinates: [x, y] }, entered_x: x.toFixed(6), entered_y: y.toFixed(6), entered_crs: 'wgs84', status: 'active', cod: 1.5, vocs: 0.4,
    }], null);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
