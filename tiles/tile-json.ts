import type { TileCatalogDocument, TileJsonDocument } from '../geodata/model/api/standards.ts';
import { FILTER_DOCS } from './tile-filters.ts';
import { CELL_ATTRIBUTES, SOURCE_CELLS_LAYER, type TileLayer } from './tile-layers.ts';

const WORLD_BOUNDS: [number, number, number, number] = [-180, -85.0511287798066, 180, 85.0511287798066];

export interface TileJsonContext {
  readonly baseUrl: string;
  /** The request's (already validated) filters, carried into the tile URL template. */
  readonly query: Record<string, unknown>;
  readonly bounds: [number, number, number, number] | null;
  readonly detailZoom: number;
  readonly cellSize: number;
  /** Byte budget of a sources tile: denser detail tiles come as fine cells. */
  readonly maxTileBytes: number;
}

/** TileJSON 3.0.0 for one layer; `filters` (our extension) lists the query parameters it takes. */
export function tileJson(layer: TileLayer, ctx: TileJsonContext): TileJsonDocument {
  const search = new URLSearchParams(Object.entries(ctx.query).map(([k, v]) => [k, String(v)])).toString();
  const fields = Object.fromEntries(Object.entries(layer.attributes).map(([n, a]) => [n, a.type]));
  const vectorLayers: TileJsonDocument['vector_layers'] = [];
  if (layer.id === 'sources') {
    vectorLayers.push({
      id: SOURCE_CELLS_LAYER,
      description: `Sources aggregated per grid cell (${ctx.cellSize}/4096 of a tile) or per census unit (filter agg) below zoom ${ctx.detailZoom}; ` +
        `from zoom ${ctx.detailZoom} on, a tile whose sources would exceed ${Math.round(ctx.maxTileBytes / 1024)} KB comes as finer grid cells instead`,
      minzoom: layer.minzoom,
      maxzoom: layer.maxzoom,
      fields: CELL_ATTRIBUTES,
    });
    vectorLayers.push({ id: layer.id, description: layer.description, minzoom: ctx.detailZoom, maxzoom: layer.maxzoom, fields });
  } else {
    vectorLayers.push({ id: layer.id, description: layer.description, minzoom: layer.minzoom, maxzoom: layer.maxzoom, fields });
  }
  const bounds = ctx.bounds ?? WORLD_BOUNDS;
  return {
    tilejson: '3.0.0',
    name: layer.id,
    description: layer.description,
    scheme: 'xyz',
    tiles: [`${ctx.baseUrl}/tiles/${layer.id}/{z}/{x}/{y}.mvt${search ? `?${search}` : ''}`],
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.max(layer.minzoom, 8)],
    vector_layers: vectorLayers,
    filters: Object.fromEntries(layer.filters.map((f) => [f, FILTER_DOCS[f]])),
    ...(layer.id === 'sources' ? { detail_zoom: ctx.detailZoom, cell_size: ctx.cellSize, max_tile_bytes: ctx.maxTileBytes } : {}),
  };
}

export function catalogJson(layers: readonly TileLayer[], baseUrl: string, detailZoom: number, bounds: ReadonlyMap<string, readonly number[] | null> = new Map()): TileCatalogDocument {
  return {
    detail_zoom: detailZoom,
    layers: layers.map((l) => ({
      id: l.id,
      description: l.description,
      geometry: l.geometry,
      minzoom: l.minzoom,
      maxzoom: l.maxzoom,
      // The data's extent (the table's, whatever the caller's region), so a client can skip tiles outside it.
      ...(boundsOf(bounds.get(l.table))),
      tilejson: `${baseUrl}/tiles/${l.id}.json`,
      tiles: `${baseUrl}/tiles/${l.id}/{z}/{x}/{y}.mvt`,
      filters: [...l.filters],
    })),
  };
}

/** A stored extent as the catalog's [west, south, east, north], or nothing when the table is empty. */
function boundsOf(b: readonly number[] | null | undefined): { bounds?: [number, number, number, number] } {
  return b && b.length === 4 ? { bounds: [b[0]!, b[1]!, b[2]!, b[3]!] } : {};
}
