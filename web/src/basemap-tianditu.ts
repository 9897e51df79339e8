import type { LayerSpecification, SourceSpecification } from 'maplibre-gl';

/** The server's Tianditu setting as the client receives it (geodata/config/config.ts). */
export interface TiandituSetting {
  readonly key: string;
  /** Vector (vec + cva) or imagery (img + cia): each with its Chinese annotation layer. */
  readonly layer: 'vector' | 'imagery';
  /** The 审图号 the admin's Tianditu service states, printed on the map and on exports. */
  readonly reviewNo: string | null;
}

const LAYERS = { vector: ['vec', 'cva'], imagery: ['img', 'cia'] } as const;

/**
 * Tianditu's Web Mercator WMTS tiles (the `_w` services, 256 px, t0-t7 hosts) as MapLibre raster
 * sources, the base layer below the annotation. Only built when an admin configured a key:
 * without one nothing in a style names Tianditu (no request may leave the machine then).
 */
export function tiandituSources(t: TiandituSetting): { sources: Record<string, SourceSpecification>; layers: LayerSpecification[] } {
  const [base, note] = LAYERS[t.layer];
  const tiles = (name: string) => Array.from({ length: 8 }, (_, i) =>
    `https://t${i}.tianditu.gov.cn/${name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(t.key)}`);
  const attribution = tiandituAttribution(t);
  return {
    sources: {
      'tianditu-base': { type: 'raster', tiles: tiles(base), tileSize: 256, maxzoom: 18, attribution },
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
