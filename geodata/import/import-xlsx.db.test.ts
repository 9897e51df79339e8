import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { clearTables, countRows, fixtureDir, hasOgr2ogr } from './test-support/fixtures.ts';

/** Writes a workbook with exceljs: each sheet a list of rows; `formats` sets number formats by column letter. */
async function writeXlsx(path: string, sheets: Record<string, unknown[][]>, formats: Record<string, Record<string, string>> = {}): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const sheet = workbook.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
    for (const [column, numFmt] of Object.entries(formats[name] ?? {})) sheet.getColumn(column).numFmt = numFmt;
  }
  await workbook.xlsx.writeFile(path);
  return path;
}

const HEADER = ['普查编号', '单位名称', '污染源类型', '行业代码', '普查小区代码', '经度', '纬度', '化学需氧量'];

const run = promisify(execFile);
const GDAL = 'ogr2ogr';

describe('.xlsx import', () => {
  let db: TestDatabase;
  const files = fixtureDir('xlsx');
  beforeAll(async () => {
    db = await openTestDatabase('import_xlsx');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['source', 'air_station', 'air_reading']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('imports the named sheet of a census workbook, keeping leading-zero codes typed as text or as zero-padded numbers', async () => {
    const path = await writeXlsx(join(files.dir, 'census.xlsx'), {
      '填表说明': [['本表为普查数据'], ['第二行说明']],
      '普查表': [
        HEADER,
        ['S001', '某养殖场', '农业源', '0313', '440303001001', 114.0579, 22.5431, 12.5],
        ['S002', '某矿场', '工业源', 511, '440303001002', '113.9', '22.6', null],
        [],
        ['S003', '某电镀厂', '工业源', '3360', '440303001003', 114.1, 22.55, 3],
      ],
    }, { '普查表': { D: '0000' } });
    const report = await importFile(db.pool, { kind: 'source', files: [path], sheet: '普查表', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ format: 'xlsx', sheet: '普查表', rowsRead: 3, rowsStored: 3, encoding: null });
    const { rows } = await db.pool.query(
      `SELECT census_id, industry_code, zone_code, entered_x, cod, round(ST_X(geom)::numeric, 4)::float8 AS x
         FROM source ORDER BY census_id`,
    );
    expect(rows).toEqual([
      { census_id: 'S001', industry_code: '0313', zone_code: '440303001001', entered_x: '114.0579', cod: 12.5, x: 114.0579 },
      // 511 under the number format 0000 is what Excel shows: 0511.
      { census_id: 'S002', industry_code: '0511', zone_code: '440303001002', entered_x: '113.9', cod: null, x: 113.9 },
      { census_id: 'S003', industry_code: '3360', zone_code: '440303001003', entered_x: '114.1', cod: 3, x: 114.1 },
    ]);
  });

  it('takes a sheet by its position, and the first sheet when none is named', async () => {
    const path = await writeXlsx(join(files.dir, 'two.xlsx'), {
      '一月': [HEADER, ['A1', '甲厂', '工业源', '3360', '', 114, 22.5, 1]],
      '二月': [HEADER, ['B1', '乙厂', '工业源', '3360', '', 114, 22.5, 1], ['B2', '丙厂', '工业源', '3360', '', 114, 22.5, 1]],
    });
    const second = await importFile(db.pool, { kind: 'source', files: [path], sheet: 2, actor: 'test' });
    expect(second).toMatchObject({ sheet: '二月', rowsStored: 2 });
    // A route or CLI gives the position as text.
    await clearTables(db.pool, ['source']);
    expect(await importFile(db.pool, { kind: 'source', files: [path], sheet: '2', actor: 'test' })).toMatchObject({ sheet: '二月', rowsStored: 2 });
    await clearTables(db.pool, ['source']);
    expect(await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' })).toMatchObject({ sheet: '一月', rowsStored: 1 });
  });

  it('refuses a sheet the workbook does not have, listing the sheets it has', async () => {
    const path = await writeXlsx(join(files.dir, 'named.xlsx'), { '说明': [['x']], '污染源': [HEADER] });
    await expect(importFile(db.pool, { kind: 'source', files: [path], sheet: '普查表', actor: 'test' }))
      .rejects.toThrow(/named\.xlsx has no sheet "普查表"; its sheets are 1 "说明", 2 "污染源"/);
    await expect(importFile(db.pool, { kind: 'source', files: [path], sheet: 5, actor: 'test' }))
      .rejects.toThrow(/has no sheet number 5; its sheets are 1 "说明", 2 "污染源"/);
  });

  it('names the row and says the leading zeros were lost when a code cell is typed as a number', async () => {
    const path = await writeXlsx(join(files.dir, 'numbers.xlsx'), {
      Sheet1: [HEADER, ['S001', '甲厂', '工业源', '3360', '', 114, 22.5, 1], ['S002', '乙厂', '工业源', 511, '', 114, 22.5, 1]],
    });
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ line: 3, at: 'row 3', field: '行业代码' });
    expect(report.errors[0]!.reason).toMatch(/"511" is not 4-digit GB\/T 4754 code; the cell is typed as a number in Excel, which drops leading zeros: format the column as Text/);
    expect(await countRows(db.pool, 'source')).toBe(0);
  });

  it('reads date cells and Excel serial dates as months, and refuses an Excel error cell by row and field', async () => {
    const stations = await writeXlsx(join(files.dir, 'stations.xlsx'), {
      站点: [['站点编码', '站点名称', '经度', '纬度'], ['440300051', '荔园', 113.93, 22.54]],
    });
    expect(await importFile(db.pool, { kind: 'air_station', files: [stations], actor: 'test' })).toMatchObject({ rowsStored: 1 });
    const readings = await writeXlsx(join(files.dir, 'readings.xlsx'), {
      月报: [
        ['站点编码', '月份', 'PM2.5'],
        ['440300051', new Date(Date.UTC(2024, 2, 1)), 21],
        // 45383 is 2024-04-01 as a serial date in a cell without a date format.
        ['440300051', 45383, 19],
      ],
    });
    const report = await importFile(db.pool, { kind: 'air_reading', files: [readings], actor: 'test' });
    expect(report.errors).toEqual([]);
    const { rows } = await db.pool.query(`SELECT to_char(month, 'YYYY-MM-DD') AS month, pm25 FROM air_reading ORDER BY month`);
    expect(rows).toEqual([{ month: '2024-03-01', pm25: 21 }, { month: '2024-04-01', pm25: 19 }]);

    const broken = await writeXlsx(join(files.dir, 'broken.xlsx'), {
      月报: [['站点编码', '月份', 'PM2.5'], ['440300051', '2024-05', { error: '#DIV/0!' }]],
    });
    const bad = await importFile(db.pool, { kind: 'air_reading', files: [broken], actor: 'test' });
    expect(bad.errors[0]).toMatchObject({ at: 'row 2', field: 'PM2.5' });
    expect(bad.errors[0]!.reason).toMatch(/Excel error #DIV\/0!/);
  });

  it('refuses .xls with the fix, and a layer that cannot come from a table', async () => {
    const xls = files.file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]));
    await expect(importFile(db.pool, { kind: 'source', files: [xls], actor: 'test' })).rejects.toThrow(/old\.xls .*save as \.xlsx/);
    const path = await writeXlsx(join(files.dir, 'zones.xlsx'), { S: [['code', 'name']] });
    await expect(importFile(db.pool, { kind: 'census_zone', files: [path], actor: 'test' })).rejects.toThrow(/cannot come from an \.xlsx table/);
    const notZip = files.file('fake.xlsx', 'census_id,name\n');
    await expect(importFile(db.pool, { kind: 'source', files: [notZip], actor: 'test' })).rejects.toThrow(/fake\.xlsx is not a zip archive/);
  });

  it('finds a sheet by its tab name when workbook.xml.rels does not link the sheet file', async () => {
    // ExcelJS names such a sheet "Sheet1"; the user gives the name on Excel's tab.
    const path = await writeXlsx(join(files.dir, 'unlinked.xlsx'), {
      污染源: [['普查编号', '单位名称', '污染源类型', '行业代码', '经度', '纬度'], ['U001', '某厂', '工业源', '0511', 114.05, 22.54]],
    });
    const zip = await JSZip.loadAsync(readFileSync(path));
    const rels = await zip.file('xl/_rels/workbook.xml.rels')!.async('string');
    const unlinked = rels.replace(/<Relationship [^>]*Target="worksheets\/sheet1\.xml"[^>]*\/>/, '');
    expect(unlinked).not.toBe(rels);
    zip.file('xl/_rels/workbook.xml.rels', unlinked);
    writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer' }));
    const report = await importFile(db.pool, { kind: 'source', files: [path], sheet: '污染源', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsStored: 1, sheet: '污染源' });
    await expect(importFile(db.pool, { kind: 'source', files: [path], sheet: 'Sheet1', actor: 'test' })).rejects.toThrow(/its sheets are 1 "污染源"/);
  });

  it.skipIf(!hasOgr2ogr())('imports a workbook written by GDAL (ogr2ogr -f XLSX)', async () => {
    const csv = files.file('gdal-src.csv', ['普查编号,单位名称,污染源类型,行业代码,经度,纬度', 'G001,某厂,工业源,0511,114.05,22.54', 'G002,某场,农业源,0313,114.06,22.55'].join('\n'));
    const out = join(files.dir, 'gdal.xlsx');
    // The layer (sheet) is named after -nln; CSV fields stay strings, so 0511 keeps its zero.
    await run(GDAL, ['-f', 'XLSX', out, csv, '-nln', '污染源']);
    const report = await importFile(db.pool, { kind: 'source', files: [out], sheet: '污染源', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsStored: 2, sheet: '污染源' });
    const { rows } = await db.pool.query(`SELECT census_id, industry_code FROM source ORDER BY census_id`);
    expect(rows).toEqual([{ census_id: 'G001', industry_code: '0511' }, { census_id: 'G002', industry_code: '0313' }]);
  });
});
