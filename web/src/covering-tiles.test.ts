import { describe, expect, it } from 'vitest';
import type { LngLat, StyleSpecification } from 'maplibre-gl';
import { coveringTileUrls } from './covering-tiles.ts';

const at = (lng: number, lat: number) => ({ lng, lat }) as LngLat;

describe('coveringTileUrls', () => {
  it('names the tiles around the centre at floor(zoom), as MapLibre picks them', () => {
    const sources: StyleSpecification['sources'] = { a: { type: 'vector', tiles: ['http://h/tiles/a/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 22 } };
    // Tile 14/13336/7116 spans lon 113.0273…113.0493; its centre, at zoom 14.0, is one tile
    // wide, so a 512 × 512 view centred there sees exactly it.
    const x = 13336, y = 7116, n = 2 ** 14;
    const lon = ((x + 0.5) / n) * 360 - 180;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / n))) * 180) / Math.PI;
    expect(coveringTileUrls(sources, at(lon, lat), 14, 500, 500)).toEqual([`http://h/tiles/a/14/${x}/${y}.mvt`]);
    // At 14.9 the same view still reads z14 tiles (each now 955 px wide).
    expect(coveringTileUrls(sources, at(lon, lat), 14.9, 500, 500)).toEqual([`http://h/tiles/a/14/${x}/${y}.mvt`]);
    // A view twice as wide reaches the neighbours on both sides.
    expect(coveringTileUrls(sources, at(lon, lat), 14, 1100, 500)).toEqual([13335, 13336, 13337].map((c) => `http://h/tiles/a/14/${c}/${y}.mvt`));
  });

  it('clamps to the source maxzoom, skips it below its minzoom and keeps to its bounds', () => {
    const lon = 113.5, lat = 22.7;
    const capped: StyleSpecification['sources'] = { p: { type: 'vector', tiles: ['/p/{z}/{x}/{y}'], maxzoom: 12 } };
    expect(coveringTileUrls(capped, at(lon, lat), 15.3, 400, 300).every((u) => u.startsWith('/p/12/'))).toBe(true);
    const late: StyleSpecification['sources'] = { z: { type: 'vector', tiles: ['/z/{z}/{x}/{y}'], minzoom: 16 } };
    expect(coveringTileUrls(late, at(lon, lat), 15.3, 400, 300)).toEqual([]);
    // Data bounds west of the view: nothing to ask for.
    const away: StyleSpecification['sources'] = { w: { type: 'vector', tiles: ['/w/{z}/{x}/{y}'], bounds: [100, 20, 101, 21] } };
    expect(coveringTileUrls(away, at(lon, lat), 15.3, 400, 300)).toEqual([]);
    // Raster and GeoJSON sources are not vector tile sources.
    const other: StyleSpecification['sources'] = { r: { type: 'raster', tiles: ['/r/{z}/{x}/{y}'] }, g: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } } };
    expect(coveringTileUrls(other, at(lon, lat), 15.3, 400, 300)).toEqual([]);
  });
});
