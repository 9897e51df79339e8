import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWorkbookLast } from '../import/test-support/repack-xlsx.ts';
import { readList } from './read-list.ts';

describe('readList from .xlsx', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yzt-read-list-'));
    const book = new ExcelJS.Workbook();
    book.addWorksheet('名录').addRows([
      ['企业名称', '统一社会信用代码', '注册地址', '经度', '纬度'],
      ['深圳市某某电镀有限公司', '91440300MA5F00000X', '深圳市南山区某路1号', 113.93, 22.53],
    ]);
    // Repacked with the sheet before sharedStrings.xml and workbook.xml last, the layout whose
    // shared strings ExcelJS's one-pass reader lost on about half of the reads.
    path = join(dir, 'market.xlsx');
    await writeWorkbookLast(book, path);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every text cell as its text on every read (the organisation code from the credit code)', async () => {
    for (let read = 0; read < 20; read++) {
      const list = await readList(path);
      expect(list.errors).toEqual([]);
      expect(list.units).toEqual([
        { line: 2, name: '深圳市某某电镀有限公司', creditCode: '91440300MA5F00000X', orgCode: 'MA5F00000', address: '深圳市南山区某路1号', lon: 113.93, lat: 22.53 },
      ]);
    }
  });
});
