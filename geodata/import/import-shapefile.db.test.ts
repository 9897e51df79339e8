import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { ImportFileError, importFile } from './index.ts';
import { clearTables, countRows, fixtureDir, square } from './test-support/fixtures.ts';
import { CGCS2000_GK_PRJ, WGS84_PRJ, writeShapefile, zipFiles, type ShapefileFixture } from './test-support/write-shapefile.ts';

const SOURCES: Omit<ShapefileFixture, 'encoding'> = {
  shapeType: 'point',
  fields: [
    { name: '普查编号', type: 'C', length: 20 },
    { name: '单位名称', type: 'C', length: 60 },
    { name: '类型', type: 'C', length: 20 },
    { name: 'COD', type: 'N', length: 12, decimals: 2 },
  ],
  records: [
    { geometry: { type: 'Point', coordinates: [114.0579, 22.5431] }, values: { 普查编号: 'S1', 单位名称: '深圳市某电镀厂', 类型: '工业源', COD: 12.5 } },
    { geometry: { type: 'Point', coordinates: [113.2644, 23.1291] }, values: { 普查编号: 'S2', 单位名称: '广州市某印染厂', 类型: '工业源', COD: null } },
    { geometry: { type: 'Point', coordinates: [113.75, 23.02] }, values: { 普查编号: 'S3', 单位名称: '东莞市某养殖场', 类型: '农业源', COD: 3 } },
  ],
};

const DIVISIONS: ShapefileFixture = {
  shapeType: 'polygon',
  encoding: 'utf8',
  cpg: true,
  prj: WGS84_PRJ,
  // A UTF-8 field name gets 10 bytes: three Chinese characters at most.
  fields: [
    { name: 'code', type: 'C', length: 9 },
    { name: '名称', type: 'C', length: 30 },
  ],
  records: [
    { geometry: square(114.1, 22.5, 0.05) as never, values: { code: '440303', 名称: '罗湖区' } },
    {
      geometry: { type: 'Polygon', coordinates: [square(114.0, 22.5, 0.1).coordinates[0]!, [[114.02, 22.52], [114.02, 22.54], [114.04, 22.54], [114.04, 22.52], [114.02, 22.52]]] },
      values: { code: '440304', 名称: '福田区' },
    },
  ],
};

