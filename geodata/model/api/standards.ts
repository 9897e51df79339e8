import { z } from 'zod';
import { route } from './contract.ts';

/**
 * Routes whose answers follow a published standard rather than a schema of ours: vector tiles
 * and their TileJSON 3.0 and MapLibre style (server/routes/tiles.ts), OGC API – Features
 * (server/routes/ogc.ts) and Prometheus text (/metrics). The standard is their contract; the
 * clients that read them are tested against them (GDAL, QGIS and MapLibre in test/interop and
 * the browser tests). The JSON ones are still checked for the members those clients need.
 */

export const TileJson = z.looseObject({
  tilejson: z.literal('3.0.0'),
  tiles: z.array(z.string()).min(1),
  minzoom: z.number(),
  maxzoom: z.number(),
  bounds: z.array(z.number()).length(4).optional(),
  vector_layers: z.array(z.looseObject({ id: z.string(), fields: z.record(z.string(), z.string()) })),
});
/** A TileJSON document as tiles/tile-json.ts writes it. */
export type TileJsonDocument = z.input<typeof TileJson>;
/** /tiles/catalog.json: every layer's tile URL, zoom range and data bounds in one answer (tiles/tile-json.ts catalogJson). */
export const TileCatalog = z.object({
  /** The zoom from which sources are drawn one by one rather than as cells. */
  detail_zoom: z.number().int(),
  layers: z.array(z.object({
    id: z.string(),
    description: z.string(),
    geometry: z.string(),
    minzoom: z.number().int(),
    maxzoom: z.number().int(),
    bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional(),
    tilejson: z.string(),
    tiles: z.string(),
    filters: z.array(z.string()),
  })),
});
export type TileCatalogDocument = z.input<typeof TileCatalog>;
const MapLibreStyle = z.looseObject({ version: z.literal(8), sources: z.record(z.string(), z.unknown()), layers: z.array(z.looseObject({ id: z.string(), type: z.string() })) });

export const TILE_ROUTES = {
  style: route({ method: 'GET', path: '/tiles/style.json', response: MapLibreStyle, answer: 'MapLibre style spec v8' }),
  catalog: route({ method: 'GET', path: '/tiles/catalog.json', response: TileCatalog }),
  tileJson: route({ method: 'GET', path: '/tiles/:layer.json', response: TileJson, answer: 'TileJSON 3.0.0' }),
  tile: route({ method: 'GET', path: '/tiles/:layer/:z/:x/:y.mvt', response: null, answer: 'Mapbox Vector Tile 2.1' }),
};

const OGC = 'OGC API – Features 1.0 (parts 1 and 2)';
export const OGC_ROUTES = {
  landing: route({ method: 'GET', path: '/ogc/', response: null, answer: OGC }),
  conformance: route({ method: 'GET', path: '/ogc/conformance', response: null, answer: OGC }),
  openApi: route({ method: 'GET', path: '/ogc/api', response: null, answer: 'OpenAPI 3.0' }),
  collections: route({ method: 'GET', path: '/ogc/collections', response: null, answer: OGC }),
  collection: route({ method: 'GET', path: '/ogc/collections/:id', response: null, answer: OGC }),
  schema: route({ method: 'GET', path: '/ogc/collections/:id/schema', response: null, answer: 'OGC API – Features part 5 (JSON Schema)' }),
  items: route({ method: 'GET', path: '/ogc/collections/:id/items', response: null, answer: `${OGC}, GeoJSON` }),
  item: route({ method: 'GET', path: '/ogc/collections/:id/items/:featureId', response: null, answer: `${OGC}, GeoJSON` }),
};

export const METRICS_ROUTES = {
  metrics: route({ method: 'GET', path: '/metrics', response: null, answer: 'Prometheus text exposition 0.0.4' }),
};
