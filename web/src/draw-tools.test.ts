import { describe, expect, it } from 'vitest';
import { areaSquareMetres, distance, pathLength } from './draw-tools.ts';

// The drawing tools' measures (turf, on the sphere), against figures worked out by hand.
describe('the drawing tools measure', () => {
  it('a circle of 1 km as the 64-sided polygon drawn: ½·64·r²·sin(2π/64) ≈ 3.1365 km²', () => {
    const drawn = 0.5 * 64 * 1000 ** 2 * Math.sin((2 * Math.PI) / 64);
    expect(areaSquareMetres({ kind: 'circle', center: [113.9, 22.5], radius: 1000 }) / drawn).toBeCloseTo(1, 2);
  });

  it('a 0.1° square at the equator: R²·Δλ·(sin φ₂ − sin φ₁) on the 6,371,008.8 m mean-radius sphere, within 0.01 %', () => {
    const R = 6371008.8;
    const d = (0.1 * Math.PI) / 180;
    const exact = R * R * d * Math.sin(d);
    const a = areaSquareMetres({ kind: 'bbox', bbox: [0, 0, 0.1, 0.1] });
    expect(Math.abs(a / exact - 1)).toBeLessThan(0.0001);
  });

  it('a polygon ring the same as its bounding box when it is one', () => {
    const ring: [number, number][] = [[113, 22], [113.2, 22], [113.2, 22.1], [113, 22.1], [113, 22]];
    expect(areaSquareMetres({ kind: 'polygon', geometry: { type: 'Polygon', coordinates: [ring] } })).toBeCloseTo(areaSquareMetres({ kind: 'bbox', bbox: [113, 22, 113.2, 22.1] }), 0);
  });

  it('distance along a meridian: 1° ≈ 111.2 km on the mean-radius sphere; a path sums its legs', () => {
    expect(distance([114, 22], [114, 23]) / 1000).toBeCloseTo(111.19, 1);
    expect(pathLength([[114, 22], [114, 22.5], [114, 23]])).toBeCloseTo(distance([114, 22], [114, 23]), 3);
  });
});