describe('shapefile import', () => {
  let db: TestDatabase;
  const files = fixtureDir('shp');
  beforeAll(async () => {
    db = await openTestDatabase('import_shapefile');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['source', 'division']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  it('imports polygons from a zipped shapefile with .prj and .cpg, holes included', async () => {
    const written = writeShapefile(files.dir, 'districts', DIVISIONS);
    const zip = await zipFiles(written.files, `${files.dir}/districts.zip`);
    const report = await importFile(db.pool, { kind: 'division', files: [zip], actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ format: 'shapefile', rowsStored: 2, encoding: 'utf8' });
    const { rows } = await db.pool.query(
      `SELECT code, name, level, ST_NumInteriorRings(ST_GeometryN(geom, 1)) AS holes, round(ST_Area(geom)::numeric, 4)::float8 AS area
         FROM division ORDER BY code`,
    );
    expect(rows).toEqual([
      { code: '440303', name: '罗湖区', level: 'county', holes: 0, area: 0.0025 },
      { code: '440304', name: '福田区', level: 'county', holes: 1, area: 0.0096 },
    ]);
  });

  it('imports points from a loose .shp/.dbf set whose GBK table has no .cpg, detecting the encoding', async () => {
    const written = writeShapefile(files.dir, 'sources-gbk', { ...SOURCES, encoding: 'gbk' });
    const report = await importFile(db.pool, {
      kind: 'source', files: written.files, actor: 'test', mapping: { 类型: 'source_type' },
    });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsStored: 3, encoding: 'gbk' });
    const { rows } = await db.pool.query(`SELECT census_id, name, source_type, cod, ST_X(geom) AS x, entered_x FROM source ORDER BY census_id`);
    expect(rows).toEqual([
      { census_id: 'S1', name: '深圳市某电镀厂', source_type: 'industrial', cod: 12.5, x: 114.0579, entered_x: '114.0579' },
      { census_id: 'S2', name: '广州市某印染厂', source_type: 'industrial', cod: null, x: 113.2644, entered_x: '113.2644' },
      { census_id: 'S3', name: '东莞市某养殖场', source_type: 'agricultural', cod: 3, x: 113.75, entered_x: '113.75' },
    ]);
  });

  it('reads the GBK table with the encoding given', async () => {
    const written = writeShapefile(files.dir, 'sources-gbk-given', { ...SOURCES, encoding: 'gbk' });
    const report = await importFile(db.pool, { kind: 'source', files: written.files, encoding: 'gbk', actor: 'test', mapping: { 类型: 'source_type' } });
    expect(report).toMatchObject({ rowsStored: 3, rejected: 0 });
    expect((await db.pool.query(`SELECT name FROM source WHERE census_id = 'S3'`)).rows[0].name).toBe('东莞市某养殖场');
  });

  it('fails a wrong explicit encoding clearly, naming field and record, and stores nothing', async () => {
    // Field names are ASCII here so the attribute values themselves carry the evidence.
    const ascii: ShapefileFixture = {
      ...SOURCES,
      encoding: 'gbk',
      fields: [{ name: 'census_id', type: 'C', length: 20 }, { name: 'name', type: 'C', length: 60 }, { name: 'type', type: 'C', length: 20 }],
      records: SOURCES.records.map((r) => ({ geometry: r.geometry, values: { census_id: r.values['普查编号']!, name: r.values['单位名称']!, type: r.values['类型']! } })),
    };
    const gbk = writeShapefile(files.dir, 'ascii-gbk', ascii);
    const asUtf8 = await importFile(db.pool, { kind: 'source', files: gbk.files, encoding: 'utf8', actor: 'test', mapping: { type: 'source_type' } });
    expect(asUtf8.rowsStored).toBe(0);
    expect(asUtf8.errors[0]).toMatchObject({ line: 1, at: 'record 1', field: 'name' });
    expect(asUtf8.errors[0]!.reason).toMatch(/not valid UTF-8/);

    const utf8 = writeShapefile(files.dir, 'ascii-utf8', { ...ascii, encoding: 'utf8' });
    const asGbk = await importFile(db.pool, { kind: 'source', files: utf8.files, encoding: 'gbk', actor: 'test', mapping: { type: 'source_type' } });
    expect(asGbk.rowsStored).toBe(0);
    expect(asGbk.errors[0]).toMatchObject({ at: 'record 1', field: 'name' });
    expect(asGbk.errors[0]!.reason).toMatch(/not valid GBK.*UTF-8|UTF-8, not GBK/);
    expect(await countRows(db.pool, 'source')).toBe(0);
    expect(await countRows(db.pool, 'import_batch')).toBe(0);
  });

  it('refuses a shapefile whose .prj is in a projection it does not read, naming it', async () => {
    const lambert = CGCS2000_GK_PRJ.replace('"Gauss_Kruger"', '"Lambert_Conformal_Conic"').replace('PARAMETER["Scale_Factor",1.0]', 'PARAMETER["Standard_Parallel_1",25.0],PARAMETER["Standard_Parallel_2",47.0]');
    const written = writeShapefile(files.dir, 'projected', { ...DIVISIONS, prj: lambert });
    await expect(importFile(db.pool, { kind: 'division', files: written.files, actor: 'test' })).rejects.toThrow(
      /projected\.prj uses the Lambert_Conformal_Conic projection .* reproject the file, or give srid/,
    );
    expect(await countRows(db.pool, 'import_batch')).toBe(0);
  });

  it('refuses a .shp without its .dbf', async () => {
    const written = writeShapefile(files.dir, 'lonely', DIVISIONS);
    const { renameSync } = await import('node:fs');
    renameSync(written.dbf, `${written.dbf}.away`);
    await expect(importFile(db.pool, { kind: 'division', files: [written.shp], actor: 'test' })).rejects.toThrow(ImportFileError);
  });

  it('rejects polygons given for a point layer, naming the record', async () => {
    const written = writeShapefile(files.dir, 'wrong-kind', DIVISIONS);
    const report = await importFile(db.pool, {
      kind: 'source', files: written.files, actor: 'test', mapping: { code: 'census_id' }, defaults: { source_type: 'other' },
    });
    expect(report.rowsStored).toBe(0);
    expect(report.errors[0]).toMatchObject({ line: 1, at: 'record 1', field: 'geom' });
    expect(report.errors[0]!.reason).toMatch(/is a Polygon; layer needs a Point/);
  });
});
