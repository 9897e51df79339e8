import { describe, expect, it } from 'vitest';
import { LAYERS } from '../model/layers.ts';
import { parseImportArgs } from './cli-args.ts';
import { coerceValue } from './coerce-value.ts';
import { divisionHierarchy } from './complete-row.ts';
import { parseDms } from './dms.ts';
import { mapFields } from './map-fields.ts';

const column = (layer: keyof typeof LAYERS, name: string) => LAYERS[layer].columns.find((c) => c.name === name)!;

describe('degree-minute-second coordinates', () => {
  it.each([
    [`113°56'12.3"`, 113 + 56 / 60 + 12.3 / 3600],
    ['113度56分12.3秒', 113 + 56 / 60 + 12.3 / 3600],
    ['22°32′24″', 22.54],
    [`113°56.5'`, 113 + 56.5 / 60],
    ['113°', 113],
    [`W73°59'`, -(73 + 59 / 60)],
    [`33°51'S`, -(33 + 51 / 60)],
    ['北纬22°32′', 22 + 32 / 60],
  ])('reads %s', (text, expected) => {
    const r = parseDms(text);
    expect(r && 'value' in r ? r.value : r).toBeCloseTo(expected, 10);
  });

  it('tells the hemisphere axis and refuses impossible minutes and seconds', () => {
    expect(parseDms('E113°')).toEqual({ value: 113, axis: 'lon' });
    expect(parseDms(`113°61'`)).toEqual({ error: `"113°61'" has 61 minutes; minutes must be below 60` });
    expect(parseDms(`113°5'60"`)).toMatchObject({ error: expect.stringMatching(/seconds must be below 60/) });
  });

  it('leaves plain numbers and garbage to others', () => {
    expect(parseDms('113.5')).toBeNull();
    expect(parseDms('abc')).toBeNull();
  });
});

describe('value coercion', () => {
  it('reads months in the census spellings', () => {
    const month = column('air_reading', 'month');
    expect(['2024-03', '2024-3', '2024/03', '2024-03-31', '2024年3月', '2024年3月5日', '202403'].map((t) => coerceValue(month, t))).toEqual(
      Array(7).fill({ value: '2024-03-01' }),
    );
    expect(coerceValue(month, '2024-13')).toEqual({ error: '"2024-13" has month 13' });
    expect(coerceValue(month, '2024-02-30')).toEqual({ error: '"2024-02-30" is not a date' });
    expect(coerceValue(month, 'March')).toMatchObject({ error: expect.stringMatching(/is not a month/) });
  });

  it('maps Chinese value words and checks patterns, ranges and whole numbers', () => {
    expect(coerceValue(column('source', 'source_type'), '集中式污染治理设施')).toEqual({ value: 'centralized' });
    expect(coerceValue(column('source', 'source_type'), 'Industrial')).toEqual({ value: 'industrial' });
    expect(coerceValue(column('source', 'industry_code'), '441')).toEqual({ error: '"441" is not 4-digit GB/T 4754 code' });
    expect(coerceValue(column('source', 'cod'), '-1')).toEqual({ error: '-1 is below the minimum 0' });
    expect(coerceValue(column('source', 'cod'), '0x10')).toEqual({ error: '"0x10" is not a number' });
    expect(coerceValue(column('river_reach', 'stream_order'), '2.5')).toEqual({ error: '"2.5" is not a whole number' });
    expect(coerceValue(column('source', 'name'), '  ')).toEqual({ error: 'is required but empty' });
    expect(coerceValue(column('source', 'name'), { a: 1 })).toEqual({ error: 'is an object, expected a text' });
  });

  it('derives a division level and parent from its code', () => {
    expect(['440000', '440300', '440305', '440305001'].map(divisionHierarchy)).toEqual([
      { level: 'province', parent: null },
      { level: 'city', parent: '440000' },
      { level: 'county', parent: '440300' },
      { level: 'township', parent: '440305' },
    ]);
  });
});

describe('field mapping', () => {
  it('prefers an explicit mapping, then the column name, then aliases, each field used once', () => {
    const map = mapFields(LAYERS.basin, ['名称', '关键字', 'name', 'code', 'Region'], { 关键字: 'code', 名称: 'name' });
    expect(Object.fromEntries(map.byTarget)).toEqual({ code: '关键字', name: '名称' });
    expect(map.ignored).toEqual(['name', 'code', 'Region']);
    const csv = mapFields(LAYERS.source, [' 普查编号 ', 'NAME', '经度', 'Lat', '类型']);
    expect(Object.fromEntries(csv.byTarget)).toEqual({ census_id: ' 普查编号 ', name: 'NAME', lon: '经度', lat: 'Lat', source_type: '类型' });
  });

  it('drops a field mapped to "", though its name matches a column, and lists it as ignored', () => {
    expect(Object.fromEntries(mapFields(LAYERS.division, ['adcode', 'name', 'level', 'parent']).byTarget)).toMatchObject({ level: 'level', parent_code: 'parent' });
    const map = mapFields(LAYERS.division, ['adcode', 'name', 'level', 'parent'], { parent: '', level: '' });
    expect(Object.fromEntries(map.byTarget)).toEqual({ code: 'adcode', name: 'name' });
    expect(map.ignored).toEqual(['level', 'parent']);
  });
});

describe('import command line', () => {
  it('reads kind, files, repeated or grouped pairs and options', () => {
    const cmd = parseImportArgs(
      ['source', 'a.csv', '--map', '企业=name', 'X=lon', '--map', 'Y=lat', '--set', 'source_type=industrial', '--encoding', 'gbk', '--schema', 'demo', '--row-number', 'census_id=p-'],
      { USER: 'ana' },
    );
    expect(cmd).toEqual({
      schema: 'demo',
      options: expect.objectContaining({
        kind: 'source', files: ['a.csv'], encoding: 'gbk', actor: 'cli:ana',
        mapping: { 企业: 'name', X: 'lon', Y: 'lat' }, defaults: { source_type: 'industrial' },
        rowNumberAs: { column: 'census_id', prefix: 'p-' },
      }),
    });
  });

  it('refuses unknown kinds, options and missing files', () => {
    expect(() => parseImportArgs(['sources', 'a.csv'])).toThrow('unknown kind "sources"');
    expect(() => parseImportArgs(['source'])).toThrow('give a kind and at least one file');
    expect(() => parseImportArgs(['source', 'a.csv', '--fast'])).toThrow('unknown option --fast');
    expect(() => parseImportArgs(['source', 'a.csv', '--map'])).toThrow('--map needs field=value pairs');
  });
});
