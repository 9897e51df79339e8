import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import type { LayerKind } from '../model/layers.ts';
import { STORED_DEFAULTS } from './complete-row.ts';
import { importFile } from './index.ts';
import { featureCollection, fixtureDir, square } from './test-support/fixtures.ts';

const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });

/** Two or three features per layer, and a query whose answer shows they were stored as meant. */
const CASES: Record<LayerKind, { features: { properties: Record<string, unknown>; geometry: unknown }[]; check: string; expected: unknown[] }> = {
  division: {
    features: [
      { properties: { code: '440303', name: '罗湖区' }, geometry: square(114.1, 22.5) },
      { properties: { 行政区划代码: 440304, 名称: '福田区', 级别: '区' }, geometry: { type: 'MultiPolygon', coordinates: [square(114.0, 22.5).coordinates, square(114.05, 22.5).coordinates] } },
    ],
    check: `SELECT code, level, parent_code, ST_GeometryType(geom) AS t, ST_NumGeometries(geom) AS n FROM division ORDER BY code`,
    expected: [
      { code: '440303', level: 'county', parent_code: '440300', t: 'ST_MultiPolygon', n: 1 },
      { code: '440304', level: 'county', parent_code: '440300', t: 'ST_MultiPolygon', n: 2 },
    ],
  },
  census_zone: {
    features: [{ properties: { 普查小区代码: 'Z001', 区县代码: '440303', 乡镇代码: '440303001' }, geometry: square(114.1, 22.5) }],
    check: `SELECT code, county_code, township_code, round(ST_Area(geom)::numeric, 4) AS area FROM census_zone`,
    expected: [{ code: 'Z001', county_code: '440303', township_code: '440303001', area: '0.0001' }],
  },
  basin: {
    features: [{ properties: { 流域代码: 'B1', 流域名称: '东江' }, geometry: square(114, 23, 1) }],
    check: `SELECT code, name, level FROM basin`,
    expected: [{ code: 'B1', name: '东江', level: 1 }],
  },
  river_reach: {
    features: [
      { properties: { id: 1, name: '东江', downstream_id: 2 }, geometry: { type: 'LineString', coordinates: [[114, 23], [114.1, 23.1]] } },
      { properties: { id: 2, name: '东江', from_node: 'N2' }, geometry: { type: 'MultiLineString', coordinates: [[[114.1, 23.1], [114.2, 23.1], [114.3, 23]]] } },
    ],
    check: `SELECT id, downstream_id, ST_GeometryType(geom) AS t, ST_NPoints(geom) AS n FROM river_reach ORDER BY id`,
    expected: [
      { id: '1', downstream_id: '2', t: 'ST_LineString', n: 2 },
      { id: '2', downstream_id: null, t: 'ST_LineString', n: 3 },
    ],
  },
  outfall: {
    features: [{ properties: { 排污口编码: 'PW01', 受纳水体: '深圳河' }, geometry: point(114.05, 22.52) }],
    check: `SELECT code, receiving_water, ST_X(geom) AS x, ST_Y(geom) AS y FROM outfall`,
    expected: [{ code: 'PW01', receiving_water: '深圳河', x: 114.05, y: 22.52 }],
  },
  source: {
    features: [
      { properties: { 普查编号: 'S1', 单位名称: '某电镀厂', 污染源类型: '工业源', 化学需氧量: '1.5' }, geometry: point(114.05, 22.52) },
      { properties: { census_id: 'S2', name: '某养殖场', source_type: 'agricultural' }, geometry: null },
    ],
    check: `SELECT census_id, source_type, cod, entered_x, entered_crs, status, ST_AsText(geom) AS g FROM source ORDER BY census_id`,
    expected: [
      { census_id: 'S1', source_type: 'industrial', cod: 1.5, entered_x: '114.05', entered_crs: 'wgs84', status: 'active', g: 'POINT(114.05 22.52)' },
      { census_id: 'S2', source_type: 'agricultural', cod: null, entered_x: null, entered_crs: 'wgs84', status: 'active', g: null },
    ],
  },
  section: {
    features: [{ properties: { 断面编码: 'DM1', 断面名称: '河口', 断面级别: '国控', 水质目标: 'Ⅲ' }, geometry: point(113.9, 22.5) }],
    check: `SELECT code, level, target_class FROM section`,
    expected: [{ code: 'DM1', level: 'national', target_class: 3 }],
  },
  section_reading: {
    features: [
      { properties: { 断面编码: 'DM1', 月份: '2024年3月', 水质类别: '劣Ⅴ' }, geometry: null },
      { properties: { 断面编码: 'DM1', 月份: '2024-04', 水质类别: 'II' }, geometry: null },
    ],
    check: `SELECT section_code, to_char(month, 'YYYY-MM-DD') AS month, water_class FROM section_reading ORDER BY month`,
    expected: [
      { section_code: 'DM1', month: '2024-03-01', water_class: 6 },
      { section_code: 'DM1', month: '2024-04-01', water_class: 2 },
    ],
  },
  air_station: {
    features: [{ properties: { code: '1345A', name: '广雅中学', city: '广州' }, geometry: point(113.2347, 23.1423) }],
    check: `SELECT code, city, ST_X(geom) AS x FROM air_station`,
    expected: [{ code: '1345A', city: '广州', x: 113.2347 }],
  },
  air_reading: {
    features: [{ properties: { station_code: '1345A', month: '2024-03-15', 'PM2.5': 31.5, AQI: '60' }, geometry: null }],
    check: `SELECT station_code, to_char(month, 'YYYY-MM-DD') AS month, pm25, aqi FROM air_reading`,
    expected: [{ station_code: '1345A', month: '2024-03-01', pm25: 31.5, aqi: 60 }],
  },
};

