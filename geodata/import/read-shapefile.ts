import type { Geometry } from 'geojson';
import JSZip from 'jszip';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
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
    const prj = set.prj ? readFileSync(set.prj, 'utf8').trim() : null;
    const headerLength = readFileSync(set.dbf).readUInt16LE(8);
    const chosen = await chooseEncoding(set.dbf, encoding, set.cpg, headerLength);
    const shapes = await shapefile.openShp(set.shp);
    return {
      unit: 'record',
      encoding: chosen.encoding,
      records: records(shapes, readDbf(set.dbf, chosen), set, counter),
      declaredCrs: () => (prj ? { text: prj, from: basename(set.prj!) } : null),
      missingCrs: 'no .prj',
      extent: shpExtent(set.shp),
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

/** The bounding box in the .shp header (bytes 36-67: xmin, ymin, xmax, ymax); null for an empty file. */
function shpExtent(path: string): [number, number, number, number] | null {
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  const box = [0, 1, 2, 3].map((i) => header.readDoubleLE(36 + 8 * i)) as [number, number, number, number];
  return box.every(Number.isFinite) && box[0] <= box[2] && !(box[0] === 0 && box[2] === 0 && box[1] === 0 && box[3] === 0) ? box : null;
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
