import type { Geometry } from 'geojson';
import JSZip from 'jszip';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import shapefile, { type Source } from 'shapefile';
import { assertLooksLike } from './detect-format.ts';
import { chooseEncoding } from './decode-text.ts';
import { readDbf, type DbfRecord } from './read-dbf.ts';
import { ImportFileError, type OpenedReader, type ReadCounter, type SourceRecord } from './types.ts';

/** The parts of one shapefile on disk. */
export interface ShapefileSet {
  readonly shp: string;
  readonly dbf: string;
  readonly prj?: string | undefined;
  readonly cpg?: string | undefined;
}

/**
 * Opens a shapefile given as a .zip or as its parts. Geometry comes from the shapefile
 * package, attributes from our own DBF reader (see read-dbf.ts); record numbers count from 1.
 */
export async function openShapefile(files: readonly string[], encoding: string | undefined, counter: ReadCounter): Promise<OpenedReader> {
  const zip = files.find((f) => extname(f).toLowerCase() === '.zip');
  let unpacked: string | undefined;
  let set: ShapefileSet;
  if (zip) {
    if (files.length > 1) throw new ImportFileError('give either one .zip or the parts of a shapefile, not both');
    assertLooksLike(zip, 'zip');
    unpacked = await mkdtemp(join(tmpdir(), 'yzt-shp-'));
    try {
      set = await unpackZip(zip, unpacked);
    } catch (err) {
      await rm(unpacked, { recursive: true, force: true });
      throw err;
    }
  } else {
    set = findParts(files);
  }
  try {
    assertLooksLike(set.shp, 'shp');
    assertLooksLike(set.dbf, 'dbf');
    if (set.prj) checkPrj(set.prj);
    const headerLength = readFileSync(set.dbf).readUInt16LE(8);
    const chosen = await chooseEncoding(set.dbf, encoding, set.cpg, headerLength);
    const shapes = await shapefile.openShp(set.shp);
    return {
      unit: 'record',
      encoding: chosen.encoding,
      records: records(shapes, readDbf(set.dbf, chosen), set, counter),
      async close() {
        if (unpacked) await rm(unpacked, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
    throw err;
  }
}

async function* records(
  shapes: Source<unknown>,
  attributes: AsyncGenerator<DbfRecord>,
  set: ShapefileSet,
  counter: ReadCounter,
): AsyncGenerator<SourceRecord> {
  for (let number = 1; ; number++) {
    const [shape, attr] = await Promise.all([shapes.read(), attributes.next()]);
    if (shape.done && attr.done) return;
    counter.parsed++;
    if (shape.done !== attr.done) {
      const more = shape.done ? basename(set.dbf) : basename(set.shp);
      yield { line: number, fields: {}, problems: [{ field: '(record)', reason: `${more} has more records than its partner; the .shp and .dbf do not belong together` }] };
      return;
    }
    if (attr.value!.deleted) continue;
    yield { line: number, fields: attr.value!.values, geometry: (shape.value ?? null) as Geometry | null, problems: attr.value!.problems };
  }
}

/** Picks .shp/.dbf/.prj/.cpg from the files given, else beside the .shp on disk. */
export function findParts(files: readonly string[]): ShapefileSet {
  const byExt = (ext: string) => files.filter((f) => extname(f).toLowerCase() === ext);
  const shps = byExt('.shp');
  if (shps.length !== 1) {
    throw new ImportFileError(shps.length === 0 ? 'a shapefile needs its .shp file' : `${shps.length} .shp files given; import one shapefile at a time`);
  }
  const shp = shps[0]!;
  const stem = basename(shp).slice(0, -4);
  const part = (ext: string): string | undefined => {
    const given = byExt(ext);
    if (given.length === 1) return given[0];
    const sameStem = given.find((f) => basename(f).slice(0, -ext.length) === stem);
    if (sameStem) return sameStem;
    for (const e of [ext, ext.toUpperCase()]) {
      const beside = join(dirname(shp), stem + e);
      if (existsSync(beside)) return beside;
    }
    return undefined;
  };
  const dbf = part('.dbf');
  if (!dbf) throw new ImportFileError(`${basename(shp)} has no .dbf attribute table; send the .shp and .dbf together (a .zip is easiest)`);
  return { shp, dbf, prj: part('.prj'), cpg: part('.cpg') };
}

/**
 * Only longitude/latitude on WGS-84 or CGCS2000 is accepted (equal at this precision);
 * a projected CRS would store metres as degrees.
 */
export function checkPrj(path: string): void {
  const wkt = readFileSync(path, 'utf8').trim();
  const name = basename(path);
  const head = wkt.slice(0, 120);
  if (/^(PROJCS|PROJCRS|PROJECTEDCRS)\[/i.test(wkt)) {
    throw new ImportFileError(`${name} describes a projected coordinate system (${head}); reproject to WGS-84 or CGCS2000 longitude/latitude first`);
  }
  if (!/^(GEOGCS|GEOGCRS|GEODCRS|GEOGRAPHICCRS)\[/i.test(wkt)) {
    throw new ImportFileError(`${name} is not a recognisable coordinate system (${head || 'empty'})`);
  }
  if (!/WGS[ _]?(19)?84|CGCS[ _]?2000|China[ _]Geodetic[ _]Coordinate[ _]System[ _]2000|China[ _]2000/i.test(wkt)) {
    throw new ImportFileError(`${name} uses a datum other than WGS-84 or CGCS2000 (${head}); convert the data first`);
  }
}

async function unpackZip(zipPath: string, dir: string): Promise<ShapefileSet> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(await readFile(zipPath));
  } catch (err) {
    throw new ImportFileError(`${basename(zipPath)} is not a readable zip archive: ${(err as Error).message}`);
  }
  const wanted = Object.values(zip.files).filter(
    (e) => !e.dir && !e.name.startsWith('__MACOSX/') && !basename(e.name).startsWith('.') &&
      ['.shp', '.dbf', '.prj', '.cpg'].includes(extname(e.name).toLowerCase()),
  );
  const shps = wanted.filter((e) => extname(e.name).toLowerCase() === '.shp');
  if (shps.length !== 1) {
    throw new ImportFileError(
      shps.length === 0
        ? `${basename(zipPath)} holds no .shp file`
        : `${basename(zipPath)} holds ${shps.length} shapefiles (${shps.map((e) => e.name).join(', ')}); zip one per import`,
    );
  }
  const stem = shps[0]!.name.slice(0, -4);
  const paths: string[] = [];
  await mkdir(dir, { recursive: true });
  for (const entry of wanted.filter((e) => e.name.slice(0, -4) === stem)) {
    // Entry names are not trusted as paths: only the base name is used.
    const path = join(dir, basename(entry.name));
    await writeFile(path, await entry.async('nodebuffer'));
    paths.push(path);
  }
  return findParts(paths);
}
