import ExcelJS from 'exceljs';
import type { MultiPolygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { insertRows } from '../db/bulk-insert.ts';
import { inTransaction } from '../db/transaction.ts';
import { CREDIT_CODE_CHARS, creditCodeCheckChar, creditCodeProblem } from '../model/credit-code.ts';
import { LAYERS } from '../model/layers.ts';
import { importCensusForm } from './census-form.ts';
import { ItemsQuery, listFindings, runReview } from '../review/index.ts';
import { importFile } from './index.ts';
import { countRows, featureCollection, fixtureDir } from './test-support/fixtures.ts';

/**
 * Issue 14, item 5: every source import checks the unified social credit code's check
 * character (GB 32100-2015). A wrong code is stored and reaches the review list as
 * credit_code_invalid with the character its first 17 call for; it never refuses the row.
 */
const box = (w: number, s: number, e: number, n: number): MultiPolygon => ({ type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]] });

/** Published codes (Huawei, BYD, Tencent) and one-character mistakes in them. */
const HUAWEI = '914403001922038216';
const BYD = '91440300192317458F';
const TENCENT = '9144030071526726XG';
const typo = (code: string, at: number, c: string) => code.slice(0, at) + c + code.slice(at + 1);
const HUAWEI_TYPO = typo(HUAWEI, 12, '3'); // body changed: 1922038216 → 1922033216
const BYD_CHECK = typo(BYD, 17, 'E'); // check character changed
const TENCENT_SWAP = TENCENT.slice(0, 9) + TENCENT[10] + TENCENT[9] + TENCENT.slice(11); // neighbours swapped

