import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { ImportFileError, type ImportFormat } from './types.ts';

const BY_EXTENSION: Readonly<Record<string, ImportFormat>> = {
  '.csv': 'csv', '.txt': 'csv', '.tsv': 'csv',
  '.xlsx': 'xlsx',
  '.geojson': 'geojson', '.json': 'geojson',
  '.zip': 'shapefile', '.shp': 'shapefile', '.dbf': 'shapefile', '.prj': 'shapefile', '.cpg': 'shapefile', '.shx': 'shapefile',
};

/** The format given, else the one the file names imply; all files must agree. */
export function formatOf(files: readonly string[], given?: ImportFormat): ImportFormat {
  if (files.length === 0) throw new ImportFileError('no file to import');
  const xls = files.find((f) => extname(f).toLowerCase() === '.xls');
  if (xls) throw new ImportFileError(`${basename(xls)} is an old Excel .xls workbook, which is not read; open it in Excel or WPS and save as .xlsx (or .csv), then import that`);
  if (given) return given;
  const formats = new Set(files.map((f) => BY_EXTENSION[extname(f).toLowerCase()]));
  if (formats.has(undefined)) {
    const odd = files.find((f) => !BY_EXTENSION[extname(f).toLowerCase()])!;
    throw new ImportFileError(`cannot tell the format of ${basename(odd)} from its name; give the format (csv, xlsx, geojson or shapefile)`);
  }
  if (formats.size > 1) throw new ImportFileError(`files ${files.map((f) => basename(f)).join(', ')} are of different formats; import them one at a time`);
  return [...formats][0]!;
}

/**
 * Throws when the first bytes show the file is not what it claims: a PNG named .csv, random
 * bytes named .geojson, a text file named .zip. Catching this up front gives one clear error
 * instead of a thousand rows of garbage.
 */
export function assertLooksLike(path: string, claimed: 'csv' | 'geojson' | 'zip' | 'shp' | 'dbf'): void {
  const head = readHead(path, 4096);
  const name = basename(path);
  const known = knownBinary(head);
  switch (claimed) {
    case 'csv':
    case 'geojson': {
      if (known) throw new ImportFileError(`${name} is not a ${claimed.toUpperCase()} file: it looks like ${known}`);
      if (head.includes(0)) throw new ImportFileError(`${name} is not a ${claimed.toUpperCase()} file: it contains binary data`);
      if (claimed === 'geojson') {
        const text = head.toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart();
        if (text.length > 0 && !text.startsWith('{')) {
          throw new ImportFileError(`${name} is not a GeoJSON file: it does not start with "{"`);
        }
      }
      return;
    }
    case 'zip':
      if (!(head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)) {
        throw new ImportFileError(`${name} is not a zip archive${known ? `: it looks like ${known}` : ''}`);
      }
      return;
    case 'shp':
      // Shapefile main header: file code 9994 big-endian, version 1000 little-endian.
      if (head.length < 100 || head.readInt32BE(0) !== 9994 || head.readInt32LE(28) !== 1000) {
        throw new ImportFileError(`${name} is not a shapefile .shp${known ? `: it looks like ${known}` : ' (no shapefile header)'}`);
      }
      return;
    case 'dbf': {
      const size = statSync(path).size;
      const ok = head.length >= 32 && head.readUInt16LE(8) >= 33 && head.readUInt16LE(10) >= 1 &&
        head.readUInt16LE(8) + head.readUInt32LE(4) * head.readUInt16LE(10) <= size + 1;
      if (!ok) throw new ImportFileError(`${name} is not a dBASE .dbf table${known ? `: it looks like ${known}` : ' (inconsistent header)'}`);
      return;
    }
  }
}

function readHead(path: string, size: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    const n = readSync(fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function knownBinary(head: Buffer): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive (an Excel .xlsx is one too)';
  if (starts(0x1f, 0x8b)) return 'a gzip archive';
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return 'an old Office document (.xls/.doc)';
  return null;
}
