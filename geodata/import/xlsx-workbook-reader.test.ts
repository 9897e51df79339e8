import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkbookLast } from './test-support/repack-xlsx.ts';
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
    // Repacked as ExcelJS lays it out: sheets before sharedStrings.xml, workbook.xml last, tab
    // order swapped in workbook.xml. ExcelJS's one-pass reader lost the entries after the first
    // sheet on about half of such reads.
    path = join(dir, 'reordered.xlsx');
    let swapped = false;
    const entries = await writeWorkbookLast(book, path, (xml) => {
      const edited = xml.replace(/(<sheet [^>]*name="污染源"[^>]*\/>)(<sheet [^>]*name="说明"[^>]*\/>)/, '$2$1');
      swapped = edited !== xml;
      return edited;
    });
    expect(swapped).toBe(true);
    expect(entries.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(entries.indexOf('xl/sharedStrings.xml'));
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
