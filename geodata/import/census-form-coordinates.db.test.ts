import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { countRows, fixtureDir, seedNanshanZone } from './test-support/fixtures.ts';
import { importCensusForm } from './census-form.ts';
import { ItemsQuery, listFindings, runReview } from '../review/index.ts';

/**
 * Issue 14, item 6, through the census-form import (POST /api/import/census_form): swapped,
 * out-of-range, zero, empty, unreadable and DMS-slipped coordinates are stored with the
 * entered text (no geometry where none can be), reach the review list with their check and
 * fix, and only a row that cannot be a source (no census id) is refused. The plain source
 * import is covered by geodata/import/import-census-coordinates.db.test.ts.
 * Zone ZA is 113.90-113.95 E, 22.50-22.55 N in county 440305 (Nanshan).
 */

const HEADER = '普查编号,单位名称,污染源类型,普查小区代码,行政区划代码,经度,纬度';
const ROWS: Record<string, [string, string]> = {
  ok: ['113.921234', '22.521234'],
  swapped: ['22.531234', '113.931234'],
  range: ['1139.31234', '22.531234'],
  latrange: ['113.931234', '95.5'],
  zero: ['0', '0'],
  empty: ['', ''],
  unreadable: [`113°65'12"`, '22.521234'],
  // 113°55'12.34" and 22°31'12.34" typed as decimals.
  dms: ['113.551234', '22.311234'],
  // Entered as DMS text with the axes the wrong way round.
  dmsswapped: [`22°31'30"`, `113°55'30"`],
};
const cell = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (prefix: string, rows: Record<string, [string, string]>) =>
  [HEADER, ...Object.entries(rows).map(([id, [x, y]]) => `${prefix}-${id},企业${id},工业源,ZA,440305,${cell(x)},${cell(y)}`)].join('\n') + '\n';

