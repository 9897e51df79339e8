import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database.ts';
import { importFile } from './index.ts';
import { clearTables, countRows, fixtureDir, square } from './test-support/fixtures.ts';
import { writeShapefile } from './test-support/write-shapefile.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REAL = process.env.YZT_REAL_GEODATA ?? join(REPO_ROOT, '..', 'shared', 'geodata', 'real');

// The .prj files ArcGIS, QGIS and GDAL write for these codes (gdalsrsinfo -o wkt_esri EPSG:…).
const PRJ = {
  4547: 'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
  4526: 'PROJCS["CGCS2000_3_Degree_GK_Zone_38",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",38500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]',
} as const;
// The forward projection is proj4js's, independent of the PostGIS/PROJ the importer uses.
const FORWARD = {
  4547: proj4('+proj=longlat +ellps=GRS80 +no_defs', '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'),
  4526: proj4('+proj=longlat +ellps=GRS80 +no_defs', '+proj=tmerc +lat_0=0 +lon_0=114 +k=1 +x_0=38500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'),
} as const;

function project(g: Geometry, code: keyof typeof FORWARD): Geometry {
  const p = (pos: Position) => FORWARD[code].forward([pos[0]!, pos[1]!]);
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(p)) };
  if (g.type === 'MultiPolygon') return { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map((r) => r.map(p))) };
  throw new Error(`unexpected ${g.type}`);
}

const readDistricts = (file: string) => JSON.parse(readFileSync(join(REAL, file), 'utf8')) as FeatureCollection;

