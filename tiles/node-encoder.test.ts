import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import vtpbf from 'vt-pbf';
import { describe, expect, it } from 'vitest';
import { encodeRows } from './node-encoder.ts';
import type { TileStatement } from './tile-queries.ts';

// The encoder replaced vt-pbf for speed; vt-pbf (a dev dependency now) stays the reference:
// the same rows must give the very same bytes, and decode to what went in.

const statement = (geometry: TileStatement['geometry'], hasFeatureId = true): TileStatement => ({
  name: 'test',
  text: '',
  layerName: 'things',
  geometry,
  hasFeatureId,
  attributes: { name: 'String', count: 'Number', cod: 'Number', flag: 'Boolean', code: 'String' },
  values: () => [],
});

/** What the old encoder handed vt-pbf for the same rows. */
function viaVtPbf(s: TileStatement, features: { id?: number; type: 1 | 2 | 3; geometry: number[][] | number[][][]; tags: Record<string, unknown> }[]): Buffer {
  if (features.length === 0) return Buffer.alloc(0);
  const bytes = vtpbf.fromGeojsonVt({ [s.layerName]: { features } }, { version: 2, extent: 4096 });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

describe('Node MVT encoder', () => {
  it('writes points with shared keys and values byte for byte as vt-pbf does, nulls left out', () => {
    const rows = [
      { fid: '7', name: '甲厂', count: 3, cod: 12.5, flag: true, code: '440306', px: 10, py: 20 },
      { fid: 8, name: '乙厂', count: -2, cod: 12.5, flag: false, code: null, px: -30, py: 4100 },
      { fid: null, name: '1', count: 1, cod: '0.125', flag: null, code: '1', px: '4096', py: '0' },
    ];
    const s = statement('point');
    const bytes = encodeRows(s, rows);
    expect(bytes).toEqual(viaVtPbf(s, [
      { id: 7, type: 1, geometry: [[10, 20]], tags: { name: '甲厂', count: 3, cod: 12.5, flag: true, code: '440306' } },
      { id: 8, type: 1, geometry: [[-30, 4100]], tags: { name: '乙厂', count: -2, cod: 12.5, flag: false } },
      { type: 1, geometry: [[4096, 0]], tags: { name: '1', count: 1, cod: 0.125, code: '1' } },
    ]));
    const layer = new VectorTile(new PbfReader(bytes)).layers.things!;
    expect(layer.length).toBe(3);
    expect(layer.extent).toBe(4096);
    expect(layer.feature(1).properties).toEqual({ name: '乙厂', count: -2, cod: 12.5, flag: false });
    expect(layer.feature(1).id).toBe(8);
    // The number 1 and the string '1' are different values.
    expect(layer.feature(2).properties).toEqual({ name: '1', count: 1, cod: 0.125, code: '1' });
    expect(layer.feature(2).loadGeometry()[0]![0]).toMatchObject({ x: 4096, y: 0 });
  });

  it('writes lines and polygons (holes, multipolygons, either winding in) as vt-pbf does', () => {
    const square = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]];
    const hole = [[20, 20], [20, 80], [80, 80], [80, 20], [20, 20]];
    const rows = [
      { fid: 1, name: 'line', geojson: JSON.stringify({ type: 'LineString', coordinates: [[0, 0], [10.4, 5.6], [20, -7]] }) },
      { fid: 2, name: 'lines', geojson: JSON.stringify({ type: 'MultiLineString', coordinates: [[[1, 1], [2, 2]], [[5, 5], [9, 1]]] }) },
      { fid: 3, name: 'poly', geojson: JSON.stringify({ type: 'Polygon', coordinates: [square, hole] }) },
      { fid: 4, name: 'multi', geojson: JSON.stringify({ type: 'MultiPolygon', coordinates: [[[...square].reverse()], [[[200, 200], [300, 200], [300, 300], [200, 200]]]] }) },
      { fid: 5, name: 'nothing', geojson: JSON.stringify({ type: 'Point', coordinates: [1, 1] }) },
    ];
    const s = statement('polygon');
    const bytes = encodeRows(s, rows);
    // MVT spec 4.3.4.4: exterior rings have a positive surveyor's area (x right, y down), holes negative.
    const area = (r: number[][]) => r.slice(1).reduce((a, p, i) => a + r[i]![0]! * p[1]! - p[0]! * r[i]![1]!, 0);
    const exterior = (r: number[][]) => (area(r) > 0 ? r : [...r].reverse());
    const inner = (r: number[][]) => (area(r) < 0 ? r : [...r].reverse());
    expect(bytes).toEqual(viaVtPbf(s, [
      { id: 1, type: 2, geometry: [[[0, 0], [10, 6], [20, -7]]], tags: { name: 'line' } },
      { id: 2, type: 2, geometry: [[[1, 1], [2, 2]], [[5, 5], [9, 1]]], tags: { name: 'lines' } },
      { id: 3, type: 3, geometry: [exterior(square), inner(hole)], tags: { name: 'poly' } },
      { id: 4, type: 3, geometry: [exterior(square), exterior([[200, 200], [300, 200], [300, 300], [200, 200]])], tags: { name: 'multi' } },
    ]));
    const layer = new VectorTile(new PbfReader(bytes)).layers.things!;
    expect(layer.length).toBe(4);
    expect(layer.feature(2).type).toBe(3);
    expect(layer.feature(2).loadGeometry().map((r) => r.length)).toEqual([5, 5]);
  });

  it('gives an empty tile for no rows, or rows without a geometry to draw', () => {
    expect(encodeRows(statement('point'), []).length).toBe(0);
    expect(encodeRows(statement('line'), [{ name: 'x', geojson: '{"type":"Point","coordinates":[0,0]}' }]).length).toBe(0);
  });
});
