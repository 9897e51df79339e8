import type { LngLat, StyleSpecification } from 'maplibre-gl';

/** Web Mercator x and y of a longitude and latitude, each in [0, 1) across the world. */
const mercX = (lon: number) => (lon + 180) / 360;
const mercY = (lat: number) => {
  const r = (lat * Math.PI) / 180;
  return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2;
};

/**
 * The tile URLs a map of `width` × `height` CSS pixels centred on `center` at `zoom` asks its
 * vector sources for, as MapLibre picks them for a flat map (coveringTiles): 512-pixel tiles
 * at floor(zoom), clamped to the source's maxzoom (drawn larger beyond it), none below its
 * minzoom, none outside its data bounds. Used to ask for a place's tiles before the map goes
 * there; a tile it names that the map does not want costs one cached tile, nothing more.
 */
export function coveringTileUrls(sources: StyleSpecification['sources'], center: LngLat, zoom: number, width: number, height: number): string[] {
  const urls: string[] = [];
  for (const source of Object.values(sources)) {
    if (source.type !== 'vector' || !source.tiles?.length) continue;
    const z = Math.min(Math.floor(zoom), source.maxzoom ?? 22);
    if (z < (source.minzoom ?? 0)) continue;
    const n = 2 ** z;
    // One tile's width in CSS pixels at this zoom.
    const tilePx = 512 * 2 ** (zoom - z);
    const cx = mercX(center.lng) * n;
    const cy = mercY(center.lat) * n;
    const [west, south, east, north] = source.bounds ?? [-180, -85.051129, 180, 85.051129];
    const clamp = (v: number) => Math.max(0, Math.min(n - 1, v));
    const x0 = clamp(Math.max(Math.floor(cx - width / 2 / tilePx), Math.floor(mercX(west) * n)));
    const x1 = clamp(Math.min(Math.floor(cx + width / 2 / tilePx), Math.floor(mercX(east) * n)));
    const y0 = clamp(Math.max(Math.floor(cy - height / 2 / tilePx), Math.floor(mercY(north) * n)));
    const y1 = clamp(Math.min(Math.floor(cy + height / 2 / tilePx), Math.floor(mercY(south) * n)));
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) urls.push(source.tiles[0]!.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
    }
  }
  return urls;
}