describe('credit codes are checked by every source import and wrong ones reach the review list', () => {
  let db: TestDatabase;
  const files = fixtureDir('credit-codes');
  beforeAll(async () => {
    db = await openTestDatabase('import_credit_codes');
    await inTransaction(db.pool, async (client) => {
      await insertRows(client, LAYERS.division, [
        { code: '440300', name: '深圳市', level: 'city', parent_code: '440000', geom: box(113.8, 22.5, 114.0, 22.6) },
      ], null);
    });
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('the database check character (screening) agrees with the TypeScript one on published codes and every one-character change of one', async () => {
    const codes = [HUAWEI, BYD, TENCENT];
    for (let i = 0; i < 18; i++) for (const c of CREDIT_CODE_CHARS) if ((i < 2 || i >= 8 || /[0-9]/.test(c)) && c !== BYD[i]) codes.push(typo(BYD, i, c));
    const { rows } = await db.pool.query<{ code: string; check: string }>(
      'SELECT code, yzt_credit_check_char(code) AS check FROM unnest($1::text[]) AS code', [codes]);
    expect(rows).toHaveLength(codes.length);
    for (const r of rows) expect(r.check, r.code).toBe(creditCodeCheckChar(r.code.slice(0, 17)));
  });

  it('a CSV import stores rows with wrong codes, reports each by line, and normalises codes as people type them', async () => {
    const csv = [
      '普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度',
      `K-good,华为,工业源,${HUAWEI},113.95,22.52`,
      `K-typo,华为错,工业源,${HUAWEI_TYPO},113.95,22.53`,
      `K-check,比亚迪错,工业源,${BYD_CHECK},113.96,22.53`,
      // Full-width, lower case and spaced: the same valid code.
      `K-wide,比亚迪,工业源,９１４４０３００ １９２３１７４５８ｆ,113.96,22.54`,
      'K-none,无码,工业源,,113.97,22.55',
    ].join('\n');
    const report = await importFile(db.pool, { kind: 'source', files: [files.file('credit.csv', csv)], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: 5, rowsStored: 5, rejected: 0 });
    expect(report.creditCodesToReview!.count).toBe(2);
    expect(report.creditCodesToReview!.first.map((c) => [c.line, c.creditCode, c.expected])).toEqual([
      [3, HUAWEI_TYPO, creditCodeCheckChar(HUAWEI_TYPO.slice(0, 17))],
      [4, BYD_CHECK, 'F'],
    ]);
    expect(report.creditCodesToReview!.first[1]!.message).toMatch(/^line 4, 统一社会信用代码: .*check character E.*call for F.*GB 32100-2015.*credit_code_invalid/);
    const { rows } = await db.pool.query<{ census_id: string; credit_code: string | null }>(
      `SELECT census_id, credit_code FROM source WHERE census_id LIKE 'K-%' ORDER BY census_id`);
    expect(Object.fromEntries(rows.map((r) => [r.census_id, r.credit_code]))).toEqual({
      'K-good': HUAWEI, 'K-typo': HUAWEI_TYPO, 'K-check': BYD_CHECK, 'K-wide': BYD, 'K-none': null,
    });
  });

  it('refuses only a value not shaped like a code (length, forbidden letters), naming line, field and fix, and stores nothing', async () => {
    const before = await countRows(db.pool, 'source');
    const csv = ['普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度',
      `S-good,好码,工业源,${BYD},113.97,22.54`, 'S-short,短码,工业源,91440300192317458,113.97,22.54', `S-letter,字母,工业源,${typo(BYD, 16, 'O')},113.97,22.55`].join('\n');
    const report = await importFile(db.pool, { kind: 'source', files: [files.file('short.csv', csv)], actor: 'test' });
    expect(report).toMatchObject({ rowsStored: 0, rejected: 2 });
    expect(report.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^line 3, 统一社会信用代码: "91440300192317458" has 17 characters; a unified social credit code has 18 .*correct it or leave the cell empty$/),
      expect.stringMatching(/^line 4, 统一社会信用代码: .* "O" at position 17.*without I, O, S, V, Z/),
    ]);
    expect(await countRows(db.pool, 'source')).toBe(before);
  });

  it('GeoJSON and .xlsx source imports check the code too', async () => {
    const geojson = files.file('credit.geojson', featureCollection([
      { properties: { census_id: 'G-swap', name: '腾讯错', source_type: 'industrial', credit_code: TENCENT_SWAP }, geometry: { type: 'Point', coordinates: [113.94, 22.54] } },
      { properties: { census_id: 'G-good', name: '腾讯', source_type: 'industrial', credit_code: TENCENT }, geometry: { type: 'Point', coordinates: [113.94, 22.55] } },
    ]));
    const fromGeoJson = await importFile(db.pool, { kind: 'source', files: [geojson], actor: 'test' });
    expect(fromGeoJson).toMatchObject({ rowsStored: 2, rejected: 0 });
    expect(fromGeoJson.creditCodesToReview!.first).toEqual([expect.objectContaining({ line: 1, at: 'feature 1', creditCode: TENCENT_SWAP, expected: creditCodeCheckChar(TENCENT_SWAP.slice(0, 17)) })]);
    expect(creditCodeProblem(TENCENT_SWAP)).not.toBeNull();

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('污染源');
    sheet.addRow(['普查编号', '单位名称', '污染源类型', '统一社会信用代码', '经度', '纬度']);
    sheet.addRow(['X-check', '比亚迪表', '工业源', typo(BYD, 17, '0'), 113.93, 22.53]);
    const xlsx = `${files.dir}/credit.xlsx`;
    await workbook.xlsx.writeFile(xlsx);
    const fromXlsx = await importFile(db.pool, { kind: 'source', files: [xlsx], actor: 'test' });
    expect(fromXlsx).toMatchObject({ rowsStored: 1, rejected: 0 });
    expect(fromXlsx.creditCodesToReview!.first).toEqual([expect.objectContaining({ line: 2, at: 'row 2', expected: 'F' })]);
  });

  it('a census form stores the row with a wrong code instead of refusing the file, naming its line', async () => {
    const path = files.file('form.csv', '普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度\n' +
      `F-good,甲厂,工业源,${TENCENT},114.05,22.54\nF-bad,乙厂,工业源,${typo(TENCENT, 17, 'Y')},114.06,22.55\n`);
    const before = await countRows(db.pool, 'source');
    const report = await importCensusForm(db.pool, { file: path, crs: 'wgs84', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(2);
    expect(report.creditCodesToReview).toMatchObject({ count: 1, first: [{ line: 3, at: 'line 3', expected: 'G' }] });
    expect(await countRows(db.pool, 'source')).toBe(before + 2);
    // With keepValidRows, a refused row before it does not shift the line the code is named by.
    const mixed = files.file('mixed.csv', '普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度\n' +
      `F-alien,丙厂,外星源,,114.07,22.56\nF-bad2,丁厂,工业源,${BYD_CHECK},114.08,22.57\n`);
    const kept = await importCensusForm(db.pool, { file: mixed, crs: 'wgs84', actor: 'test', keepValidRows: true });
    expect(kept.rowsStored).toBe(1);
    expect(kept.errors.map((e) => `${e.line}:${e.field}`)).toEqual(['2:污染源类型']);
    expect(kept.creditCodesToReview.first).toEqual([expect.objectContaining({ line: 3, at: 'line 3', creditCode: BYD_CHECK, message: expect.stringMatching(/^line 3, /) })]);
  });

  it('the review run lists every wrong code as credit_code_invalid with the expected check character, and no valid one', async () => {
    await runReview(db.pool, 'test');
    const page = await listFindings(db.pool, ItemsQuery.parse({ limit: 200, check: 'credit_code_invalid' }));
    const found = Object.fromEntries(page.items.filter((i) => i.checkCode === 'credit_code_invalid').map((i) => [i.censusId, i.details]));
    expect(found).toEqual({
      'K-typo': { creditCode: HUAWEI_TYPO, expected: creditCodeCheckChar(HUAWEI_TYPO.slice(0, 17)) },
      'K-check': { creditCode: BYD_CHECK, expected: 'F' },
      'G-swap': { creditCode: TENCENT_SWAP, expected: creditCodeCheckChar(TENCENT_SWAP.slice(0, 17)) },
      'X-check': { creditCode: typo(BYD, 17, '0'), expected: 'F' },
      'F-bad': { creditCode: typo(TENCENT, 17, 'Y'), expected: 'G' },
      'F-bad2': { creditCode: BYD_CHECK, expected: 'F' },
    });
  });
});
