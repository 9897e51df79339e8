import { z } from 'zod';
import { route } from './contract.ts';

/**
 * GET /api/basemap: the base-map setting every map of the web client builds its style and
 * attribution from, read from the server's configuration (YZT_TIANDITU_*, YZT_MAP_REVIEW_NO in
 * geodata/config/config.ts; server/routes/basemap.ts).
 */
export const BasemapAnswer = z.object({
  /** Tianditu when an admin configured a key; null: only the product's own base map. */
  tianditu: z.object({
    key: z.string().min(1),
    layer: z.enum(['vector', 'imagery']),
    /** Tile URL template with {t} (host 0-7), {layer}, {z}, {x}, {y} and {tk}. */
    urlTemplate: z.string().min(1),
  }).nullable(),
  /** The 审图号 (map approval number) printed in every map's attribution and on exports. */
  reviewNo: z.string().nullable(),
});

export const BASEMAP_ROUTES = {
  basemap: route({ method: 'GET', path: '/api/basemap', response: BasemapAnswer }),
};
