import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { clearTables, featureCollection, fixtureDir, square } from './test-support/fixtures.ts';

const point = (x: number, y: number) => ({ type: 'Point', coordinates: [x, y] });
/** A self-intersecting ring: invalid, and with repairGeometry=false an error. */
const bowtie = { type: 'Polygon', coordinates: [[[114, 22.5], [114.01, 22.51], [114.01, 22.5], [114, 22.51], [114, 22.5]]] };

describe('rows whose key is stored (onExisting) and files with some bad rows (keepValidRows)', () => {
  let db: TestDatabase;
  const files = fixtureDir('on-existing');
  beforeAll(async () => {
    db = await openTestDatabase('import_on_existing');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['division', 'air_station', 'source']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  const divisions = async () =>
    (await db.pool.query(`SELECT code, name, round(ST_XMin(geom)::numeric, 2)::float AS x FROM division ORDER BY code`)).rows;
  const first = () => files.file('first.geojson', featureCollection([
    { properties: { code: '440303', name: '罗湖区' }, geometry: square(114.1, 22.5) },
    { properties: { code: '440304', name: '福田区（旧）' }, geometry: square(114.0, 22.5) },
  ]));
  const corrected = () => files.file('corrected.geojson', featureCollection([
    { properties: { code: '440304', name: '福田区' }, geometry: square(114.02, 22.5) },
    { properties: { code: '440305', name: '南山区' }, geometry: square(113.9, 22.5) },
  ]));

  it('refuses a corrected boundary file by default, naming the stored key and the option that would take it, and stores nothing of it', async () => {
    await importFile(db.pool, { kind: 'division', files: [first()], actor: 'test' });
    const report = await importFile(db.pool, { kind: 'division', files: [corrected()], actor: 'test' });
    expect(report.rowsStored).toBe(0);
    expect(report.batchId).toBeNull();
    expect(report.errors.map((e) => e.message)).toEqual([
      'feature 1, code: code 440304 is already stored; import with onExisting=replace to write over it or onExisting=skip to leave it',
    ]);
    expect(await divisions()).toEqual([
      { code: '440303', name: '罗湖区', x: 114.1 },
      { code: '440304', name: '福田区（旧）', x: 114 },
    ]);
  });

  it('skips the stored rows and stores the new ones with onExisting=skip', async () => {
    await importFile(db.pool, { kind: 'division', files: [first()], actor: 'test' });
    const report = await importFile(db.pool, { kind: 'division', files: [corrected()], actor: 'test', onExisting: 'skip' });
    expect(report).toMatchObject({ rowsStored: 1, rowsSkipped: 1, rowsReplaced: 0, errors: [] });
    expect(await divisions()).toEqual([
      { code: '440303', name: '罗湖区', x: 114.1 },
      { code: '440304', name: '福田区（旧）', x: 114 },
      { code: '440305', name: '南山区', x: 113.9 },
    ]);
  });

  it('writes the corrected rows over the stored ones with onExisting=replace: one import, the new batch on each', async () => {
    await importFile(db.pool, { kind: 'division', files: [first()], actor: 'test' });
    const report = await importFile(db.pool, { kind: 'division', files: [corrected()], actor: 'test', onExisting: 'replace' });
    expect(report).toMatchObject({ rowsStored: 2, rowsReplaced: 1, rowsSkipped: 0, errors: [] });
    expect(await divisions()).toEqual([
      { code: '440303', name: '罗湖区', x: 114.1 },
      { code: '440304', name: '福田区', x: 114.02 },
      { code: '440305', name: '南山区', x: 113.9 },
    ]);
    const { rows } = await db.pool.query(`SELECT code FROM division WHERE import_batch = $1 ORDER BY code`, [report.batchId]);
    expect(rows.map((r) => r.code)).toEqual(['440304', '440305']);
  });

  it('keeps a replaced source\'s internal id, so what refers to it stays attached', async () => {
    const src = (name: string) => files.file(`src-${name}.geojson`, featureCollection([
      { properties: { census_id: 'S1', name, source_type: 'industrial' }, geometry: point(114.05, 22.52) },
    ]));
    await importFile(db.pool, { kind: 'source', files: [src('旧名')], actor: 'test' });
    const before = (await db.pool.query(`SELECT id FROM source WHERE census_id = 'S1'`)).rows[0]!.id;
    const report = await importFile(db.pool, { kind: 'source', files: [src('新名')], actor: 'test', onExisting: 'replace' });
    expect(report).toMatchObject({ rowsStored: 1, rowsReplaced: 1 });
    expect((await db.pool.query(`SELECT id, name FROM source WHERE census_id = 'S1'`)).rows).toEqual([{ id: before, name: '新名' }]);
  });

  it('stores the valid stations of a list with some stations lacking coordinates when keepValidRows is set, and lists the others', async () => {
    const list = files.file('stations.geojson', featureCollection([
      { properties: { code: 'A1', name: '一' }, geometry: point(113.2, 23.1) },
      { properties: { code: 'A2', name: '二' }, geometry: null },
      { properties: { code: 'A3', name: '三' }, geometry: point(113.3, 23.2) },
    ]));
    const strict = await importFile(db.pool, { kind: 'air_station', files: [list], actor: 'test' });
    expect(strict.rowsStored).toBe(0);
    expect(strict.rejected).toBe(1);
    const kept = await importFile(db.pool, { kind: 'air_station', files: [list], actor: 'test', keepValidRows: true });
    expect(kept).toMatchObject({ rowsStored: 2, rejected: 1 });
    expect(kept.errors.map((e) => e.line)).toEqual([2]);
    expect((await db.pool.query(`SELECT code FROM air_station ORDER BY code`)).rows.map((r) => r.code)).toEqual(['A1', 'A3']);
  });

  it('drops a polygon that proves invalid after writing (strict geometry) and keeps the rest, with keepValidRows', async () => {
    const path = files.file('strict.geojson', featureCollection([
      { properties: { code: '440303', name: '罗湖区' }, geometry: square(114.1, 22.5) },
      { properties: { code: '440306', name: '宝安区' }, geometry: bowtie },
    ]));
    const report = await importFile(db.pool, { kind: 'division', files: [path], actor: 'test', repairGeometry: false, keepValidRows: true });
    expect(report.rowsStored).toBe(1);
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[2, 'geom']]);
    expect((await divisions()).map((d) => d.code)).toEqual(['440303']);
  });

  it('keeps the stored row when the row that was to replace it proves invalid, with keepValidRows, and stores the rest', async () => {
    await importFile(db.pool, { kind: 'division', files: [first()], actor: 'test' });
    const path = files.file('bad-replace.geojson', featureCollection([
      { properties: { code: '440304', name: '福田区' }, geometry: bowtie },
      { properties: { code: '440305', name: '南山区' }, geometry: square(113.9, 22.5) },
    ]));
    const report = await importFile(db.pool, { kind: 'division', files: [path], actor: 'test', repairGeometry: false, keepValidRows: true, onExisting: 'replace' });
    // The replacement waited in the import's stage; dropped there, it never touched the stored row.
    expect(report).toMatchObject({ rowsStored: 1, rowsReplaced: 0 });
    expect(report.errors.map((e) => [e.line, e.field])).toEqual([[1, 'geom']]);
    expect(await divisions()).toEqual([
      { code: '440303', name: '罗湖区', x: 114.1 },
      { code: '440304', name: '福田区（旧）', x: 114 },
      { code: '440305', name: '南山区', x: 113.9 },
    ]);
  });
});
