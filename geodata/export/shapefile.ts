import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cellOf, chunks, pointOf, stripControl, type ExportColumn, type ExportTable } from './export-table.ts';
import { put } from './geojson.ts';

// What the attribute table (.dbf) is encoded in (geodata/model/export-formats.ts); the .cpg names it for GDAL, QGIS and ArcGIS.
import { SHAPEFILE_ENCODINGS, type ShapefileEncoding } from '../model/export-formats.ts';
export { SHAPEFILE_ENCODINGS, type ShapefileEncoding };
const CPG: Record<ShapefileEncoding, string> = { utf8: 'UTF-8', gbk: 'GBK' };
// dBase language driver ids: 0x4D is code page 936 (GBK); UTF-8 has none and relies on the .cpg.
const LDID: Record<ShapefileEncoding, number> = { utf8: 0, gbk: 0x4d };
const ESRI_WGS84 = 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';
const CHUNK_ROWS = 10_000;
/** A dBase character field holds at most 254 bytes; longer text is cut at a character boundary. */
const MAX_TEXT_BYTES = 254;
const NUMBER_WIDTH = 24;
const NUMBER_DECIMALS = 8;
const INTEGER_WIDTH = 18;

/**
 * A zipped ESRI shapefile of points (.shp, .shx, .dbf, .prj in WGS 84, .cpg) with the
 * attribute table in UTF-8 or GBK, as chosen (older ArcGIS and many county offices' tools read
 * only GBK). No npm library writes a GBK .dbf (shp-write's dbf writer keeps one byte per
 * character), so the three binary files are written here, each to a temporary file a chunk at
 * a time: the .dbf needs its field widths before its first record, so the rows pass twice, the
 * second time from a temporary file of JSON lines, and memory holds one chunk.
 */
