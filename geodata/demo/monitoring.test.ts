import { describe, expect, it } from 'vitest';
import { generateDemo } from './generate.ts';
import { aqi, waterClass } from './monitoring.ts';

describe('demo monitoring data', () => {
  const region = generateDemo({ seed: 9, sources: 5000 });
  const { section, section_reading: readings, air_station: stations, air_reading: air } = region.layers;

  it('has national and provincial sections with II–IV targets and 24 monthly readings each', () => {
    expect(new Set(section.map((s) => s.level))).toEqual(new Set(['national', 'provincial']));
    for (const s of section) expect(['2', '3', '4']).toContain(s.target_class);
    for (const s of section) expect(readings.filter((r) => r.section_code === s.code)).toHaveLength(24);
    for (const r of readings) expect(r.month).toMatch(/^202[34]-(0[1-9]|1[0-2])-01$/);
  });

  it('classes each reading by its worst parameter, and some sections miss their target', () => {
    for (const r of readings) {
      expect(r.water_class).toBe(String(waterClass(r.cod as number, r.nh3n as number, r.tp as number, r.do_mgl as number)));
    }
    const target = new Map(section.map((s) => [s.code, Number(s.target_class)]));
    const failing = new Set(readings.filter((r) => Number(r.water_class) > target.get(r.section_code as string)!).map((r) => r.section_code));
    expect(failing.size).toBeGreaterThan(0);
    expect(failing.size).toBeLessThan(section.length);
  });

  it('gives air stations demo codes and a winter PM2.5 peak', () => {
    expect(stations.length).toBeGreaterThanOrEqual(8);
    for (const s of stations) expect(s.code).toMatch(/^99\d\dA$/);
    for (const s of stations) {
      const mine = air.filter((r) => r.station_code === s.code);
      expect(mine).toHaveLength(24);
      const mean = (months: string[]) => {
        const rows = mine.filter((r) => months.includes((r.month as string).slice(5, 7)));
        return rows.reduce((a, r) => a + (r.pm25 as number), 0) / rows.length;
      };
      expect(mean(['12', '01', '02'])).toBeGreaterThan(mean(['06', '07', '08']));
      for (const r of mine) expect(r.aqi).toBe(aqi(r.pm25 as number, r.pm10 as number, r.o3 as number, r.no2 as number, r.so2 as number));
    }
  });

  it('computes AQI sub-indices at the HJ 633 breakpoints', () => {
    expect(aqi(35, 0, 0, 0, 0)).toBe(50);
    expect(aqi(75, 0, 0, 0, 0)).toBe(100);
    expect(aqi(0, 0, 160, 0, 0)).toBe(100);
  });
});