describe('importing projected files', () => {
  let db: TestDatabase;
  const files = fixtureDir('projected');
  beforeAll(async () => {
    db = await openTestDatabase('import_projected');
  });
  beforeEach(async () => {
    await clearTables(db.pool, ['division']);
  });
  afterAll(async () => {
    await db?.close();
    files.remove();
  });

  /**
   * Largest distance in metres from a stored vertex to the original outline. The quantised
   * originals are invalid and their repair (ST_MakeValid) cuts and drops slivers, which is
   * numerically touchy enough that repairs of the same outline in two coordinate systems can
   * differ by a 100 m sliver; but it never moves a vertex off the outline.
   */
  async function worstDistance(batchId: number | null): Promise<number> {
    const { rows } = await db.pool.query<{ d: number; n: number }>(
      `WITH s AS MATERIALIZED (SELECT code, ST_Transform(geom, 4547) AS g FROM division WHERE import_batch = $1)
       SELECT max(ST_Distance(p.geom, e.outline))::float8 AS d, count(DISTINCT s.code)::int AS n
         FROM s JOIN expected_division e USING (code) CROSS JOIN LATERAL ST_DumpPoints(s.g) p`,
      [batchId],
    );
    return rows[0]!.n > 0 ? rows[0]!.d : Infinity;
  }

  describe.skipIf(!existsSync(REAL))('the real district boundaries', () => {
    // Zhengzhou is left out: read from EPSG:4526, the repair of its district 410103 never ends on
    // the embedded engine (ST_MakeValid, GEOS 3.14 in WASM, ran past 60 s); PostgreSQL repairs it.
    const cases = [
      ['shenzhen-districts.geojson', 4547, 8],
      ['shenzhen-districts.geojson', 4526, 8],
    ] as const;

    beforeAll(async () => {
      await db.pool.query(`CREATE TABLE expected_division (code text PRIMARY KEY, outline geometry)`);
      for (const file of new Set(cases.map((c) => c[0]))) {
        for (const f of readDistricts(file).features) {
          await db.pool.query(`INSERT INTO expected_division VALUES ($1, ST_Transform(ST_Boundary(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 4547))`, [String(f.properties!.code), JSON.stringify(f.geometry)]);
        }
      }
    });

    it.each(cases)('imports %s written as an EPSG:%i shapefile with a GBK table within 0.5 m of the original', async (file, code, count) => {
      const districts = readDistricts(file);
      const written = writeShapefile(files.dir, `${file.split('-')[0]}-${code}`, {
        shapeType: 'polygon',
        encoding: 'gbk',
        prj: PRJ[code],
        fields: [{ name: 'code', type: 'C', length: 9 }, { name: '名称', type: 'C', length: 40 }],
        records: districts.features.map((f) => ({ geometry: project(f.geometry, code) as never, values: { code: String(f.properties!.code), 名称: String(f.properties!.name) } })),
      });
      const report = await importFile(db.pool, { kind: 'division', files: written.files, actor: 'test', repairGeometry: true });
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({ rowsStored: count, encoding: 'gbk', crs: { epsg: code, transformed: true, assumed: false } });
      expect(report.crs.label).toMatch(/\.prj\)$/);
      expect(await worstDistance(report.batchId)).toBeLessThan(0.5);
      const { rows } = await db.pool.query(`SELECT name FROM division WHERE code = $1`, [String(districts.features[0]!.properties!.code)]);
      expect(rows[0].name).toBe(districts.features[0]!.properties!.name);
    });

    it('imports the Shenzhen districts as a GeoJSON in EPSG:4547 that says so in its crs member, as QGIS writes it', async () => {
      const districts = readDistricts('shenzhen-districts.geojson');
      const projected = {
        type: 'FeatureCollection',
        name: 'shenzhen',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } },
        features: districts.features.map((f): Feature => ({ ...f, geometry: project(f.geometry, 4547) })),
      };
      const path = files.file('shenzhen-4547.geojson', JSON.stringify(projected));
      const report = await importFile(db.pool, { kind: 'division', files: [path], actor: 'test', repairGeometry: true });
      expect(report.errors).toEqual([]);
      expect(report).toMatchObject({ rowsStored: 8, crs: { epsg: 4547, transformed: true } });
      expect(report.crs.label).toMatch(/crs member/);
      expect(await worstDistance(report.batchId)).toBeLessThan(0.5);
    });
  });

  it('reads a shapefile without .prj whose coordinates are degrees as WGS-84/CGCS2000 and says so', async () => {
    const written = writeShapefile(files.dir, 'no-prj-degrees', {
      shapeType: 'polygon', encoding: 'utf8', fields: [{ name: 'code', type: 'C', length: 9 }, { name: 'name', type: 'C', length: 20 }],
      records: [{ geometry: square(114.1, 22.5, 0.05) as never, values: { code: '440303', name: 'Luohu' } }],
    });
    const report = await importFile(db.pool, { kind: 'division', files: written.files, actor: 'test' });
    expect(report.errors).toEqual([]);
    expect(report.crs).toMatchObject({ transformed: false, assumed: true });
    expect(report.crs.label).toMatch(/assumed WGS-84\/CGCS2000: no-prj-degrees\.shp.* has no \.prj|assumed WGS-84\/CGCS2000: .*no \.prj/);
  });

  it('refuses a shapefile in metres without .prj, naming the .prj and the srid option, and stores nothing', async () => {
    const square4547 = project(square(114.1, 22.5, 0.05) as Geometry, 4547);
    const written = writeShapefile(files.dir, 'no-prj-metres', {
      shapeType: 'polygon', encoding: 'utf8', fields: [{ name: 'code', type: 'C', length: 9 }, { name: 'name', type: 'C', length: 20 }],
      records: [{ geometry: square4547 as never, values: { code: '440303', name: 'Luohu' } }],
    });
    await expect(importFile(db.pool, { kind: 'division', files: written.files, actor: 'test' })).rejects.toThrow(
      /no-prj-metres\.shp, no-prj-metres\.dbf has no \.prj and its coordinates \(x 510\d+\.\.515\d+, y 24\d+\.\.24\d+\) are not longitude\/latitude degrees; send its \.prj with it, or give the coordinate system as srid/,
    );
    expect(await countRows(db.pool, 'division')).toBe(0);
    expect(await countRows(db.pool, 'import_batch')).toBe(0);

    const report = await importFile(db.pool, { kind: 'division', files: written.files, actor: 'test', srid: 4547 });
    expect(report.errors).toEqual([]);
    expect(report.crs).toMatchObject({ epsg: 4547, transformed: true });
    const { rows } = await db.pool.query(`SELECT round(ST_XMin(geom)::numeric, 6)::float8 AS x, round(ST_YMin(geom)::numeric, 6)::float8 AS y FROM division`);
    expect(rows).toEqual([{ x: 114.1, y: 22.5 }]);
  });

  it('refuses a Xian 80 shapefile unless the 7-parameter transformation is given, then shifts by it', async () => {
    const xian = 'PROJCS["Xian_1980_3_Degree_GK_CM_114E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const written = writeShapefile(files.dir, 'xian80', {
      shapeType: 'polygon', encoding: 'utf8', prj: xian, fields: [{ name: 'code', type: 'C', length: 9 }, { name: 'name', type: 'C', length: 20 }],
      records: [{ geometry: project(square(114.1, 22.5, 0.05) as Geometry, 4547) as never, values: { code: '440303', name: 'Luohu' } }],
    });
    await expect(importFile(db.pool, { kind: 'division', files: written.files, actor: 'test' })).rejects.toThrow(/xian80\.prj is on the Xian 80 datum.*towgs84=dx,dy,dz,rx,ry,rz,ds/);
    // A made-up pure translation of 100 m north (dy in a geocentric frame is not north, so only the size is checked).
    const report = await importFile(db.pool, { kind: 'division', files: written.files, actor: 'test', towgs84: '0,0,100,0,0,0,0' });
    expect(report.errors).toEqual([]);
    expect(report.crs.label).toMatch(/7-parameter/);
    const { rows } = await db.pool.query(`SELECT ST_Y(ST_Centroid(geom)) AS y FROM division`);
    expect(Math.abs(rows[0].y - 22.525)).toBeGreaterThan(1e-4);
  });
});
