import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { creditCodeCheckChar } from '../../geodata/model/credit-code.ts';
import { importCensusForm } from '../../geodata/import/census-form.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';

const body = '91440300MA5D' + 'ABCDE';
const GOOD = body + creditCodeCheckChar(body);
const BAD = body + (creditCodeCheckChar(body) === '1' ? '2' : '1');

describe('census-form import', () => {
  let db: TestDatabase;
  const dir = mkdtempSync(join(tmpdir(), 'census-form-'));
  const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  const header = '普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度\n';
  beforeAll(async () => { db = await openTestDatabase('census_form'); });
  beforeEach(async () => { await db.pool.query('DELETE FROM source'); });
  afterAll(async () => { await db?.close(); rmSync(dir, { recursive: true, force: true }); });

  it('converts GCJ-02 decimal and DMS coordinates to WGS-84, keeping the entered text', async () => {
    const path = file('ok.csv', header + `C1,甲厂,工业源,${GOOD},114.057900,22.543100\nC2,乙厂,工业源,,113度56分12.3秒,"22°32'24"""\n`);
    const report = await importCensusForm(db.pool, { file: path, crs: 'gcj02', actor: 'tester' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(2);
    const { rows } = await db.pool.query(`SELECT census_id, entered_x, entered_crs, ST_X(geom) AS x, ST_Y(geom) AS y FROM source ORDER BY census_id`);
    expect(rows[0]).toMatchObject({ census_id: 'C1', entered_x: '114.057900', entered_crs: 'gcj02' });
    // GCJ-02 → WGS-84 moves Shenzhen points about 0.005° west and 0.003° north.
    expect(114.0579 - rows[0].x).toBeGreaterThan(0.003);
    expect(rows[0].y - 22.5431).toBeGreaterThan(0.001);
    expect(rows[1]).toMatchObject({ census_id: 'C2', entered_x: '113度56分12.3秒' });
    expect(113.93675 - rows[1].x).toBeGreaterThan(0.003);
  });

  it('stores a row whose credit code fails its check character and names it for review, instead of refusing the file', async () => {
    const path = file('bad.csv', header + `C1,甲厂,工业源,${GOOD},114.05,22.54\nC2,乙厂,工业源,${BAD},114.06,22.55\n`);
    const report = await importCensusForm(db.pool, { file: path, crs: 'wgs84', actor: 'tester' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(2);
    expect(report.creditCodesToReview.first.map((c) => `${c.line}:${c.creditCode}:${c.expected}`)).toEqual([`3:${BAD}:${GOOD[17]}`]);
    expect(report.creditCodesToReview.first[0]!.message).toMatch(/^line 3, 统一社会信用代码: .*GB 32100-2015.*credit_code_invalid/);
    const { rows } = await db.pool.query(`SELECT credit_code FROM source WHERE census_id = 'C2'`);
    expect(rows).toEqual([{ credit_code: BAD }]);
  });

  it('imports the valid rows on request and returns the others as a rejected-rows file', async () => {
    const path = file('mixed.csv', header + `C1,甲厂,工业源,${GOOD},114.05,22.54\nC2,乙厂,工业源,${BAD},114.06,22.55\nC3,丙厂,外星源,,114.07,22.56\nC4,丁厂,工业源,,114.08,22.57\n`);
    const report = await importCensusForm(db.pool, { file: path, crs: 'wgs84', actor: 'tester', keepValidRows: true });
    expect(report.rowsStored).toBe(3);
    expect(report.errors.map((e) => `${e.line}:${e.field}`).sort()).toEqual(['4:污染源类型']);
    expect(report.creditCodesToReview.first.map((c) => c.line)).toEqual([3]);
    // The export service's CSV: BOM for Excel, CRLF.
    expect(report.rejectedCsv!.startsWith('\uFEFF')).toBe(true);
    const rejected = report.rejectedCsv!.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rejected[0]).toBe('普查编号,单位名称,污染源类型,统一社会信用代码,经度,纬度,错误原因');
    expect(rejected.slice(1).map((l) => l.split(',')[0])).toEqual(['C3']);
    const stored = (await db.pool.query('SELECT census_id FROM source ORDER BY 1')).rows.map((r) => r.census_id);
    expect(stored).toEqual(['C1', 'C2', 'C4']);
  });
});
