import type { LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import { tiandituSources, type TiandituSetting } from './basemap-tianditu.ts';
import type { LayerId } from './state.ts';
import type { API, Answer } from '../../geodata/model/api/index.ts';

/**
 * The base map, drawn by MapLibre from the product's own vector tiles: land from the province
 * polygons, basins, rivers (width by stream order), divisions and census zones, with Chinese
 * labels drawn from the local CJK font (no glyph or style URL leaves the machine).
 */
export const LABEL_FONT = 'Noto Sans CJK SC';

/** MapLibre layer ids belonging to each toggle of the layer panel. */
export const MAPLIBRE_LAYERS: Partial<Record<LayerId, string[]>> = {
  basemap: ['online-basemap'],
  basins: ['basins-fill', 'basins-line', 'basins-label'],
  divisions: ['divisions-township-line', 'divisions-county-line', 'divisions-city-line', 'divisions-province-line', 'divisions-label'],
  census_zones: ['census-zones-line'],
  river_reaches: ['river_reaches-line', 'river_reaches-label'],
  outfalls: ['outfalls-circle'],
  sections: ['sections-label'],
  air_stations: ['air-stations-label'],
};

/** Opacity paint properties per MapLibre layer, scaled by the panel's opacity slider. */
export const OPACITY_PROPS: Record<string, { prop: string; base: number }[]> = {
  'online-basemap': [{ prop: 'raster-opacity', base: 1 }],
  'basins-fill': [{ prop: 'fill-opacity', base: 1 }],
  'basins-line': [{ prop: 'line-opacity', base: 1 }],
  'divisions-township-line': [{ prop: 'line-opacity', base: 0.6 }],
  'divisions-county-line': [{ prop: 'line-opacity', base: 1 }],
  'divisions-city-line': [{ prop: 'line-opacity', base: 1 }],
  'divisions-province-line': [{ prop: 'line-opacity', base: 1 }],
  'census-zones-line': [{ prop: 'line-opacity', base: 1 }],
  'river_reaches-line': [{ prop: 'line-opacity', base: 1 }],
  'outfalls-circle': [{ prop: 'circle-opacity', base: 1 }, { prop: 'circle-stroke-opacity', base: 1 }],
};

export const COLORS = {
  sea: '#cfe3f0',
  land: '#f6f3ec',
  basin: '#8cc084',
  river: '#3f7fd0',
  province: '#6b4f3a',
  county: '#8a7a6a',
  zone: '#9b59b6',
  outfall: '#b5541c',
};

/** /tiles/catalog.json as the API contract has it (geodata/model/api/standards.ts). */
export type TileCatalog = Answer<typeof API.tiles.catalog>;

/**
 * With the tile catalog (one request), sources name their tile URLs, zoom range and data bounds
 * directly: per-layer TileJSON requests were a round trip, and on the embedded engine a queue,
 * before the map could ask for its first tile, and without bounds it asks for empty tiles
 * beyond the data. Without the catalog (not signed in yet) sources point at their TileJSON.
 */
export function baseStyle(
  origin: string, onlineBasemapUrl: string | null, catalog?: TileCatalog | null, tianditu?: TiandituSetting | null,
  options: { readonly composite?: boolean } = {},
): StyleSpecification {
  const listed = new Map((catalog?.layers ?? []).map((l) => [l.id, l]));
  const vector = (id: string): SourceSpecification => {
    const l = listed.get(id);
    if (!l) return { type: 'vector', url: `${origin}/tiles/${id}.json` };
    return { type: 'vector', tiles: [`${origin}/tiles/${id}/{z}/{x}/{y}.mvt`], minzoom: l.minzoom, maxzoom: l.maxzoom, ...(l.bounds ? { bounds: l.bounds } : {}) };
  };
  // The base map's tile sources, by their names in the style.
  const sources: Record<string, SourceSpecification> = {
    provinces: vector('divisions_province'),
    cities: vector('divisions_city'),
    counties: vector('divisions_county'),
    townships: vector('divisions_township'),
    zones: vector('census_zones'),
    basins: vector('basins'),
    river_reaches: vector('river_reaches'),
    outfalls: vector('outfalls'),
    sections: vector('sections'),
    stations: vector('air_stations'),
  };
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': COLORS.sea } },
  ];
  if (onlineBasemapUrl) {
    sources.online = { type: 'raster', tiles: [onlineBasemapUrl], tileSize: 256 };
    layers.push({ id: 'online-basemap', type: 'raster', source: 'online', layout: { visibility: 'none' } });
  }
  const label = (size: number, color: string, halo = '#ffffff') => ({
    paint: { 'text-color': color, 'text-halo-color': halo, 'text-halo-width': 1.5 },
    layoutBase: { 'text-field': ['get', 'name'], 'text-font': [LABEL_FONT], 'text-size': size },
  });
  const riverLabel = label(12, '#1d4f91');
  const divLabel = label(13, '#4a3b2f');
  const basinLabel = label(12, '#3b6b35');
  const stationLabel = label(11, '#333333');
  layers.push(...([
    { id: 'land', type: 'fill', source: 'provinces', 'source-layer': 'divisions_province', paint: { 'fill-color': COLORS.land } },
    { id: 'basins-fill', type: 'fill', source: 'basins', 'source-layer': 'basins', paint: { 'fill-color': COLORS.basin, 'fill-opacity': 0.35 } },
    { id: 'basins-line', type: 'line', source: 'basins', 'source-layer': 'basins', paint: { 'line-color': '#5c9a52', 'line-width': 1.2, 'line-dasharray': [3, 2] } },
    { id: 'census-zones-line', type: 'line', source: 'zones', 'source-layer': 'census_zones', minzoom: 8,
      paint: { 'line-color': COLORS.zone, 'line-width': 0.8 } },
    { id: 'divisions-township-line', type: 'line', source: 'townships', 'source-layer': 'divisions_township', minzoom: 10,
      paint: { 'line-color': COLORS.county, 'line-width': 0.5, 'line-dasharray': [2, 2] } },
    { id: 'divisions-county-line', type: 'line', source: 'counties', 'source-layer': 'divisions_county',
      paint: { 'line-color': COLORS.county, 'line-width': 1.2, 'line-dasharray': [4, 2] } },
    { id: 'divisions-city-line', type: 'line', source: 'cities', 'source-layer': 'divisions_city', paint: { 'line-color': COLORS.province, 'line-width': 1.6 } },
    { id: 'divisions-province-line', type: 'line', source: 'provinces', 'source-layer': 'divisions_province', paint: { 'line-color': COLORS.province, 'line-width': 2.2 } },
    { id: 'river_reaches-line', type: 'line', source: 'river_reaches', 'source-layer': 'river_reaches',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': COLORS.river,
        // Width by stream order (Strahler): headwaters hairline, main stems bold; grows with zoom.
        'line-width': ['interpolate', ['linear'], ['zoom'],
          6, ['*', 0.35, ['coalesce', ['get', 'stream_order'], 1]],
          12, ['*', 1.2, ['coalesce', ['get', 'stream_order'], 1]]],
      } },
    { id: 'outfalls-circle', type: 'circle', source: 'outfalls', 'source-layer': 'outfalls', minzoom: 8,
      paint: { 'circle-color': COLORS.outfall, 'circle-radius': 4, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 } },
    { id: 'basins-label', type: 'symbol', source: 'basins', 'source-layer': 'basins', maxzoom: 10,
      layout: { ...basinLabel.layoutBase, 'symbol-placement': 'point' }, paint: basinLabel.paint },
    { id: 'river_reaches-label', type: 'symbol', source: 'river_reaches', 'source-layer': 'river_reaches', minzoom: 8,
      filter: ['>=', ['coalesce', ['get', 'stream_order'], 1], 2],
      layout: { ...riverLabel.layoutBase, 'symbol-placement': 'line', 'symbol-spacing': 400 }, paint: riverLabel.paint },
    { id: 'divisions-label', type: 'symbol', source: 'counties', 'source-layer': 'divisions_county',
      layout: { ...divLabel.layoutBase, 'symbol-placement': 'point' }, paint: divLabel.paint },
    { id: 'sections-label', type: 'symbol', source: 'sections', 'source-layer': 'sections', minzoom: 10,
      layout: { ...stationLabel.layoutBase, 'text-offset': [0, 1.2], 'text-anchor': 'top' }, paint: stationLabel.paint },
    { id: 'air-stations-label', type: 'symbol', source: 'stations', 'source-layer': 'air_stations', minzoom: 10,
      layout: { ...stationLabel.layoutBase, 'text-offset': [0, 1.2], 'text-anchor': 'top' }, paint: stationLabel.paint },
    // The shared label helper widens the literal types, so the list is checked as a whole here.
  ] as unknown as LayerSpecification[]));
  const style = options.composite && catalog ? compositeStyle(origin, catalog, sources, layers) : { sources, layers };
  if (!tianditu) return { version: 8, ...style };
  // With an admin's Tianditu key its tiles lie under the product's own lines and labels, in
  // place of the plain land fill (which would hide them).
  const t = tiandituSources(tianditu);
  return { version: 8, sources: { ...style.sources, ...t.sources }, layers: [style.layers[0]!, ...t.layers, ...style.layers.slice(1).filter((l) => l.id !== 'land')] };
}

