import type { StyleSpecification } from 'maplibre-gl';
import { baseStyle, type TileCatalog } from '../web/src/basemap-style.ts';

/**
 * The web client's own base style (web/src/basemap-style.ts, the one definition), published at
 * /tiles/style.json with absolute tile URLs so QGIS's vector-tile connection and other MapLibre
 * apps draw the product's map. Label layers are left out: they need a glyph server
 * (`glyphs`), which this product does not run (the web client draws CJK labels from a local
 * font), and a style that names text without glyphs fails MapLibre's validation.
 */
export function publishedStyle(origin: string, catalog: TileCatalog | null): StyleSpecification {
  const style = baseStyle(origin, null, catalog);
  return {
    ...style,
    name: '一张图 Yizhangtu',
    metadata: { 'yizhangtu:source': 'web/src/basemap-style.ts', 'yizhangtu:labels': 'omitted: no glyph server' },
    layers: style.layers.filter((l) => l.type !== 'symbol'),
  };
}
