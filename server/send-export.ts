import type { Response } from 'express';
import type pg from 'pg';
import { EXPORT_MEDIA, TABLE_FORMATS, writeExport, type ExportFormat, type ExportTable, type ShapefileEncoding } from '../geodata/export/index.ts';
import { HttpError } from './http-errors.ts';

export interface ExportRequest {
  readonly format: ExportFormat;
  readonly table: ExportTable | readonly ExportTable[];
  /** Without extension; the format's is added. */
  readonly fileName: string;
  readonly db: pg.Pool;
  readonly encoding?: ShapefileEncoding | undefined;
}

/**
 * Answers with an export of the one export service (geodata/export/) as a download. The body
 * streams, so an error after the first bytes cannot become an error answer any more: the
 * connection is then cut, and the client sees a broken download rather than a short file.
 */
export async function sendExport(res: Response, r: ExportRequest): Promise<void> {
  const tables = Array.isArray(r.table) ? r.table : [r.table as ExportTable];
  if (!(TABLE_FORMATS as readonly string[]).includes(r.format) && tables.some((t) => !t.point)) {
    throw new HttpError(400, `format ${r.format} needs a location per row; this list has none: use ${TABLE_FORMATS.join(' or ')}`);
  }
  const media = EXPORT_MEDIA[r.format];
  const name = r.format === 'shp' ? `${r.fileName}${r.encoding === 'gbk' ? '-gbk' : ''}.${media.ext}` : `${r.fileName}.${media.ext}`;
  res.set('Cache-Control', 'no-store').attachment(name).type(media.type);
  try {
    await writeExport(res, r.format, r.table, { db: r.db, ...(r.encoding ? { encoding: r.encoding } : {}) });
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err as Error);
  }
}
