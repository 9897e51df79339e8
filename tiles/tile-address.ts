/** A tile's address in the XYZ (web mercator, EPSG:3857) scheme, validated. */
export interface TileAddress {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** Longitude/latitude box: [west, south, east, north]. */
export type LonLatBox = readonly [number, number, number, number];

export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Web mercator's latitude limit. */
export const MAX_LATITUDE = 85.0511287798066;

export class TileAddressError extends Error {
  override name = 'TileAddressError';
}

/**
 * Parses z/x/y path segments. Each must be a plain non-negative integer (no sign, no
 * fraction, no exponent), z within [minzoom, maxzoom] and x, y within [0, 2^z).
 */
export function parseTileAddress(z: string, x: string, y: string, zoomRange: { minzoom: number; maxzoom: number }): TileAddress {
  const zi = plainInteger('z', z);
  if (zi < zoomRange.minzoom || zi > zoomRange.maxzoom) {
    throw new TileAddressError(`z=${zi} is outside this layer's zoom range ${zoomRange.minzoom}..${zoomRange.maxzoom}`);
  }
  const n = 2 ** zi;
  const xi = plainInteger('x', x);
  const yi = plainInteger('y', y);
  if (xi >= n) throw new TileAddressError(`x=${xi} is out of range at z=${zi} (0..${n - 1})`);
  if (yi >= n) throw new TileAddressError(`y=${yi} is out of range at z=${zi} (0..${n - 1})`);
  return { z: zi, x: xi, y: yi };
}

/** The tile's box in degrees, grown by `margin` tile units on every side (clamped to the world). */
export function tileLonLatBox({ z, x, y }: TileAddress, margin = 0): LonLatBox {
  const n = 2 ** z;
  const m = margin / TILE_EXTENT;
  const west = Math.max(-180, ((x - m) / n) * 360 - 180);
  const east = Math.min(180, ((x + 1 + m) / n) * 360 - 180);
  const north = Math.min(MAX_LATITUDE, latitudeOf((y - m) / n));
  const south = Math.max(-MAX_LATITUDE, latitudeOf((y + 1 + m) / n));
  return [west, south, east, north];
}

/** The tile holding a lon/lat at a zoom. */
export function tileAt(lon: number, lat: number, z: number): TileAddress {
  const n = 2 ** z;
  const x = Math.min(n - 1, Math.floor(((lon + 180) / 360) * n));
  const r = (lat * Math.PI) / 180;
  const y = Math.min(n - 1, Math.floor(((1 - Math.asinh(Math.tan(r)) / Math.PI) / 2) * n));
  return { z, x, y };
}

export function boxesIntersect(a: LonLatBox, b: LonLatBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function latitudeOf(worldY: number): number {
  const clamped = Math.min(1, Math.max(0, worldY));
  return (Math.atan(Math.sinh(Math.PI * (1 - 2 * clamped))) * 180) / Math.PI;
}

function plainInteger(name: string, text: string): number {
  if (!/^(0|[1-9][0-9]{0,9})$/.test(text)) {
    throw new TileAddressError(`${name} must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}
