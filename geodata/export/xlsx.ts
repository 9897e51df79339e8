import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { cellOf, headerOf, stripControl, type ExportTable } from './export-table.ts';

/**
 * An .xlsx workbook of one or more sheets, as census offices exchange them: a bold frozen
 * zh/en header with an autofilter, column widths, numbers kept as numbers, control characters
 * stripped from text (XML cannot hold them). Written by exceljs's streaming writer: each row
 * is committed to the zip stream as it comes, so a long list never sits in memory whole.
 */
export async function writeXlsx(out: Writable, sheets: readonly ExportTable[]): Promise<void> {
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  book.creator = 'Yizhangtu 一张图';
  for (const table of sheets) {
    const { columns } = table;
    const sheet = book.addWorksheet(sheetName(table.name), {
      views: [{ state: 'frozen', ySplit: 1 }],
      ...(columns.length > 0 ? { autoFilter: { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } } } : {}),
    });
    sheet.columns = columns.map((c) => ({
      header: headerOf(c), key: c.key, width: c.width ?? Math.max(10, Math.min(40, headerOf(c).length + 4)),
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const row of table.rows) {
      const cells: unknown[] = columns.map((c) => {
        const v = cellOf(c, row[c.key]);
        return typeof v === 'string' ? stripControl(v) : v;
      });
      sheet.addRow(cells).commit();
    }
    sheet.commit();
  }
  await book.commit();
}

/** Excel allows 31 characters and none of : \ / ? * [ ] in a sheet name. */
function sheetName(name: string): string {
  return stripControl(name).replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Sheet1';
}
