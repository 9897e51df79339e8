import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XlsxWorkbookReader } from './xlsx-workbook-reader.ts';

/** Reads every sheet: its name and its rows' values as text. */
async function readAll(path: string): Promise<{ name: string; rows: string[][] }[]> {
  const workbook = new XlsxWorkbookReader(path, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit', hyperlinks: 'ignore', entries: 'ignore' });
  const sheets: { name: string; rows: string[][] }[] = [];
  for await (const sheet of workbook) {
    const rows: string[][] = [];
    for await (const row of sheet) rows.push((row.values as unknown[]).slice(1).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))));
    sheets.push({ name: (sheet as unknown as { name: string }).name, rows });
  }
  return sheets;
}

describe('XlsxWorkbookReader', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yzt-xlsx-reader-'));
    const book = new ExcelJS.Workbook();
    // Tabs in an order unlike the files': "说明" is sheet2.xml but the first tab.
    book.addWorksheet('污染源').addRows([['普查编号', '单位名称'], ['G001', '某厂']]);
    book.addWorksheet('说明').addRow(['填表说明']);
    const written = join(dir, 'written.xlsx');
    await book.xlsx.writeFile(written);
    // Rewritten by JSZip as ExcelJS lays it out: sheets before sharedStrings.xml, workbook.xml
    // last, tab order swapped in workbook.xml. ExcelJS's one-pass reader lost the entries after
    // the first sheet on about half of such reads.
    const zip = await JSZip.loadAsync(readFileSync(written));
    const workbookXml = await zip.file('xl/workbook.xml')!.async('string');
    const swapped = workbookXml.replace(/(<sheet [^>]*name="污染源"[^>]*\/>)(<sheet [^>]*name="说明"[^>]*\/>)/, '$2$1');
    expect(swapped).not.toBe(workbookXml);
    zip.remove('xl/workbook.xml');
    zip.file('xl/workbook.xml', swapped);
    expect(Object.keys(zip.files).indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(Object.keys(zip.files).indexOf('xl/sharedStrings.xml'));
    path = join(dir, 'reordered.xlsx');
    writeFileSync(path, await zip.generateAsync({ type: 'nodebuffer' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every sheet its tab name, in tab order, with its shared strings, on every read', async () => {
    const expected = [
      { name: '说明', rows: [['填表说明']] },
      { name: '污染源', rows: [['普查编号', '单位名称'], ['G001', '某厂']] },
    ];
    for (let read = 0; read < 20; read++) expect(await readAll(path)).toEqual(expected);
  });
});
