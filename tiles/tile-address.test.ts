import { describe, expect, it } from 'vitest';
import { MAX_LATITUDE, TileAddressError, boxesIntersect, parseTileAddress, tileAt, tileLonLatBox } from './tile-address.ts';

const ZOOMS = { minzoom: 0, maxzoom: 22 };

describe('tile addresses', () => {
  it('parses plain z/x/y integers within the zoom and the tile range', () => {
    expect(parseTileAddress('0', '0', '0', ZOOMS)).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTileAddress('12', '3340', '1786', ZOOMS)).toEqual({ z: 12, x: 3340, y: 1786 });
    expect(parseTileAddress('3', '7', '7', ZOOMS)).toEqual({ z: 3, x: 7, y: 7 });
  });

  it.each([
    ['-1', '0', '0', /z must be a non-negative integer/],
    ['1.5', '0', '0', /z must be/],
    ['1e1', '0', '0', /z must be/],
    ['01', '0', '0', /z must be/],
    ['+1', '0', '0', /z must be/],
    ['', '0', '0', /z must be/],
    ['3', 'x', '0', /x must be/],
    ['3', '0', ' 1', /y must be/],
    ['3', '8', '0', /x=8 is out of range at z=3 \(0\.\.7\)/],
    ['3', '0', '8', /y=8 is out of range at z=3/],
    ['23', '0', '0', /z=23 is outside this layer's zoom range 0\.\.22/],
  ])('refuses z=%j x=%j y=%j, naming the part', (z, x, y, message) => {
    expect(() => parseTileAddress(z, x, y, ZOOMS)).toThrow(TileAddressError);
    expect(() => parseTileAddress(z, x, y, ZOOMS)).toThrow(message);
  });

  it("refuses a zoom below the layer's minimum", () => {
    expect(() => parseTileAddress('7', '0', '0', { minzoom: 8, maxzoom: 22 })).toThrow(/outside this layer's zoom range 8\.\.22/);
  });

  it('gives the whole web-mercator world for tile 0/0/0', () => {
    const [w, s, e, n] = tileLonLatBox({ z: 0, x: 0, y: 0 });
    expect([w, e]).toEqual([-180, 180]);
    expect(n).toBeCloseTo(MAX_LATITUDE, 10);
    expect(s).toBeCloseTo(-MAX_LATITUDE, 10);
  });

  it('grows the box by a margin in tile units and clamps it to the world', () => {
    const tile = { z: 1, x: 1, y: 0 };
    const [w, s, e, n] = tileLonLatBox(tile);
    expect([w, s, e]).toEqual([0, 0, 180]);
    expect(n).toBeCloseTo(MAX_LATITUDE, 10);
    const grown = tileLonLatBox(tile, 64);
    // 64 of 4096 units of a 180° tile is 2.8125°, on the west side; east and north are clamped.
    expect(grown[0]).toBeCloseTo(-2.8125, 10);
    expect(grown[2]).toBe(180);
    expect(grown[1]).toBeLessThan(0);
    expect(grown[3]).toBeCloseTo(MAX_LATITUDE, 10);
  });

  it('finds the tile holding a point, and that tile box holds the point', () => {
    const lon = 113.93, lat = 22.53;
    for (const z of [0, 5, 10, 14, 18]) {
      const t = tileAt(lon, lat, z);
      const [w, s, e, n] = tileLonLatBox(t);
      expect(lon).toBeGreaterThanOrEqual(w);
      expect(lon).toBeLessThan(e);
      expect(lat).toBeGreaterThan(s);
      expect(lat).toBeLessThanOrEqual(n);
    }
    expect(tileAt(113.93, 22.53, 12)).toEqual({ z: 12, x: 3344, y: 1784 });
    expect(tileAt(180, 0, 2).x).toBe(3);
  });

  it('tells whether two boxes meet, edges included', () => {
    expect(boxesIntersect([0, 0, 1, 1], [0.5, 0.5, 2, 2])).toBe(true);
    expect(boxesIntersect([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true);
    expect(boxesIntersect([0, 0, 1, 1], [1.01, 0, 2, 1])).toBe(false);
    expect(boxesIntersect([0, 0, 1, 1], [0, 1.01, 1, 2])).toBe(false);
  });
});
