import { MercatorCoordinate, type LngLat, type StyleSpecification } from 'maplibre-gl';

/** Web Mercator x and y of a longitude and latitude, each in [0, 1) across the world (MapLibre's own). */
const merc = (lng: number, lat: number) => MercatorCoordinate.fromLngLat({ lng, lat });

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
    const c = merc(center.lng, center.lat);
    const [west, south, east, north] = source.bounds ?? [-180, -85.051129, 180, 85.051129];
    // The data bounds' north-west and south-east corners.
    const nw = merc(west, north);
    const se = merc(east, south);
    const clamp = (v: number) => Math.max(0, Math.min(n - 1, v));
    const x0 = clamp(Math.max(Math.floor(c.x * n - width / 2 / tilePx), Math.floor(nw.x * n)));
    const x1 = clamp(Math.min(Math.floor(c.x * n + width / 2 / tilePx), Math.floor(se.x * n)));
    const y0 = clamp(Math.max(Math.floor(c.y * n - height / 2 / tilePx), Math.floor(nw.y * n)));
    const y1 = clamp(Math.min(Math.floor(c.y * n + height / 2 / tilePx), Math.floor(se.y * n)));
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) urls.push(source.tiles[0]!.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y)));
    }
  }
  return urls;
}
