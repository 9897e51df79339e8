import ExcelJS from 'exceljs';

export interface SheetSpec {
  /** Sheet name (Excel allows 31 characters and none of : \ / ? * [ ]). */
  readonly name: string;
  readonly columns: readonly { readonly header: string; readonly key: string; readonly width?: number }[];
  readonly rows: readonly object[];
}

// Characters XML 1.0 cannot hold: a name with one would make a workbook Excel refuses.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * An .xlsx workbook of one or more sheets, as census offices exchange them: a bold frozen
 * header with an autofilter, column widths, numbers kept as numbers, control characters
 * stripped from text.
 */
export async function writeWorkbook(sheets: readonly SheetSpec[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Yizhangtu 一张图';
  for (const spec of sheets) {
    const sheet = book.addWorksheet(spec.name.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = spec.columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? Math.max(10, Math.min(40, c.header.length * 2 + 2)) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of spec.rows) {
      const cells: Record<string, unknown> = {};
      for (const c of spec.columns) cells[c.key] = cellValue((row as Record<string, unknown>)[c.key]);
      sheet.addRow(cells);
    }
    if (spec.columns.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: spec.columns.length } };
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

function cellValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') return JSON.stringify(v).replace(CONTROL, '');
  return String(v).replace(CONTROL, '');
}