export async function writeShapefile(out: Writable, table: ExportTable, encoding: ShapefileEncoding): Promise<void> {
  if (!table.point) throw new Error(`${table.layer} has no location: a shapefile needs one`);
  const dir = await mkdtemp(join(tmpdir(), 'yzt-shp-'));
  try {
    const base = join(dir, table.layer);
    const fields = dbfFields(table.columns);
    const rowsFile = join(dir, 'rows.jsonl');
    const rowsOut = createWriteStream(rowsFile);
    const shp = await open(`${base}.shp`, 'w');
    const shx = await open(`${base}.shx`, 'w');
    let count = 0;
    let shpWords = 50; // the 100-byte header, in 16-bit words
    let shpAt = 100;
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    try {
      await shp.write(Buffer.alloc(100), 0, 100, 0);
      await shx.write(Buffer.alloc(100), 0, 100, 0);
      for await (const batch of chunks(table.rows, CHUNK_ROWS)) {
        const shpParts: Buffer[] = [];
        const shxPart = Buffer.alloc(8 * batch.length);
        let lines = '';
        batch.forEach((row, i) => {
          const xy = pointOf(table, row);
          const content = xy ? 20 : 4;
          const rec = Buffer.alloc(8 + content);
          rec.writeInt32BE(count + 1, 0);
          rec.writeInt32BE(content / 2, 4);
          if (xy) {
            rec.writeInt32LE(1, 8);
            rec.writeDoubleLE(xy[0], 12);
            rec.writeDoubleLE(xy[1], 20);
            box[0] = Math.min(box[0]!, xy[0]); box[1] = Math.min(box[1]!, xy[1]);
            box[2] = Math.max(box[2]!, xy[0]); box[3] = Math.max(box[3]!, xy[1]);
          } // else shape type 0: a null shape
          shxPart.writeInt32BE(shpWords, 8 * i);
          shxPart.writeInt32BE(content / 2, 8 * i + 4);
          shpWords += rec.length / 2;
          shpParts.push(rec);
          count++;
          const cells = fields.map((f) => {
            const v = cellOf(f.column, row[f.column.key]);
            return typeof v === 'string' ? stripControl(v) : v;
          });
          fields.forEach((f, j) => {
            const v = cells[j];
            if (f.type === 'C' && typeof v === 'string') f.length = Math.min(MAX_TEXT_BYTES, Math.max(f.length, iconv.encode(v, encoding).length));
          });
          lines += JSON.stringify(cells) + '\n';
        });
        const shpBytes = Buffer.concat(shpParts);
        // Explicit positions: a positioned write (the header's) does not move the file offset.
        await shp.write(shpBytes, 0, shpBytes.length, shpAt);
        await shx.write(shxPart, 0, shxPart.length, 100 + 8 * (count - batch.length));
        shpAt += shpBytes.length;
        await put(rowsOut, lines);
      }
      if (count === 0) box.fill(0);
      await shp.write(mainHeader(shpWords, box), 0, 100, 0);
      await shx.write(mainHeader(50 + 4 * count, box), 0, 100, 0);
    } finally {
      await shp.close();
      await shx.close();
      rowsOut.end();
      await new Promise((resolve) => rowsOut.on('close', resolve));
    }
    await writeDbf(`${base}.dbf`, rowsFile, fields, count, encoding);
    await rm(rowsFile);

    const zip = new JSZip();
    for (const ext of ['shp', 'shx', 'dbf']) zip.file(`${table.layer}.${ext}`, createReadStream(`${base}.${ext}`));
    zip.file(`${table.layer}.prj`, ESRI_WGS84);
    zip.file(`${table.layer}.cpg`, CPG[encoding]);
    await pipeline(zip.generateNodeStream({ type: 'nodebuffer', streamFiles: true, compression: 'DEFLATE' }), out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The 100-byte main header of .shp and .shx: file code, length in words, version, Point, bounds. */
function mainHeader(words: number, box: number[]): Buffer {
  const h = Buffer.alloc(100);
  h.writeInt32BE(9994, 0);
  h.writeInt32BE(words, 24);
  h.writeInt32LE(1000, 28);
  h.writeInt32LE(1, 32);
  box.forEach((v, i) => h.writeDoubleLE(v, 36 + 8 * i));
  return h;
}

interface DbfField {
  readonly column: ExportColumn;
  /** At most 10 ASCII characters, unique. */
  readonly name: string;
  readonly type: 'C' | 'N';
  length: number;
  readonly decimals: number;
}

/** dBase field names are 10 bytes at most: keys are cut there and made unique with a digit. */
function dbfFields(columns: readonly ExportColumn[]): DbfField[] {
  const used = new Set<string>();
  return columns.map((column) => {
    let name = column.key.slice(0, 10);
    for (let i = 1; used.has(name); i++) name = `${column.key.slice(0, 10 - String(i).length)}${i}`;
    used.add(name);
    if (column.type === 'text') return { column, name, type: 'C', length: 1, decimals: 0 };
    return column.type === 'integer'
      ? { column, name, type: 'N', length: INTEGER_WIDTH, decimals: 0 }
      : { column, name, type: 'N', length: NUMBER_WIDTH, decimals: NUMBER_DECIMALS };
  });
}

/** The shapefile's field names for these columns, as GDAL will report them. */
export function shapefileFieldNames(columns: readonly ExportColumn[]): string[] {
  return dbfFields(columns).map((f) => f.name);
}

async function writeDbf(path: string, rowsFile: string, fields: readonly DbfField[], count: number, encoding: ShapefileEncoding): Promise<void> {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const header = Buffer.alloc(headerLength);
  const now = new Date();
  header.writeUInt8(0x03, 0);
  header.writeUInt8(now.getUTCFullYear() - 1900, 1);
  header.writeUInt8(now.getUTCMonth() + 1, 2);
  header.writeUInt8(now.getUTCDate(), 3);
  header.writeUInt32LE(count, 4);
  header.writeUInt16LE(headerLength, 8);
  header.writeUInt16LE(recordLength, 10);
  header.writeUInt8(LDID[encoding], 29);
  fields.forEach((f, i) => {
    const at = 32 + 32 * i;
    header.write(f.name, at, 10, 'ascii');
    header.write(f.type, at + 11, 1, 'ascii');
    header.writeUInt8(f.length, at + 16);
    header.writeUInt8(f.decimals, at + 17);
  });
  header.writeUInt8(0x0d, headerLength - 1);

  const dbf: FileHandle = await open(path, 'w');
  try {
    await dbf.write(header, 0, header.length, null);
    let batch: Buffer[] = [];
    const flush = async () => {
      const bytes = Buffer.concat(batch);
      batch = [];
      await dbf.write(bytes, 0, bytes.length, null);
    };
    for await (const line of createInterface({ input: createReadStream(rowsFile), crlfDelay: Infinity })) {
      if (line === '') continue;
      const cells = JSON.parse(line) as (string | number | null)[];
      const rec = Buffer.alloc(recordLength, 0x20);
      let at = 1;
      fields.forEach((f, j) => {
        const v = cells[j];
        if (f.type === 'C') {
          if (typeof v === 'string') cutToBytes(v, f.length, encoding).copy(rec, at);
        } else if (typeof v === 'number') {
          const s = v.toFixed(f.decimals);
          if (s.length <= f.length) rec.write(s.padStart(f.length), at, f.length, 'ascii');
        }
        at += f.length;
      });
      batch.push(rec);
      if (batch.length === CHUNK_ROWS) await flush();
    }
    batch.push(Buffer.from([0x1a]));
    await flush();
  } finally {
    await dbf.close();
  }
}

/** The text encoded, cut to at most `max` bytes without splitting a character. */
function cutToBytes(s: string, max: number, encoding: ShapefileEncoding): Buffer {
  let bytes = iconv.encode(s, encoding);
  let chars = [...s];
  while (bytes.length > max) {
    chars = chars.slice(0, -1);
    bytes = iconv.encode(chars.join(''), encoding);
  }
  return bytes;
}
