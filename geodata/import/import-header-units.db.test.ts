import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importCensusForm } from './census-form.ts';
import { importFile } from './index.ts';
import { clearTables, countRows, fixtureDir } from './test-support/fixtures.ts';

/**
 * Issue 14, item 5: emission headers with units (`化学需氧量(吨)`, `COD排放量（千克）`) are
 * matched to their column and the values converted to the stored t/a, in CSV, .xlsx and
 * census-form imports; the report says which headers were converted.
 */
const HEADER = ['普查编号', '单位名称', '污染源类型', '经度', '纬度', '化学需氧量(吨)', '氨氮排放量（千克）', 'SO2(kg)', '氮氧化物年排放量(万吨)'];

describe('emission headers with units convert to the stored t/a', () => {
  let db: TestDatabase;
  const files = fixtureDir('header-units');
  beforeAll(async () => { db = await openTestDatabase('import_header_units'); });
  beforeEach(async () => { await clearTables(db.pool, ['source']); });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  const stored = async () => (await db.pool.query<{ census_id: string; cod: number | null; nh3n: number | null; so2: number | null; nox: number | null }>(
    'SELECT census_id, cod, nh3n, so2, nox FROM source ORDER BY census_id')).rows;
  const EXPECTED = [
    { census_id: 'U1', cod: 12.5, nh3n: 1.234, so2: 0.75, nox: 3000 },
    { census_id: 'U2', cod: 0, nh3n: 1234.5, so2: null, nox: 0.25 },
  ];
  const CONVERTED = [
    { field: '氨氮排放量（千克）', column: 'nh3n', unit: '千克', factor: 0.001 },
    { field: 'SO2(kg)', column: 'so2', unit: 'kg', factor: 0.001 },
    { field: '氮氧化物年排放量(万吨)', column: 'nox', unit: '万吨', factor: 10000 },
  ];

  it('a CSV: full-width digits and thousands separators too', async () => {
    const csv = [HEADER.join(','), 'U1,甲厂,工业源,113.95,22.52,12.5,1234,750,0.3', 'U2,乙厂,工业源,113.96,22.53,0,"１，２３４，５００",,0.000025'].join('\n');
    const report = await importFile(db.pool, { kind: 'source', files: [files.file('units.csv', csv)], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(2);
    expect(report.ignoredFields).toEqual([]);
    expect(report.unitsConverted).toEqual(CONVERTED);
    expect(await stored()).toEqual(EXPECTED);
  });

  it('an .xlsx table with number cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('污染源');
    sheet.addRow(HEADER);
    sheet.addRow(['U1', '甲厂', '工业源', 113.95, 22.52, 12.5, 1234, 750, 0.3]);
    sheet.addRow(['U2', '乙厂', '工业源', 113.96, 22.53, 0, 1234500, null, 0.000025]);
    const path = `${files.dir}/units.xlsx`;
    await workbook.xlsx.writeFile(path);
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ format: 'xlsx', rowsStored: 2 });
    expect(report.unitsConverted).toEqual(CONVERTED);
    expect(await stored()).toEqual(EXPECTED);
  });

  it('a census form', async () => {
    const csv = [HEADER.join(','), 'U1,甲厂,工业源,113.95,22.52,12.5,1234,750,0.3', 'U2,乙厂,工业源,113.96,22.53,0,1234500,,0.000025'].join('\n');
    const report = await importCensusForm(db.pool, { file: files.file('form.csv', csv), crs: 'wgs84', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.unitsConverted).toEqual(CONVERTED);
    expect(await stored()).toEqual(EXPECTED);
  });

  it('a default is in t/a already and is not converted', async () => {
    const csv = ['普查编号,单位名称,污染源类型,经度,纬度,SO2(kg)', 'D1,甲厂,工业源,113.95,22.52,', 'D2,乙厂,工业源,113.95,22.53,500'].join('\n');
    const report = await importFile(db.pool, { kind: 'source', files: [files.file('defaults.csv', csv)], actor: 'test', defaults: { so2: '2' } });
    expect(report.errors).toEqual([]);
    expect((await db.pool.query('SELECT census_id, so2 FROM source ORDER BY 1')).rows).toEqual([{ census_id: 'D1', so2: 2 }, { census_id: 'D2', so2: 0.5 }]);
  });

  it('an emission header with a unit that is no mass is refused whole, naming the header, and nothing is stored', async () => {
    const csv = ['普查编号,单位名称,污染源类型,经度,纬度,化学需氧量(mg/L)', 'M1,甲厂,工业源,113.95,22.52,30'].join('\n');
    await expect(importFile(db.pool, { kind: 'source', files: [files.file('conc.csv', csv)], actor: 'test' }))
      .rejects.toThrow(/column "化学需氧量\(mg\/L\)" feeds cod, stored in t\/a, but its unit "mg\/L"/);
    expect(await countRows(db.pool, 'source')).toBe(0);
  });
});
