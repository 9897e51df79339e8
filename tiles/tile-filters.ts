import { FILTERS, filterKey, NO_FILTERS, parseSourceFilters, SourceFilterError, type FilterName, type SourceFilters } from '../geodata/model/source-filters.ts';
import type { TileLayer } from './tile-layers.ts';

/**
 * The tiles' side of the one filter module (geodata/model/source-filters.ts): each layer takes
 * the filters its definition lists, parsed and checked there.
 */
export type TileFilters = SourceFilters;
export { filterKey, NO_FILTERS, SourceFilterError as TileFilterError };

/** What each filter means, published in TileJSON (`filters`) so clients and docs share one list. */
export const FILTER_DOCS: Readonly<Record<FilterName, { description: string; example: string; values?: readonly string[] }>> = Object.fromEntries(
  Object.entries(FILTERS).map(([name, f]) => [name, { description: f.description, example: f.example, ...(f.values ? { values: f.values } : {}) }]),
) as Record<FilterName, { description: string; example: string; values?: readonly string[] }>;

/**
 * Validates a request's query parameters for a layer. An unknown parameter, a parameter
 * the layer does not take, a repeated one or a malformed value is a TileFilterError naming it.
 */
export function parseTileFilters(layer: Pick<TileLayer, 'id' | 'filters'>, query: Record<string, unknown>): TileFilters {
  return parseSourceFilters(query, layer.filters, { what: `layer ${layer.id}` });
}
