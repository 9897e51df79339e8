import type ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { writeFileSync } from 'node:fs';

/**
 * Writes `book` to `path` in the layout ExcelJS's one-pass streaming reader loses entries of
 * (exceljs#3064): the sheets before sharedStrings.xml, workbook.xml last. `editWorkbookXml`
 * may change workbook.xml on the way (the tab order). Returns the zip's entry names in order.
 */
export async function writeWorkbookLast(book: ExcelJS.Workbook, path: string, editWorkbookXml: (xml: string) => string = (x) => x): Promise<string[]> {
  const zip = await JSZip.loadAsync(Buffer.from(await book.xlsx.writeBuffer()));
  const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
  zip.remove('xl/workbook.xml');
  zip.file('xl/workbook.xml', editWorkbookXml(workbookXml));
  writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer' }));
  return Object.keys(zip.files);
}
