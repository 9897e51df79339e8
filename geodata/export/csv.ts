import { stringify } from 'csv-stringify';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cellOf, headerOf, type ExportTable } from './export-table.ts';

/**
 * CSV as the census offices open it, in Excel: UTF-8 with a BOM (else Excel reads the Chinese
 * as mojibake), CRLF, a zh/en header, and text starting with = + - @ tab or CR prefixed with '
 * so a hostile name cannot run as a formula (numbers keep their minus sign). Streams: one row
 * in memory at a time, with back-pressure from `out`.
 */
export async function writeCsv(out: Writable, table: ExportTable): Promise<void> {
  const { columns } = table;
  async function* records(): AsyncGenerator<(string | number | null)[]> {
    for await (const row of table.rows) yield columns.map((c) => cellOf(c, row[c.key]));
  }
  await pipeline(
    Readable.from(records()),
    stringify({ bom: true, header: true, columns: columns.map(headerOf), record_delimiter: 'windows', escape_formulas: true }),
    out,
  );
}
