import type { Geometry, Position } from 'geojson';
import vtpbf from 'vt-pbf';
import { TILE_EXTENT } from './tile-address.ts';
import type { TileStatement } from './tile-queries.ts';

/**
 * Encodes rows of a 'rows' statement (geometry already clipped, snapped and in tile units)
 * into a Mapbox Vector Tile with vt-pbf, the way ST_AsMVT encodes the same rows: one layer,
 * extent 4096, version 2, null attributes left out, exterior rings clockwise on screen.
 * An empty result gives an empty tile (zero bytes), as ST_AsMVT does.
 */
export function encodeRows(statement: TileStatement, rows: readonly Record<string, unknown>[]): Buffer {
  const features: VtFeature[] = [];
  for (const row of rows) {
    const geometry = rowGeometry(statement, row);
    if (!geometry) continue;
    const tags: Record<string, string | number | boolean> = {};
    for (const [name, type] of Object.entries(statement.attributes)) {
      const v = row[name];
      if (v === null || v === undefined) continue;
      tags[name] = type === 'Number' ? Number(v) : type === 'Boolean' ? Boolean(v) : String(v);
    }
    const feature: VtFeature = { type: geometry.type, geometry: geometry.coords, tags };
    if (statement.hasFeatureId && row.fid !== null && row.fid !== undefined) feature.id = Number(row.fid);
    features.push(feature);
  }
  if (features.length === 0) return Buffer.alloc(0);
  const bytes = vtpbf.fromGeojsonVt({ [statement.layerName]: { features } }, { version: 2, extent: TILE_EXTENT });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface VtFeature {
  id?: number;
  type: 1 | 2 | 3;
  geometry: number[][] | number[][][];
  tags: Record<string, string | number | boolean>;
}

function rowGeometry(statement: TileStatement, row: Record<string, unknown>): { type: 1 | 2 | 3; coords: number[][] | number[][][] } | null {
  if (statement.geometry === 'point') return { type: 1, coords: [[Number(row.px), Number(row.py)]] };
  const g = JSON.parse(String(row.geojson)) as Geometry;
  switch (g.type) {
    case 'LineString':
      return { type: 2, coords: [ints(g.coordinates)] };
    case 'MultiLineString':
      return { type: 2, coords: g.coordinates.map(ints) };
    case 'Polygon':
      return { type: 3, coords: orientPolygon(g.coordinates) };
    case 'MultiPolygon':
      return { type: 3, coords: g.coordinates.flatMap(orientPolygon) };
    default:
      return null;
  }
}

/** MVT spec 4.3.4.4: exterior rings have positive surveyor's area in tile units (y down), holes negative. */
function orientPolygon(rings: Position[][]): number[][][] {
  return rings.map((ring, i) => {
    const r = ints(ring);
    const exterior = i === 0;
    return (signedArea(r) > 0) === exterior ? r : r.reverse();
  });
}

function signedArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!;
  }
  return sum;
}

function ints(positions: Position[]): number[][] {
  return positions.map((p) => [Math.round(p[0]!), Math.round(p[1]!)]);
}