describe('a census form with wrong coordinates stores them for the review', () => {
  let db: TestDatabase;
  const files = fixtureDir('census-form-coords');
  beforeAll(async () => {
    db = await openTestDatabase('census_form_coords');
    await seedNanshanZone(db.pool);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('stores every row, keeping the entered text, with no geometry where none can be read', async () => {
    const report = await importCensusForm(db.pool, { file: files.file('form.csv', csv('W', ROWS)), crs: 'wgs84', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: 9, rowsStored: 9 });
    const { rows } = await db.pool.query<{ census_id: string; entered_x: string | null; entered_y: string | null; x: number | null; y: number | null }>(
      `SELECT census_id, entered_x, entered_y, ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE census_id LIKE 'W-%'`);
    const stored = Object.fromEntries(rows.map((r) => [r.census_id.slice(2), r]));
    for (const [id, [x, y]] of Object.entries(ROWS)) expect([stored[id]!.entered_x, stored[id]!.entered_y], id).toEqual([x || null, y || null]);
    expect([stored.swapped!.x, stored.swapped!.y]).toEqual([22.531234, 113.931234]);
    expect([stored.range!.x, stored.range!.y]).toEqual([1139.31234, 22.531234]);
    expect([stored.zero!.x, stored.zero!.y]).toEqual([0, 0]);
    for (const id of ['empty', 'unreadable']) expect(stored[id]!.x, id).toBeNull();
  });

  it('in a declared GCJ-02 form, a wrong coordinate is stored as entered rather than converted or refused', async () => {
    const rows = { swapped: ROWS.swapped!, range: ROWS.range!, zero: ROWS.zero!, empty: ROWS.empty! };
    const report = await importCensusForm(db.pool, { file: files.file('gcj.csv', csv('J', rows)), crs: 'gcj02', actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(4);
    const { rows: stored } = await db.pool.query<{ census_id: string; entered_crs: string; x: number | null; y: number | null }>(
      `SELECT census_id, entered_crs, ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE census_id LIKE 'J-%' ORDER BY census_id`);
    expect(stored).toEqual([
      { census_id: 'J-empty', entered_crs: 'gcj02', x: null, y: null },
      { census_id: 'J-range', entered_crs: 'gcj02', x: 1139.31234, y: 22.531234 },
      { census_id: 'J-swapped', entered_crs: 'gcj02', x: 22.531234, y: 113.931234 },
      { census_id: 'J-zero', entered_crs: 'gcj02', x: 0, y: 0 },
    ]);
  });

  it('an .xlsx census table with number cells keeps its wrong coordinates too', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('污染源');
    sheet.addRow(HEADER.split(','));
    sheet.addRow(['E-swapped', '企业swapped', '工业源', 'ZA', '440305', 22.531234, 113.931234]);
    sheet.addRow(['E-range', '企业range', '工业源', 'ZA', '440305', 1139.31234, 22.531234]);
    sheet.addRow(['E-zero', '企业zero', '工业源', 'ZA', '440305', 0, 0]);
    sheet.addRow(['E-empty', '企业empty', '工业源', 'ZA', '440305', null, null]);
    const path = `${files.dir}/census.xlsx`;
    await workbook.xlsx.writeFile(path);
    const report = await importFile(db.pool, { kind: 'source', files: [path], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsStored: 4, rejected: 0, coordinatesToReview: 4 });
    const { rows } = await db.pool.query<{ census_id: string; entered_x: string | null; x: number | null }>(
      `SELECT census_id, entered_x, ST_X(geom) AS x FROM source WHERE census_id LIKE 'E-%' ORDER BY census_id`);
    expect(rows).toEqual([
      { census_id: 'E-empty', entered_x: null, x: null },
      { census_id: 'E-range', entered_x: '1139.31234', x: 1139.31234 },
      { census_id: 'E-swapped', entered_x: '22.531234', x: 22.531234 },
      { census_id: 'E-zero', entered_x: '0', x: 0 },
    ]);
  });

  it('the review lists each under its check, with the fix where the mistake has one', async () => {
    await runReview(db.pool, 'test');
    const page = await listFindings(db.pool, ItemsQuery.parse({ limit: 200 }));
    const coordinate = (id: string) => {
      const found = page.items.filter((i) => i.censusId === id && (i.checkCode.startsWith('coord_') || ['swapped_lat_lon', 'dms_slip'].includes(i.checkCode)));
      expect(found, `${id}: ${JSON.stringify(page.items.filter((i) => i.censusId === id).map((i) => i.checkCode))}`).toHaveLength(1);
      const f = found[0]!;
      return { check: f.checkCode, fix: f.suggestedLon === null ? null : [Number(f.suggestedLon.toFixed(6)), Number(f.suggestedLat!.toFixed(6))], details: f.details };
    };
    expect(page.items.some((i) => i.censusId === 'W-ok')).toBe(false);
    expect(coordinate('W-swapped')).toMatchObject({ check: 'swapped_lat_lon', fix: [113.931234, 22.531234] });
    expect(coordinate('W-dmsswapped')).toMatchObject({ check: 'swapped_lat_lon', fix: [113.925, 22.525] });
    expect(coordinate('W-range')).toMatchObject({ check: 'coord_out_of_range', fix: null });
    expect(coordinate('W-latrange')).toMatchObject({ check: 'coord_out_of_range', fix: null });
    expect(coordinate('W-zero')).toMatchObject({ check: 'coord_zero', fix: null });
    expect(coordinate('W-empty')).toMatchObject({ check: 'coord_empty', fix: null });
    expect(coordinate('W-unreadable')).toMatchObject({ check: 'coord_empty', details: { x: `113°65'12"`, y: '22.521234' } });
    const dms = coordinate('W-dms');
    expect(dms.check).toBe('dms_slip');
    expect(dms.fix![0]).toBeCloseTo(113 + 55 / 60 + 12.34 / 3600, 6);
    expect(dms.fix![1]).toBeCloseTo(22 + 31 / 60 + 12.34 / 3600, 6);
    for (const id of ['J-swapped', 'J-range', 'J-zero', 'J-empty', 'E-swapped', 'E-range', 'E-zero', 'E-empty']) {
      expect(coordinate(id).check, id).toBe(coordinate(`W-${id.slice(2)}`).check);
    }
    expect(coordinate('E-swapped').fix).toEqual([113.931234, 22.531234]);
  });

  it('only a row with no census id is refused, named by line and field; nothing of the file is stored', async () => {
    const before = await countRows(db.pool, 'source');
    const path = files.file('no-id.csv', `${HEADER}\nN-next,企业next,工业源,ZA,440305,22.5,113.9\n,无编号企业,工业源,ZA,440305,113.92,22.52\n`);
    const report = await importCensusForm(db.pool, { file: path, crs: 'wgs84', actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.errors).toEqual([expect.objectContaining({ line: 3, field: '普查编号', reason: 'is required but empty' })]);
    expect(await countRows(db.pool, 'source')).toBe(before);
    // With keepValidRows the swapped row is stored and only the id-less one comes back.
    const kept = await importCensusForm(db.pool, { file: path, crs: 'wgs84', actor: 'test', keepValidRows: true });
    expect(kept.rowsStored).toBe(1);
    expect(kept.rejectedCsv!.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1)).toEqual([expect.stringMatching(/^,无编号企业,.*普查编号: is required but empty/)]);
  });
});
