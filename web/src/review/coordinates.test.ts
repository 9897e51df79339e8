import { describe, expect, it } from 'vitest';
import { parseCoordinatePair } from './coordinates.ts';

describe('reading a typed coordinate pair', () => {
  it('reads decimal degrees, longitude first', () => {
    expect(parseCoordinatePair('113.93, 22.58')).toEqual([113.93, 22.58]);
    expect(parseCoordinatePair('113.93 22.58')).toEqual([113.93, 22.58]);
  });

  it('reads degrees, minutes and seconds with symbols or Chinese units', () => {
    const [lon, lat] = parseCoordinatePair(`113°56'12.3" 22°34'48"`)!;
    expect(lon).toBeCloseTo(113 + 56 / 60 + 12.3 / 3600, 9);
    expect(lat).toBeCloseTo(22 + 34 / 60 + 48 / 3600, 9);
    expect(parseCoordinatePair('113度56分12.3秒，22度34分48秒')![0]).toBeCloseTo(lon, 9);
  });

  it('follows hemisphere letters when latitude comes first', () => {
    const [lon, lat] = parseCoordinatePair(`22°34'48"N 113°56'12.3"E`)!;
    expect(lon).toBeGreaterThan(113);
    expect(lat).toBeLessThan(23);
  });

  it('refuses what is not a coordinate pair', () => {
    expect(parseCoordinatePair('113.93')).toBeNull();
    expect(parseCoordinatePair('abc, def')).toBeNull();
    expect(parseCoordinatePair(`113°75' 22°10'`)).toBeNull();
    expect(parseCoordinatePair('200, 22')).toBeNull();
  });
});
