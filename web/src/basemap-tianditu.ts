import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { TIANDITU_URL_TEMPLATE, tiandituTileUrls, type BasemapAnswer } from '../../geodata/model/basemap.ts';
import { API } from '../../geodata/model/api/index.ts';
import { http } from './http.ts';
import { t as tr } from './i18n.ts';

/** The server's Tianditu setting as the client receives it (GET /api/basemap, geodata/config/config.ts). */
export interface TiandituSetting {
  readonly key: string;
  /** Vector (vec + cva) or imagery (img + cia): each with its Chinese annotation layer. */
  readonly layer: 'vector' | 'imagery';
  /** The 审图号 the admin configured, printed on the map and on exports. */
  readonly reviewNo: string | null;
  /** Tile URL template ({t}, {layer}, {z}, {x}, {y}, {tk}); Tianditu's own hosts when absent. */
  readonly urlTemplate?: string;
}

const NO_BASEMAP: BasemapAnswer = { tianditu: null, reviewNo: null };
let asked: Promise<BasemapAnswer> | null = null;

/**
 * The server's base-map setting, asked once per page (every map shares it). Without an answer
 * (not signed in, an old server) the maps draw the product's own base map only.
 */
export function loadBasemap(): Promise<BasemapAnswer> {
  asked ??= http.call(API.basemap.basemap).catch(() => { asked = null; return NO_BASEMAP; });
  return asked;
}

/** The Tianditu setting of an answer, for baseStyle; null without a key. */
export function tiandituOf(b: BasemapAnswer): TiandituSetting | null {
  return b.tianditu ? { ...b.tianditu, reviewNo: b.reviewNo } : null;
}

/**
 * The credit line of a map with this setting: the product's own data, Tianditu when it is
 * drawn, and the 审图号 when one is configured (on screen and on every exported picture).
 */
export function mapCredit(b: BasemapAnswer, own: string): string {
  const t = tiandituOf(b);
  if (t) return `${own} · ${tiandituAttribution(t)}`;
  return b.reviewNo ? `${own} · 审图号 ${b.reviewNo}` : own;
}

const LAYERS = { vector: ['vec', 'cva'], imagery: ['img', 'cia'] } as const;

/** The credit line of an exported picture: whose base map and data, Tianditu's, and the 审图号. */
export function exportCredit(b: BasemapAnswer): string {
  return mapCredit(b, b.tianditu ? tr('title') : `${tr('title')} · ${tr('png.ownData')}`);
}

/**
 * Tianditu's Web Mercator WMTS tiles (the `_w` services, 256 px, t0-t7 hosts) as MapLibre raster
 * sources, the base layer below the annotation. Only built when an admin configured a key:
 * without one nothing in a style names Tianditu (no request may leave the machine then).
 */
export function tiandituSources(t: TiandituSetting): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
  const [base, note] = LAYERS[t.layer];
  const tiles = (name: string) => tiandituTileUrls(t.urlTemplate ?? TIANDITU_URL_TEMPLATE, name, t.key);
  return {
    sources: {
      // The credit line is the map's own (mapCredit), so the source carries none of its own.
      'tianditu-base': { type: 'raster', tiles: tiles(base), tileSize: 256, maxzoom: 18 },
      'tianditu-note': { type: 'raster', tiles: tiles(note), tileSize: 256, maxzoom: 18 },
    },
    layers: [
      { id: 'tianditu-base', type: 'raster', source: 'tianditu-base' },
      { id: 'tianditu-note', type: 'raster', source: 'tianditu-note' },
    ],
  };
}

/** The credit line a Tianditu base map needs on screen and on every exported picture. */
export function tiandituAttribution(t: TiandituSetting): string {
  return `© 天地图 Tianditu${t.reviewNo ? ` · 审图号 ${t.reviewNo}` : ''}`;
}
