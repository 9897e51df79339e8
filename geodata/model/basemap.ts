import type { z } from 'zod';
import type { BasemapAnswer as BasemapAnswerSchema } from './api/basemap.ts';

/**
 * The base-map setting every map of the web client receives (GET /api/basemap), from the
 * server's configuration (YZT_TIANDITU_*, YZT_MAP_REVIEW_NO in geodata/config/config.ts); its
 * schema is the API contract's (geodata/model/api/basemap.ts).
 */
export type BasemapAnswer = z.output<typeof BasemapAnswerSchema>;

/** Tianditu's Web Mercator WMTS tiles (the `_w` services, hosts t0-t7). */
export const TIANDITU_URL_TEMPLATE =
  'https://t{t}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}';

/** The tile URLs of one Tianditu layer: one per host when the template names {t}, else one. */
export function tiandituTileUrls(urlTemplate: string, layer: string, key: string): string[] {
  const fill = (t: string) => urlTemplate.replaceAll('{t}', t).replaceAll('{layer}', layer).replaceAll('{tk}', encodeURIComponent(key));
  return urlTemplate.includes('{t}') ? Array.from({ length: 8 }, (_, i) => fill(String(i))) : [fill('0')];
}

/** The origins a browser fetches Tianditu tiles from (for the page's content policy). */
export function tiandituOrigins(urlTemplate: string): string[] {
  return [...new Set(tiandituTileUrls(urlTemplate, 'vec', 'k').map((u) => new URL(u.replace(/\{[zxy]\}/g, '0')).origin))];
}
