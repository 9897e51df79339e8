import type { LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * A minimal shapefile writer for test fixtures: points, polylines or polygons, a DBF of text
 * and number fields in a chosen encoding, optionally a .prj and a .cpg. Enough to exercise the
 * importer the way real census exports do (GBK attribute tables without a .cpg).
 */
export interface DbfFieldSpec {
  readonly name: string;
  readonly type: 'C' | 'N';
  readonly length: number;
  readonly decimals?: number;
}

export interface ShapefileFixture {
  readonly shapeType: 'point' | 'polyline' | 'polygon';
  readonly fields: readonly DbfFieldSpec[];
  readonly records: readonly {
    readonly geometry: Point | LineString | Polygon | MultiPolygon;
    readonly values: Readonly<Record<string, string | number | null>>;
  }[];
  /** Encoding of the DBF's text (and field names). */
  readonly encoding: 'utf8' | 'gbk';
  /** Write a .cpg naming the encoding. */
  readonly cpg?: boolean;
  /** Contents of the .prj; omitted: no .prj. */
  readonly prj?: string;
}

export interface WrittenShapefile {
  readonly shp: string;
  readonly dbf: string;
  /** Every file written, for passing as a loose set. */
  readonly files: readonly string[];
}

export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
export const CGCS2000_GK_PRJ =
  'PROJCS["CGCS2000_3_Degree_GK_CM_114E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';

const SHAPE_TYPE = { point: 1, polyline: 3, polygon: 5 } as const;

export function writeShapefile(dir: string, stem: string, fixture: ShapefileFixture): WrittenShapefile {
  const shp = join(dir, `${stem}.shp`);
  const dbf = join(dir, `${stem}.dbf`);
  writeFileSync(shp, shpBytes(fixture));
  writeFileSync(dbf, dbfBytes(fixture));
  const files = [shp, dbf];
  if (fixture.prj !== undefined) {
    files.push(join(dir, `${stem}.prj`));
    writeFileSync(files.at(-1)!, fixture.prj);
  }
  if (fixture.cpg) {
    files.push(join(dir, `${stem}.cpg`));
    writeFileSync(files.at(-1)!, fixture.encoding === 'utf8' ? 'UTF-8' : 'GBK');
  }
  return { shp, dbf, files };
}

/** Zips the files flat, as GIS tools export them. */
export async function zipFiles(files: readonly string[], zipPath: string): Promise<string> {
  const zip = new JSZip();
  for (const f of files) zip.file(basename(f), readFileSync(f));
  writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer' }));
  return zipPath;
}

function shpBytes(fixture: ShapefileFixture): Buffer {
  const contents = fixture.records.map((r) => shapeContent(fixture.shapeType, r.geometry));
  const all = fixture.records.flatMap((r) => positionsOf(r.geometry));
  const length = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const header = Buffer.alloc(100);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE(length / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(SHAPE_TYPE[fixture.shapeType], 32);
  writeBox(header, 36, all);
  const parts: Buffer[] = [header];
  contents.forEach((content, i) => {
    const recordHeader = Buffer.alloc(8);
    recordHeader.writeInt32BE(i + 1, 0);
    recordHeader.writeInt32BE(content.length / 2, 4);
    parts.push(recordHeader, content);
  });
  return Buffer.concat(parts);
}

type FixtureGeometry = Point | LineString | Polygon | MultiPolygon;

function shapeContent(type: ShapefileFixture['shapeType'], geometry: FixtureGeometry): Buffer {
  if (type === 'point') {
    const [x, y] = (geometry as Point).coordinates;
    const b = Buffer.alloc(20);
    b.writeInt32LE(1, 0);
    b.writeDoubleLE(x!, 4);
    b.writeDoubleLE(y!, 12);
    return b;
  }
  // Shapefile polygons: outer rings clockwise, holes counter-clockwise (the reverse of GeoJSON);
  // a multipolygon is all its polygons' rings in one record.
  const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : [(geometry as Polygon).coordinates];
  const rings: Position[][] =
    type === 'polyline'
      ? [(geometry as LineString).coordinates]
      : polygons.flatMap((polygon) => polygon.map((ring, i) => (isClockwise(ring) === (i === 0) ? ring : [...ring].reverse())));
  const points = rings.flat();
  const b = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
  b.writeInt32LE(SHAPE_TYPE[type], 0);
  writeBox(b, 4, points);
  b.writeInt32LE(rings.length, 36);
  b.writeInt32LE(points.length, 40);
  let start = 0;
  rings.forEach((ring, i) => {
    b.writeInt32LE(start, 44 + 4 * i);
    start += ring.length;
  });
  points.forEach(([x, y], i) => {
    const at = 44 + 4 * rings.length + 16 * i;
    b.writeDoubleLE(x!, at);
    b.writeDoubleLE(y!, at + 8);
  });
  return b;
}

function positionsOf(g: FixtureGeometry): Position[] {
  if (g.type === 'Point') return [g.coordinates];
  if (g.type === 'LineString') return g.coordinates;
  if (g.type === 'MultiPolygon') return g.coordinates.flat(2);
  return g.coordinates.flat();
}

function writeBox(b: Buffer, at: number, points: readonly Position[]): void {
  const xs = points.map((p) => p[0]!), ys = points.map((p) => p[1]!);
  [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].forEach((v, i) => b.writeDoubleLE(v, at + 8 * i));
}

function isClockwise(ring: readonly Position[]): boolean {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) sum += (ring[i + 1]![0]! - ring[i]![0]!) * (ring[i + 1]![1]! + ring[i]![1]!);
  return sum > 0;
}

function dbfBytes(fixture: ShapefileFixture): Buffer {
  const { fields, records, encoding } = fixture;
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(0x03, 0);
  header.writeUInt8(124, 1);
  header.writeUInt8(1, 2);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(records.length, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    const name = iconv.encode(f.name, encoding);
    if (name.length > 10) throw new Error(`DBF field name ${f.name} is ${name.length} bytes in ${encoding}; at most 10 fit`);
    name.copy(header, at);
    header.write(f.type, at + 11, 'latin1');
    header.writeUInt8(f.length, at + 16);
    header.writeUInt8(f.decimals ?? 0, at + 17);
  });
  header.writeUInt8(0x0d, headerLength - 1);
  const body = Buffer.alloc(records.length * recordLength + 1, 0x20);
  records.forEach((r, i) => {
    let at = i * recordLength + 1;
    for (const f of fields) {
      const value = r.values[f.name];
      if (value !== null && value !== undefined) {
        const bytes = f.type === 'N'
          ? Buffer.from(String(value).padStart(f.length, ' '), 'latin1')
          : iconv.encode(String(value), encoding);
        bytes.copy(body, at, 0, Math.min(bytes.length, f.length));
      }
      at += f.length;
    }
  });
  body.writeUInt8(0x1a, body.length - 1);
  return Buffer.concat([header, body]);
}
