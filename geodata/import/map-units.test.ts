import { describe, expect, it } from 'vitest';
import { LAYERS } from '../model/layers.ts';
import { convertUnit } from './header-unit.ts';
import { mapFields } from './map-fields.ts';

describe('emission headers with units (issue 14, item 5)', () => {
  it('matches a pollutant under its unit and an emission suffix, and records the conversion', () => {
    const map = mapFields(LAYERS.source, ['普查编号', '化学需氧量(吨)', 'NH3-N排放量（千克）', '二氧化硫年排放量(万吨)', '氮氧化物(t/a)', 'VOCs排放量']);
    expect(Object.fromEntries(map.byTarget)).toMatchObject({
      census_id: '普查编号', cod: '化学需氧量(吨)', nh3n: 'NH3-N排放量（千克）', so2: '二氧化硫年排放量(万吨)', nox: '氮氧化物(t/a)', vocs: 'VOCs排放量',
    });
    // Tonnes need no conversion; kilograms and 10,000 t do.
    expect(Object.fromEntries(map.units!)).toEqual({
      nh3n: { field: 'NH3-N排放量（千克）', column: 'nh3n', unit: '千克', factor: 0.001 },
      so2: { field: '二氧化硫年排放量(万吨)', column: 'so2', unit: '万吨', factor: 10000 },
    });
    expect(map.ignored).toEqual([]);
  });

  it('applies the unit of an explicitly mapped header too', () => {
    const map = mapFields(LAYERS.source, ['编号', 'COD（kg）'], { 编号: 'census_id', 'COD（kg）': 'cod' });
    expect(map.units!.get('cod')).toMatchObject({ unit: 'kg', factor: 0.001 });
  });

  it('does not read a generated amount (产生量) as an emission, nor give units to concentrations of readings', () => {
    const map = mapFields(LAYERS.source, ['普查编号', '化学需氧量产生量(吨)']);
    expect(map.byTarget.has('cod')).toBe(false);
    expect(map.ignored).toEqual(['化学需氧量产生量(吨)']);
    const readings = mapFields(LAYERS.section_reading, ['断面编码', '月份', '化学需氧量']);
    expect(readings.units).toBeUndefined();
  });

  it('refuses an emission header whose unit does not convert to tonnes, naming the header and the fix', () => {
    expect(() => mapFields(LAYERS.source, ['普查编号', '化学需氧量(mg/L)'])).toThrow(/column "化学需氧量\(mg\/L\)" feeds cod, stored in t\/a, but its unit "mg\/L" .*吨, .*千克/);
  });

  it('converts without binary noise', () => {
    expect(convertUnit(1234, 0.001)).toBe(1.234);
    expect(convertUnit(0.3, 10000)).toBe(3000);
    expect(convertUnit(7.1, 1)).toBe(7.1);
  });
});