describe('GeoJSON import', () => {
  let db: TestDatabase;
  const files = fixtureDir('geojson');
  beforeAll(async () => {
    db = await openTestDatabase('import_geojson');
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it.each(Object.keys(CASES) as LayerKind[])('stores every feature of a %s FeatureCollection with its geometry and values', async (kind) => {
    const c = CASES[kind];
    const path = files.file(`${kind}.geojson`, featureCollection(c.features));
    const report = await importFile(db.pool, { kind, files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: c.features.length, rowsStored: c.features.length, rejected: 0, format: 'geojson' });
    const { rows } = await db.pool.query(c.check);
    expect(rows).toEqual(c.expected);
    const batch = await db.pool.query('SELECT kind, format, actor, rows_stored, file_name FROM import_batch WHERE id = $1', [report.batchId]);
    expect(batch.rows).toEqual([{ kind, format: 'geojson', actor: 'test', rows_stored: c.features.length, file_name: `${kind}.geojson` }]);
  });

  it('derives a census zone\'s county and township from its 12-digit code when the file has neither', async () => {
    const path = files.file('zones12.geojson', featureCollection([
      { properties: { 普查小区代码: '440303001002', 名称: '小区2' }, geometry: square(114.1, 22.5) },
      { properties: { 普查小区代码: '440304002001', 区县代码: '440304', 乡镇代码: '440304009' }, geometry: square(114.2, 22.5) },
    ]));
    const report = await importFile(db.pool, { kind: 'census_zone', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    const { rows } = await db.pool.query(`SELECT code, county_code, township_code FROM census_zone WHERE import_batch = $1 ORDER BY code`, [report.batchId]);
    expect(rows).toEqual([
      { code: '440303001002', county_code: '440303', township_code: '440303001' },
      { code: '440304002001', county_code: '440304', township_code: '440304009' },
    ]);
  });

  it('stores a river stream order of 0 or empty as unknown', async () => {
    const line = (y: number) => ({ type: 'LineString', coordinates: [[114, y], [114.1, y]] });
    const path = files.file('order0.geojson', featureCollection([
      { properties: { id: 901, 河流等级: 0 }, geometry: line(23) },
      { properties: { id: 902, 河流等级: '' }, geometry: line(23.1) },
      { properties: { id: 903, 河流等级: 2 }, geometry: line(23.2) },
    ]));
    const report = await importFile(db.pool, { kind: 'river_reach', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    const { rows } = await db.pool.query(`SELECT id::int, stream_order FROM river_reach WHERE import_batch = $1 ORDER BY id`, [report.batchId]);
    expect(rows).toEqual([{ id: 901, stream_order: null }, { id: 902, stream_order: null }, { id: 903, stream_order: 2 }]);
  });

  it('numbers river reaches the file leaves without an id after the largest stored one, so a second such file cannot collide', async () => {
    const line = (y: number) => ({ type: 'LineString', coordinates: [[115, y], [115.1, y]] });
    const noIds = (name: string) => files.file(name, featureCollection([
      { properties: { NAME: '甲河' }, geometry: line(24) },
      { properties: { NAME: '乙河' }, geometry: line(24.1) },
    ]));
    const before = Number((await db.pool.query(`SELECT coalesce(max(id), 0) AS n FROM river_reach`)).rows[0].n);
    const first = await importFile(db.pool, { kind: 'river_reach', files: [noIds('a.geojson')], actor: 'test' });
    expect(first.errors).toEqual([]);
    expect(first.idsAssigned).toEqual({ column: 'id', count: 2, from: before + 1, to: before + 2 });
    // The same kind of file again (refused before as "id is required", and numbered 1, 2 again by rowNumberAs).
    const second = await importFile(db.pool, { kind: 'river_reach', files: [noIds('b.geojson')], actor: 'test' });
    expect(second.errors).toEqual([]);
    expect(second.idsAssigned).toEqual({ column: 'id', count: 2, from: before + 3, to: before + 4 });
    const { rows } = await db.pool.query(`SELECT id::int, import_batch::int AS batch FROM river_reach WHERE id > $1 ORDER BY id`, [before]);
    expect(rows).toEqual([
      { id: before + 1, batch: first.batchId }, { id: before + 2, batch: first.batchId },
      { id: before + 3, batch: second.batchId }, { id: before + 4, batch: second.batchId },
    ]);
  });

  it('reads a GeoJSON file that starts with a byte-order mark', async () => {
    const path = files.file('bom.geojson', featureCollection([{ properties: { code: 'BOM1', name: '站' }, geometry: point(113, 23) }]), 'utf8-bom');
    const report = await importFile(db.pool, { kind: 'air_station', files: [path], actor: 'test' });
    expect(report.rowsStored).toBe(1);
  });

  it('keeps the schema defaults the importer fills in step with the database', async () => {
    for (const [table, defaults] of Object.entries(STORED_DEFAULTS)) {
      for (const [column, value] of Object.entries(defaults)) {
        const { rows } = await db.pool.query<{ d: string; nullable: string }>(
          `SELECT column_default AS d, is_nullable AS nullable FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
          [table, column],
        );
        expect(rows[0]?.nullable).toBe('NO');
        expect(rows[0]?.d.replace(/::\w+$/, '').replace(/'/g, '')).toBe(String(value));
      }
    }
  });
});
