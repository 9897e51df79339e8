import type { FeatureCollection, LineString } from 'geojson';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { ImportFileError, importFile } from './index.ts';
import { fixtureDir } from './test-support/fixtures.ts';
import { writeShapefile } from './test-support/write-shapefile.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL = process.env.YZT_REAL_GEODATA ?? join(REPO_ROOT, '..', 'shared', 'geodata', 'real');
const real = (name: string) => join(REAL, name);

/**
 * Every real file in the shared folder, imported the way an operator would:
 * - districts: properties name/code/city; level and parent come from the 6-digit code. Their
 *   publisher quantised the outlines to 1/1024°, which leaves self-intersections, so they are
 *   imported with repairGeometry and the repairs are listed.
 * - rivers: the arcs' HYD2_4M_ (the coverage's own arc number, unique) is the reach id;
 *   FNODE_/TNODE_ feed from_node/to_node by alias, NAME the name. LEVEL_RIVE is a river class
 *   (1 = main stem, 0 = unnamed arcs), not a Strahler order, and GBCODE a feature class, not a
 *   basin: both are left out.
 * - sub-basins: 关键字 (802..813) is the code and 名称 the name; they are level-2 basins.
 * - air stations: code, name, city as they are.
 * - power plants: no identifier in the data (one name occurs twice), so census_id is
 *   "gppd-gd-" + feature number; all are industrial, industry 4411 (火力发电) as given.
 */
