import { describe, expect, it } from 'vitest';
import { excelSerialDate, headerUnit, parseLooseNumber } from './header-unit.ts';

describe('headerUnit', () => {
  it('reads units in half- and full-width brackets', () => {
    expect(headerUnit('化学需氧量(吨)')).toEqual({ name: '化学需氧量', unit: '吨', factor: 1 });
    expect(headerUnit('COD排放量（千克）')).toEqual({ name: 'COD排放量', unit: '千克', factor: 0.001 });
    expect(headerUnit('氨氮(kg)')).toEqual({ name: '氨氮', unit: 'kg', factor: 0.001 });
    expect(headerUnit('二氧化硫 [t/a]')?.factor).toBe(1);
  });
  it('leaves headers without a known unit alone', () => {
    expect(headerUnit('企业名称')).toBeNull();
    expect(headerUnit('地址(详细)')).toBeNull();
  });
});

describe('parseLooseNumber', () => {
  it('reads full-width digits and thousands separators', () => {
    expect(parseLooseNumber('１２３４．５')).toBe(1234.5);
    expect(parseLooseNumber('1,234.5')).toBe(1234.5);
    expect(parseLooseNumber('１，２３４，５６７')).toBe(1234567);
    expect(parseLooseNumber(' -0.25 ')).toBe(-0.25);
  });
  it('refuses what is not a number', () => {
    expect(parseLooseNumber('12,34')).toBeNull();
    expect(parseLooseNumber('abc')).toBeNull();
    expect(parseLooseNumber('')).toBeNull();
  });
});

describe('excelSerialDate', () => {
  it('converts 1900-system serials', () => {
    expect(excelSerialDate(45292)).toBe('2024-01-01');
    expect(excelSerialDate(43466)).toBe('2019-01-01');
    expect(excelSerialDate(0)).toBeNull();
  });
});

describe('coerceValue reads loose numbers', () => {
  it('full-width digits and thousands separators in a number column', async () => {
    const { coerceValue } = await import('./coerce-value.ts');
    const col = { name: 'x', type: 'number' } as Parameters<typeof coerceValue>[0];
    expect(coerceValue(col, '１，２３４．５')).toEqual({ value: 1234.5 });
    expect(coerceValue(col, '12,34')).toHaveProperty('error');
  });
});
