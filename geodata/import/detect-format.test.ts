import { describe, expect, it } from 'vitest';
import { formatOf } from './detect-format.ts';

describe('formatOf', () => {
  it('refuses an .xls workbook, naming the file and "save as .xlsx"', () => {
    expect(() => formatOf(['/data/污染源普查表.XLS'])).toThrow(/污染源普查表\.XLS.*save as \.xlsx/);
    expect(() => formatOf(['/data/census.xls'], 'csv')).toThrow(/census\.xls.*save as \.xlsx/);
  });
  it('still reads formats from names', () => {
    expect(formatOf(['a.csv'])).toBe('csv');
    expect(formatOf(['a.shp', 'a.dbf'])).toBe('shapefile');
  });
});