describe.skipIf(!existsSync(REAL))('importing the real geodata', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase('import_real');
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each([
    ['shenzhen-districts.geojson', 8, '440300', ['440303', '440304', '440305', '440306', '440307', '440308', '440309', '440310']],
    ['zhengzhou-districts.geojson', 12, '410100', null],
  ] as const)('imports %s as divisions, repairing the quantised outlines', async (file, count, parent, codes) => {
    const report = await importFile(db.pool, { kind: 'division', files: [real(file)], actor: 'test', repairGeometry: true });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ rowsRead: count, rowsStored: count, ignoredFields: ['city'] });
    expect(report.repaired.length).toBeGreaterThan(0);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, bool_and(ST_IsValid(geom)) AS valid, bool_and(level = 'county') AS counties,
              bool_and(parent_code = $1) AS parent, array_agg(code ORDER BY code) AS codes
         FROM division WHERE import_batch = $2`,
      [parent, report.batchId],
    );
    expect(rows[0]).toMatchObject({ n: count, valid: true, counties: true, parent: true });
    if (codes) expect(rows[0].codes).toEqual(codes);
  });

  it('imports the Pearl River arcs as river reaches with their node ids', async () => {
    const report = await importFile(db.pool, { kind: 'river_reach', files: [real('pearl-rivers-gd.geojson')], actor: 'test', mapping: { HYD2_4M_: 'id' } });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(160);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT from_node)::int AS from_nodes, count(*) FILTER (WHERE name = '浔江')::int AS xunjiang,
              count(*) FILTER (WHERE from_node = to_node)::int AS loops, bool_and(ST_GeometryType(geom) = 'ST_LineString') AS lines
         FROM river_reach`,
    );
    expect(rows[0].n).toBe(160);
    expect(rows[0].lines).toBe(true);
    expect(rows[0].xunjiang).toBeGreaterThan(0);
    expect(rows[0].loops).toBeGreaterThan(0); // the README's arc that starts and ends on one node
    const first = await db.pool.query(`SELECT name, from_node, to_node FROM river_reach WHERE id = 400`);
    expect(first.rows).toEqual([{ name: '浔江', from_node: '515', to_node: '515' }]);
  });

  it('imports the Pearl River sub-basins with their Chinese keys', async () => {
    const report = await importFile(db.pool, {
      kind: 'basin', files: [real('pearl-subbasins.geojson')], actor: 'test',
      mapping: { 关键字: 'code', 名称: 'name' }, defaults: { level: 2 }, repairGeometry: true,
    });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(12);
    const { rows } = await db.pool.query(`SELECT code, name, level FROM basin ORDER BY code LIMIT 2`);
    expect(rows).toEqual([
      { code: '802', name: '西江上游区（南盘江区）', level: 2 },
      { code: '803', name: '西江上游区（北盘江区）', level: 2 },
    ]);
    expect((await db.pool.query(`SELECT bool_and(ST_IsValid(geom)) AS v FROM basin`)).rows[0].v).toBe(true);
  });

  it('imports the Guangdong air stations', async () => {
    const report = await importFile(db.pool, { kind: 'air_station', files: [real('air-stations-gd.geojson')], actor: 'test' });
    expect(report.rowsStored).toBe(143);
    const { rows } = await db.pool.query(`SELECT name, city, ST_X(geom) AS x, ST_Y(geom) AS y FROM air_station WHERE code = '1345A'`);
    expect(rows).toEqual([{ name: '广雅中学', city: '广州', x: 113.2347, y: 23.1423 }]);
  });

  it('imports the power plants as industrial point sources with generated census ids', async () => {
    const report = await importFile(db.pool, {
      kind: 'source', files: [real('power-plants-gd.geojson')], actor: 'test',
      defaults: { source_type: 'industrial', industry_code: '4411' },
      rowNumberAs: { column: 'census_id', prefix: 'gppd-gd-' },
    });
    expect(report.errors).toEqual([]);
    expect(report.rowsStored).toBe(178);
    const { rows } = await db.pool.query(
      `SELECT census_id, name, source_type, industry_code, entered_x, entered_y, ST_AsText(geom) AS g FROM source WHERE census_id = 'gppd-gd-1'`,
    );
    expect(rows).toEqual([{ census_id: 'gppd-gd-1', name: 'Banmei', source_type: 'industrial', industry_code: '4411', entered_x: '116.55', entered_y: '23.02', g: 'POINT(116.55 23.02)' }]);
  });

  // Issue 14: the 1:4M river lines as agencies pass them on — a GBK table with no id column and
  // no .prj — import without a mapping: ids are numbered after the stored reaches, the
  // coordinates are read as degrees and the report says it assumed so.
  it('imports the Pearl River arcs written as a GBK shapefile with no id column and no .prj, without a mapping', async () => {
    const rivers = JSON.parse(readFileSync(real('pearl-rivers-gd.geojson'), 'utf8')) as FeatureCollection<LineString>;
    const files = fixtureDir('real-rivers-gbk');
    try {
      const written = writeShapefile(files.dir, 'hyd2_4l', {
        shapeType: 'polyline',
        encoding: 'gbk',
        fields: [
          { name: 'FNODE_', type: 'N', length: 11 },
          { name: 'TNODE_', type: 'N', length: 11 },
          { name: 'NAME', type: 'C', length: 40 },
          { name: 'LEVEL_RIVE', type: 'N', length: 4 },
        ],
        records: rivers.features.map((f) => ({
          geometry: f.geometry,
          values: { FNODE_: Number(f.properties!.FNODE_), TNODE_: Number(f.properties!.TNODE_), NAME: (f.properties!.NAME as string | null) ?? '', LEVEL_RIVE: Number(f.properties!.LEVEL_RIVE) },
        })),
      });
      const before = Number((await db.pool.query(`SELECT coalesce(max(id), 0) AS n FROM river_reach`)).rows[0].n);
      const report = await importFile(db.pool, { kind: 'river_reach', files: written.files, actor: 'test' });
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({ format: 'shapefile', encoding: 'gbk', rowsStored: rivers.features.length, crs: { assumed: true, transformed: false } });
      expect(report.crs!.label).toMatch(/\.prj/);
      expect(report.idsAssigned).toEqual({ column: 'id', count: rivers.features.length, from: before + 1, to: before + rivers.features.length });
      const { rows } = await db.pool.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE name = '浔江')::int AS xunjiang, count(*) FILTER (WHERE from_node = to_node)::int AS loops
           FROM river_reach WHERE import_batch = $1`,
        [report.batchId],
      );
      const expected = rivers.features.filter((f) => f.properties!.NAME === '浔江').length;
      expect(rows[0]).toEqual({ n: rivers.features.length, xunjiang: expected, loops: rivers.features.filter((f) => f.properties!.FNODE_ === f.properties!.TNODE_).length });
      expect(expected).toBeGreaterThan(0);
    } finally {
      files.remove();
    }
  });

  it('refuses the townships CSV as divisions: it has no geometry and divisions need one', async () => {
    await expect(importFile(db.pool, { kind: 'division', files: [real('townships-guangdong-henan.csv')], actor: 'test' })).rejects.toThrow(ImportFileError);
  });
});
