import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { clearTables, countRows, fixtureDir } from './test-support/fixtures.ts';

const SOURCES_ZH = [
  '普查编号,单位名称,污染源类型,行业代码,经度,纬度,坐标系,化学需氧量',
  'S001,深圳市某电镀厂,工业源,3360,114.0579,22.5431,,12.5',
  'S002,某火电厂,工业,4411,"113°56\'12.3""",22°32′24″,WGS84,',
  'S003,某养殖场,农业源,0313,,,,',
  'S004,某生活源,生活源,,114.0579,22.5431,gcj02,',
].join('\n');

describe('CSV import', () => {
  let db: TestDatabase;
  const files = fixtureDir('csv');
  beforeAll(async () => {
    db = await openTestDatabase('import_csv');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['source', 'outfall', 'section', 'section_reading', 'air_station', 'air_reading']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('imports sources from a UTF-8 CSV with Chinese headers, keeping coordinates as entered', async () => {
    const path = files.file('sources.csv', SOURCES_ZH, 'utf8-bom');
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: 4, rowsStored: 4, encoding: 'utf8' });
    const { rows } = await db.pool.query(
      `SELECT census_id, name, source_type, industry_code, entered_x, entered_y, entered_crs, cod,
              round(ST_X(geom)::numeric, 6)::float8 AS x, round(ST_Y(geom)::numeric, 6)::float8 AS y
         FROM source ORDER BY census_id`,
    );
    expect(rows[0]).toEqual({ census_id: 'S001', name: '深圳市某电镀厂', source_type: 'industrial', industry_code: '3360', entered_x: '114.0579', entered_y: '22.5431', entered_crs: 'wgs84', cod: 12.5, x: 114.0579, y: 22.5431 });
    // 113°56'12.3" = 113 + 56/60 + 12.3/3600; 22°32′24″ = 22.54
    expect(rows[1]).toMatchObject({ entered_x: `113°56'12.3"`, entered_y: '22°32′24″', x: 113.936750, y: 22.54 });
    expect(rows[2]).toMatchObject({ census_id: 'S003', source_type: 'agricultural', industry_code: '0313', entered_x: null, x: null });
    // GCJ-02 input is stored as WGS-84: in Shenzhen the offset is some hundreds of metres.
    expect(rows[3]).toMatchObject({ entered_x: '114.0579', entered_crs: 'gcj02' });
    const shift = await db.pool.query<{ m: number }>(
      `SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(114.0579, 22.5431), 4326)::geography) AS m FROM source WHERE census_id = 'S004'`,
    );
    expect(shift.rows[0]!.m).toBeGreaterThan(200);
    expect(shift.rows[0]!.m).toBeLessThan(800);
  });

  it('detects a GBK CSV and reads its Chinese text correctly', async () => {
    const path = files.file('sources-gbk.csv', SOURCES_ZH, 'gbk');
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsStored: 4, encoding: 'gbk', rejected: 0 });
    const { rows } = await db.pool.query(`SELECT name FROM source WHERE census_id = 'S001'`);
    expect(rows[0].name).toBe('深圳市某电镀厂');
  });

  it('reads a GBK CSV with the encoding given', async () => {
    const path = files.file('sources-gbk2.csv', SOURCES_ZH, 'gbk');
    const report = await importFile(db.pool, { kind: 'source', files: [path], encoding: 'GB2312', actor: 'test' });
    expect(report).toMatchObject({ rowsStored: 4, encoding: 'gbk' });
  });

  it('rejects a UTF-8 CSV read as GBK, naming the field and line, and stores nothing', async () => {
    const path = files.file('sources-utf8.csv', SOURCES_ZH.replace(/^[^\n]+/, 'census_id,name,source_type,industry_code,lon,lat,entered_crs,cod'));
    const report = await importFile(db.pool, { kind: 'source', files: [path], encoding: 'gbk', actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 2, field: 'name' });
    expect(report.errors[0]!.reason).toMatch(/UTF-8/);
    expect(await countRows(db.pool, 'source')).toBe(0);
    expect(await countRows(db.pool, 'import_batch')).toBe(0);
  });

  it('rejects a CSV whose Chinese header shows the given encoding is wrong', async () => {
    const path = files.file('sources-utf8-zh.csv', SOURCES_ZH);
    await expect(importFile(db.pool, { kind: 'source', files: [path], encoding: 'gbk', actor: 'test' })).rejects.toThrow(
      /line 1, header .*text is UTF-8, not GBK/,
    );
    expect(await countRows(db.pool, 'import_batch')).toBe(0);
  });

  it('rejects a GBK CSV read as UTF-8 before storing anything', async () => {
    const path = files.file('sources-gbk3.csv', SOURCES_ZH.replace(/^[^\n]+/, 'census_id,name,source_type,industry_code,lon,lat,entered_crs,cod'), 'gbk');
    const report = await importFile(db.pool, { kind: 'source', files: [path], encoding: 'utf8', actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 2, field: 'name', at: 'line 2' });
    expect(report.errors[0]!.reason).toMatch(/not valid UTF-8.*GBK/);
    expect(await countRows(db.pool, 'source')).toBe(0);
  });

  it('maps fields explicitly and fills constant defaults', async () => {
    const path = files.file('mapped.csv', 'ID,企业,X,Y,备注\nP1,电厂甲,113.5,22.9,\nP2,电厂乙,113.6,23.0,x\n');
    const report = await importFile(db.pool, {
      kind: 'source', files: [path], actor: 'test',
      mapping: { ID: 'census_id', 企业: 'name', X: 'lon', Y: 'lat' },
      defaults: { source_type: 'industrial', industry_code: '4411' },
    });
    expect(report).toMatchObject({ rowsStored: 2, ignoredFields: ['备注'] });
    const { rows } = await db.pool.query(`SELECT census_id, name, source_type, industry_code, ST_X(geom) AS x FROM source ORDER BY census_id`);
    expect(rows).toEqual([
      { census_id: 'P1', name: '电厂甲', source_type: 'industrial', industry_code: '4411', x: 113.5 },
      { census_id: 'P2', name: '电厂乙', source_type: 'industrial', industry_code: '4411', x: 113.6 },
    ]);
  });

  it('imports outfalls, sections and air stations with their points', async () => {
    const outfalls = files.file('outfalls.csv', '排污口编码,排污口名称,受纳水体,河段编号,经度,纬度\nPW1,一号口,深圳河,7,114.1,22.53\nPW2,二号口,,,114.2,22.6\n');
    const sections = files.file('sections.csv', '断面编码,断面名称,断面级别,水质目标,所在河流,lon,lat\nDM1,河口,国控,Ⅲ,深圳河,114.02,22.51\nDM2,上游,省控,2,深圳河,114.15,22.56\n', 'gbk');
    const stations = files.file('stations.csv', '站点编码,站点名称,城市,经度,纬度\n1345A,广雅中学,广州,113.2347,23.1423\n', 'gbk');
    for (const [kind, path, n] of [['outfall', outfalls, 2], ['section', sections, 2], ['air_station', stations, 1]] as const) {
      const report = await importFile(db.pool, { kind, files: [path], actor: 'test' });
      expect(report.errors).toEqual([]);
      expect(report.rowsStored).toBe(n);
    }
    expect((await db.pool.query(`SELECT code, reach_id, ST_X(geom) AS x FROM outfall ORDER BY code`)).rows).toEqual([
      { code: 'PW1', reach_id: '7', x: 114.1 },
      { code: 'PW2', reach_id: null, x: 114.2 },
    ]);
    expect((await db.pool.query(`SELECT code, name, level, target_class FROM section ORDER BY code`)).rows).toEqual([
      { code: 'DM1', name: '河口', level: 'national', target_class: 3 },
      { code: 'DM2', name: '上游', level: 'provincial', target_class: 2 },
    ]);
    expect((await db.pool.query(`SELECT name, city, ST_Y(geom) AS y FROM air_station`)).rows).toEqual([{ name: '广雅中学', city: '广州', y: 23.1423 }]);
  });

  it('imports section and air readings with months in any common spelling', async () => {
    // Readings belong to stored stations (the next file shows the refusal otherwise).
    await db.pool.query(`INSERT INTO section (code, name, level, target_class, geom) VALUES ('DM1', '河口', 'national', 3, ST_SetSRID(ST_MakePoint(113.9, 22.5), 4326))`);
    await db.pool.query(`INSERT INTO air_station (code, name, geom) VALUES ('1345A', '广雅中学', ST_SetSRID(ST_MakePoint(113.2347, 23.1423), 4326))`);
    const sectionReadings = files.file('sr.csv', '断面编码,月份,水质类别,化学需氧量,溶解氧\nDM1,2024-01,Ⅱ,12.5,7.1\nDM1,2024年2月,劣Ⅴ,40,\nDM1,2024-03-15,III,,6\n', 'gbk');
    const airReadings = files.file('ar.csv', 'station_code,month,PM2.5,PM10,AQI\n1345A,2024-01,31.5,50,60\n1345A,2024/02,28,,55\n');
    const r1 = await importFile(db.pool, { kind: 'section_reading', files: [sectionReadings], actor: 'test' });
    const r2 = await importFile(db.pool, { kind: 'air_reading', files: [airReadings], actor: 'test' });
    expect([r1.rowsStored, r2.rowsStored]).toEqual([3, 2]);
    expect((await db.pool.query(`SELECT to_char(month, 'YYYY-MM-DD') AS m, water_class, cod, do_mgl FROM section_reading ORDER BY month`)).rows).toEqual([
      { m: '2024-01-01', water_class: 2, cod: 12.5, do_mgl: 7.1 },
      { m: '2024-02-01', water_class: 6, cod: 40, do_mgl: null },
      { m: '2024-03-01', water_class: 3, cod: null, do_mgl: 6 },
    ]);
    expect((await db.pool.query(`SELECT to_char(month, 'YYYY-MM') AS m, pm25, pm10 FROM air_reading ORDER BY month`)).rows).toEqual([
      { m: '2024-01', pm25: 31.5, pm10: 50 },
      { m: '2024-02', pm25: 28, pm10: null },
    ]);
  });
});
