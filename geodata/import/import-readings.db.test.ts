import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { ImportFileError, importFile } from './index.ts';
import { clearTables, countRows, fixtureDir } from './test-support/fixtures.ts';

/**
 * Issue #15, "readings that belong to nothing": a reading whose section or air-station code is not
 * stored is reported, not silently stored; readings under another code scheme can be joined to
 * the stations by position within a tolerance the user gives.
 */
describe('readings and the stations they belong to', () => {
  let db: TestDatabase;
  const files = fixtureDir('readings');
  beforeAll(async () => {
    db = await openTestDatabase('import_readings');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['section_reading', 'air_reading', 'section', 'air_station']);
    // Two sections 1.1 km apart on one river, one air station far from both.
    await db.pool.query(`INSERT INTO section (code, name, level, target_class, geom) VALUES
      ('DM1', '河口', 'national', 3, ST_SetSRID(ST_MakePoint(113.900, 22.500), 4326)),
      ('DM2', '上游', 'national', 2, ST_SetSRID(ST_MakePoint(113.910, 22.505), 4326))`);
    await db.pool.query(`INSERT INTO air_station (code, name, geom) VALUES ('1345A', '广雅中学', ST_SetSRID(ST_MakePoint(113.2347, 23.1423), 4326))`);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('refuses section readings whose codes are not stored, naming every such line and the fix, and stores nothing', async () => {
    const path = files.file('sr.csv', '断面编码,月份,水质类别\nDM1,2024-01,Ⅱ\nXX9,2024-01,Ⅲ\nDM2,2024-01,Ⅲ\nYY1,2024-02,Ⅳ\n');
    const report = await importFile(db.pool, { kind: 'section_reading', files: [path], actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[3, 'section_code'], [5, 'section_code']]);
    expect(report.errors[0]!.reason).toMatch(/^"XX9" is not a stored section: import the sections first/);
    expect(report.errors[1]!.message).toMatch(/^line 5, section_code: "YY1" is not a stored section/);
    expect(await countRows(db.pool, 'section_reading')).toBe(0);
    expect(await countRows(db.pool, 'import_batch')).toBe(0);
  });

  it('keeps checking station codes after a first bad row, so the report lists all readings of nothing', async () => {
    const path = files.file('ar.csv', 'station_code,month,AQI\n1345A,2024-13,60\nNOPE,2024-01,50\n1345A,2024-02,55\n');
    const report = await importFile(db.pool, { kind: 'air_reading', files: [path], actor: 'test' });
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[2, 'month'], [3, 'station_code']]);
    expect(report.errors[1]!.reason).toMatch(/^"NOPE" is not a stored air station/);
    expect(await countRows(db.pool, 'air_reading')).toBe(0);
  });

  it('stores readings whose codes are all stored, as before', async () => {
    const path = files.file('ok.csv', 'section_code,month,cod\nDM1,2024-01,12\nDM2,2024-01,9\n');
    const report = await importFile(db.pool, { kind: 'section_reading', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(2);
    expect(report.stationMatches).toBeUndefined();
  });

  it('joins readings under another code scheme to the one station within the tolerance of their position', async () => {
    // The provincial scheme's codes, with positions 0–60 m from the stored sections.
    const path = files.file('other-scheme.csv', '站点编号,月份,化学需氧量,经度,纬度\nGD-001,2024-01,12,113.9003,22.5002\nGD-002,2024-01,9,113.9101,22.5050\nGD-001,2024-02,15,113.9000,22.5000\n');
    const report = await importFile(db.pool, { kind: 'section_reading', files: [path], actor: 'test', mapping: { 站点编号: 'section_code' }, matchStationsWithinM: 200 });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(3);
    expect(report.stationMatches!.count).toBe(3);
    expect(report.stationMatches!.first.map((m) => [m.line, m.given, m.station])).toEqual([[2, 'GD-001', 'DM1'], [3, 'GD-002', 'DM2'], [4, 'GD-001', 'DM1']]);
    // Distances are the true geodesic ones (PostGIS geography), not degrees.
    const { rows: [d] } = await db.pool.query(`SELECT ST_Distance(ST_MakePoint(113.9003, 22.5002)::geography, ST_MakePoint(113.9, 22.5)::geography) AS m`);
    expect(report.stationMatches!.first[0]!.distanceM).toBeCloseTo(d.m, 0);
    expect(report.stationMatches!.first[0]!.distanceM).toBeGreaterThan(30);
    expect((await db.pool.query(`SELECT section_code, to_char(month, 'YYYY-MM') AS m, cod FROM section_reading ORDER BY section_code, month`)).rows).toEqual([
      { section_code: 'DM1', m: '2024-01', cod: 12 }, { section_code: 'DM1', m: '2024-02', cod: 15 }, { section_code: 'DM2', m: '2024-01', cod: 9 },
    ]);
  });

  it('reports a reading with no station within the tolerance, or with two, instead of guessing', async () => {
    const path = files.file('far.csv', 'code,month,cod,lon,lat\nP1,2024-01,1,113.95,22.55\nP2,2024-01,2,113.905,22.5025\nP3,2024-01,3,113.9001,22.5\n');
    const report = await importFile(db.pool, { kind: 'section_reading', files: [path], actor: 'test', mapping: { code: 'section_code' }, matchStationsWithinM: 1000 });
    expect(report.rowsStored).toBe(0);
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[2, 'lon/lat'], [3, 'lon/lat']]);
    expect(report.errors[0]!.reason).toMatch(/^section_code P1: no stored section within 1000 m/);
    // Midway between DM1 and DM2 (each about 580 m away): both named, with their distances.
    expect(report.errors[1]!.reason).toMatch(/^section_code P2: two stored sections within 1000 m: DM\d \(\d+ m\), DM\d \(\d+ m\); lower the tolerance/);
    expect(await countRows(db.pool, 'section_reading')).toBe(0);
  });

  it('needs a position for each reading to join by position, and a tolerance only readings have', async () => {
    const path = files.file('nopos.csv', 'section_code,month,cod,lon,lat\nQ1,2024-01,1,,\n');
    const report = await importFile(db.pool, { kind: 'section_reading', files: [path], actor: 'test', matchStationsWithinM: 100 });
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[2, 'lon/lat']]);
    expect(report.errors[0]!.reason).toMatch(/not a position in decimal degrees/);
    const sections = files.file('s.csv', 'code,name,level,target_class,lon,lat\nDM9,九,national,3,113,23\n');
    await expect(importFile(db.pool, { kind: 'section', files: [sections], actor: 'test', matchStationsWithinM: 100 })).rejects.toThrow(ImportFileError);
  });
});