/**
 * The same layers over one source: the catalog's base layers as one composite tile per address
 * (`/tiles/a,b,…/{z}/{x}/{y}.mvt`). A map that jumps from place to place (the review map) then
 * asks for 4 tiles a view instead of 40, and MapLibre parses 4 instead of 40 (in software WebGL
 * each tile's parse, layout and upload cost more than its few features: bench:workbench).
 */
function compositeStyle(origin: string, catalog: TileCatalog, sources: Record<string, SourceSpecification>, layers: LayerSpecification[]) {
  const ids = [...new Set(layers.flatMap((l) => ('source-layer' in l && l['source-layer'] ? [l['source-layer']] : [])))];
  const parts = catalog.layers.filter((l) => ids.includes(l.id));
  const boxes = parts.flatMap((l) => (l.bounds ? [l.bounds] : []));
  const base: SourceSpecification = {
    type: 'vector',
    tiles: [`${origin}/tiles/${parts.map((l) => l.id).join(',')}/{z}/{x}/{y}.mvt`],
    minzoom: Math.min(...parts.map((l) => l.minzoom)),
    maxzoom: Math.max(...parts.map((l) => l.maxzoom)),
    ...(boxes.length ? { bounds: [Math.min(...boxes.map((b) => b[0]!)), Math.min(...boxes.map((b) => b[1]!)), Math.max(...boxes.map((b) => b[2]!)), Math.max(...boxes.map((b) => b[3]!))] as [number, number, number, number] } : {}),
  };
  const own = new Set(Object.keys(sources).filter((k) => sources[k]!.type === 'vector'));
  return {
    sources: { ...Object.fromEntries(Object.entries(sources).filter(([k]) => !own.has(k))), base },
    layers: layers.map((l) => ('source' in l && own.has(l.source) ? ({ ...l, source: 'base' } as LayerSpecification) : l)),
  };
}
