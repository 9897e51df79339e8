import type { Geometry, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';

export type GeometryKind = 'point' | 'polygon' | 'line';

export type CheckedGeometry = { readonly geometry: Geometry } | { readonly error: string };

const EXPECTED: Readonly<Record<GeometryKind, string>> = {
  point: 'a Point',
  polygon: 'a Polygon or MultiPolygon',
  line: 'a LineString (or a MultiLineString of one part)',
};

/**
 * Checks a GeoJSON geometry against the layer's kind and returns the geometry to store: the
 * structure must be complete, every coordinate finite and within lon −180..180 / lat −90..90,
 * rings closed with at least four positions. A one-part MultiLineString becomes its LineString.
 * Subtler problems (self-intersection) are left to PostGIS's ST_IsValid after the insert.
 * `degrees: false` (a projected file, transformed on insert) checks only that coordinates are finite.
 */
export function checkGeometry(kind: GeometryKind, input: unknown, degrees = true): CheckedGeometry {
  const checkPosition = degrees ? checkLonLat : checkFinite;
  const g = input as { type?: unknown; coordinates?: unknown } | null;
  const type = typeof g?.type === 'string' ? g.type : undefined;
  const wrongType = (): CheckedGeometry => ({ error: `is ${type ? `a ${type}` : 'not a GeoJSON geometry'}; layer needs ${EXPECTED[kind]}` });
  if (!g || !type) return wrongType();
  const coords = g.coordinates;
  try {
    switch (kind) {
      case 'point':
        if (type !== 'Point') return wrongType();
        checkPosition(coords);
        return { geometry: { type: 'Point', coordinates: copyPosition(coords as Position) } satisfies Point };
      case 'polygon':
        if (type === 'Polygon') return { geometry: { type, coordinates: checkPolygon(coords, checkPosition) } satisfies Polygon };
        if (type === 'MultiPolygon') {
          const polygons = asArray(coords, 'MultiPolygon coordinates').map((p) => checkPolygon(p, checkPosition));
          if (polygons.length === 0) return { error: 'is an empty MultiPolygon' };
          return { geometry: { type, coordinates: polygons } satisfies MultiPolygon };
        }
        return wrongType();
      case 'line':
        if (type === 'LineString') return { geometry: { type, coordinates: checkLine(coords, checkPosition) } satisfies LineString };
        if (type === 'MultiLineString') {
          const parts = asArray(coords, 'MultiLineString coordinates');
          if (parts.length !== 1) return { error: `is a MultiLineString of ${parts.length} parts; layer needs one LineString per row` };
          return { geometry: { type: 'LineString', coordinates: checkLine(parts[0], checkPosition) } satisfies LineString };
        }
        return wrongType();
    }
  } catch (err) {
    if (err instanceof GeometryProblem) return { error: err.message };
    throw err;
  }
}

/** Why the pair is not a finite longitude/latitude, or null; shared with CSV lon/lat fields. */
export function coordinateProblem(lon: number, lat: number): string | null {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return `coordinate [${lon}, ${lat}] is not finite`;
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    return `coordinate [${lon}, ${lat}] is outside longitude −180..180 / latitude −90..90`;
  }
  return null;
}

class GeometryProblem extends Error {}

function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new GeometryProblem(`has ${what} that are not a list`);
  return value;
}

type PositionCheck = (value: unknown) => void;

function checkLonLat(value: unknown): void {
  if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
    throw new GeometryProblem(`has a position ${JSON.stringify(value)?.slice(0, 40)} that is not [longitude, latitude]`);
  }
  const problem = coordinateProblem(value[0], value[1]);
  if (problem) throw new GeometryProblem(`has a ${problem}`);
}

function checkFinite(value: unknown): void {
  if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
    throw new GeometryProblem(`has a position ${JSON.stringify(value)?.slice(0, 40)} that is not [x, y]`);
  }
  if (!Number.isFinite(value[0]) || !Number.isFinite(value[1])) throw new GeometryProblem(`has a coordinate [${value[0]}, ${value[1]}] that is not finite`);
}

// Only x and y are kept: the tables are 2-D and a stray Z would make PostGIS refuse the insert.
function copyPosition(p: Position): Position {
  return [p[0]!, p[1]!];
}

function checkLine(value: unknown, checkPosition: PositionCheck): Position[] {
  const positions = asArray(value, 'line coordinates');
  positions.forEach(checkPosition);
  if (positions.length < 2) throw new GeometryProblem(`has a line of ${positions.length} position(s); a line needs at least 2`);
  return (positions as Position[]).map(copyPosition);
}

function checkPolygon(value: unknown, checkPosition: PositionCheck): Position[][] {
  const rings = asArray(value, 'polygon rings');
  if (rings.length === 0) throw new GeometryProblem('has a polygon without rings');
  return rings.map((ring, i) => {
    const positions = asArray(ring, 'ring coordinates');
    positions.forEach(checkPosition);
    const what = i === 0 ? 'the outer ring' : `hole ${i}`;
    if (positions.length < 4) throw new GeometryProblem(`has ${what} of ${positions.length} positions; a ring needs at least 4`);
    const first = positions[0] as Position, last = positions[positions.length - 1] as Position;
    if (first[0] !== last[0] || first[1] !== last[1]) throw new GeometryProblem(`has ${what} not closed (first and last positions differ)`);
    return (positions as Position[]).map(copyPosition);
  });
}
