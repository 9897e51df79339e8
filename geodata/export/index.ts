import type pg from 'pg';
import { Writable } from 'node:stream';
import { writeCsv } from './csv.ts';
import { checkColumns, type ExportTable } from './export-table.ts';
import { writeFlatGeobuf } from './flatgeobuf.ts';
import { writeGeoJson } from './geojson.ts';
import { writeGeoPackage } from './geopackage.ts';
import { writeShapefile, type ShapefileEncoding } from './shapefile.ts';
import { writeXlsx } from './xlsx.ts';
import type { ExportFormat } from '../model/export-formats.ts';

export { SHAPEFILE_ENCODINGS, shapefileFieldNames, type ShapefileEncoding } from './shapefile.ts';
export type { ColumnType, ExportColumn, ExportRow, ExportTable } from './export-table.ts';

/**
 * The one export service: every list and the map selection are written by these writers, in
 * these formats. The table formats take any list; the GIS formats need a point location.
 */
export { EXPORT_FORMATS, TABLE_FORMATS, type ExportFormat } from '../model/export-formats.ts';

/** Media type and file extension of each format. */
export const EXPORT_MEDIA: Record<ExportFormat, { readonly type: string; readonly ext: string }> = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  geojson: { type: 'application/geo+json', ext: 'geojson' },
  fgb: { type: 'application/flatgeobuf', ext: 'fgb' },
  gpkg: { type: 'application/geopackage+sqlite3', ext: 'gpkg' },
  shp: { type: 'application/zip', ext: 'shp.zip' },
};

export interface ExportOptions {
  /** For FlatGeobuf, which PostGIS encodes. */
  readonly db: pg.Pool;
  /** The shapefile's .dbf encoding (default UTF-8). */
  readonly encoding?: ShapefileEncoding;
}

/** Writes `table` (or, for XLSX, one sheet per table) to `out` in `format` and ends `out`. */
export async function writeExport(out: Writable, format: ExportFormat, tables: ExportTable | readonly ExportTable[], options: ExportOptions): Promise<void> {
  const list = Array.isArray(tables) ? tables : [tables as ExportTable];
  for (const t of list) checkColumns(t);
  if (format === 'xlsx') return writeXlsx(out, list);
  if (list.length !== 1) throw new Error(`${format} holds one table; got ${list.length}`);
  const table = list[0]!;
  switch (format) {
    case 'csv': return writeCsv(out, table);
    case 'geojson': return writeGeoJson(out, table);
    case 'fgb': return writeFlatGeobuf(out, options.db, table);
    case 'gpkg': return writeGeoPackage(out, table);
    case 'shp': return writeShapefile(out, table, options.encoding ?? 'utf8');
  }
}

/** The same export as bytes, for answers that carry a small file inside JSON (rejected rows). */
export async function exportToBuffer(format: ExportFormat, tables: ExportTable | readonly ExportTable[], options: ExportOptions): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      parts.push(Buffer.from(chunk));
      done();
    },
  });
  await writeExport(sink, format, tables, options);
  return Buffer.concat(parts);
}
