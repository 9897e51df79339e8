import { describe, expect, it } from 'vitest';
import { catalogJson } from '../../tiles/tile-json.ts';
import { TILE_LAYERS } from '../../tiles/tile-layers.ts';
import { baseStyle, type TileCatalog } from './basemap-style.ts';

// With the catalog, the style names tile URLs, zoom ranges and bounds itself (no TileJSON
// round trip); they must be the tile service's own, or the map asks for tiles it gets 400 for.
describe('base style sources', () => {
  const bounds = new Map([['division', [112.9, 22.2, 113.9, 23.1]]]);
  const catalog = JSON.parse(JSON.stringify(catalogJson([...TILE_LAYERS.values()], 'http://x', 13, bounds))) as TileCatalog;

  it('take each tile layer\'s zoom range and bounds from the catalog', () => {
    const style = baseStyle('http://127.0.0.1:1', null, catalog);
    const vectors = Object.values(style.sources).filter((s) => s.type === 'vector') as { tiles: string[]; minzoom: number; maxzoom: number; bounds?: number[] }[];
    expect(vectors.length).toBeGreaterThan(5);
    for (const source of vectors) {
      const id = /\/tiles\/([a-z_]+)\/\{z\}\/\{x\}\/\{y\}\.mvt$/.exec(source.tiles[0]!)?.[1];
      const layer = TILE_LAYERS.get(id!)!;
      expect({ id, minzoom: source.minzoom, maxzoom: source.maxzoom }).toEqual({ id, minzoom: layer.minzoom, maxzoom: layer.maxzoom });
      expect(source.bounds).toEqual(layer.table === 'division' ? [112.9, 22.2, 113.9, 23.1] : undefined);
    }
  });

  it('fall back to each layer\'s TileJSON without a catalog', () => {
    const style = baseStyle('http://127.0.0.1:1', null);
    for (const source of Object.values(style.sources)) {
      if (source.type !== 'vector') continue;
      const id = /\/tiles\/([a-z_]+)\.json$/.exec((source as { url: string }).url)?.[1];
      expect(TILE_LAYERS.has(id!)).toBe(true);
    }
  });

  it('put every base layer on one composite source when asked, the same layers drawing the same source layers', () => {
    const single = baseStyle('http://127.0.0.1:1', null, catalog);
    const style = baseStyle('http://127.0.0.1:1', null, catalog, null, { composite: true });
    const vectors = Object.entries(style.sources).filter(([, s]) => s.type === 'vector');
    expect(vectors.map(([k]) => k)).toEqual(['base']);
    const base = vectors[0]![1] as { tiles: string[]; minzoom: number; maxzoom: number; bounds?: number[] };
    const ids = /\/tiles\/([a-z_,]+)\/\{z\}\/\{x\}\/\{y\}\.mvt$/.exec(base.tiles[0]!)![1]!.split(',');
    // Every layer the single-source style reads, and only those (sources, drawn by deck.gl, are not in it).
    const read = new Set(single.layers.flatMap((l) => ('source-layer' in l && l['source-layer'] ? [l['source-layer']] : [])));
    expect(new Set(ids)).toEqual(read);
    expect(base.minzoom).toBe(Math.min(...ids.map((id) => TILE_LAYERS.get(id)!.minzoom)));
    expect(base.maxzoom).toBe(Math.max(...ids.map((id) => TILE_LAYERS.get(id)!.maxzoom)));
    expect(base.bounds).toEqual([112.9, 22.2, 113.9, 23.1]);
    expect(style.layers.map((l) => l.id)).toEqual(single.layers.map((l) => l.id));
    for (const l of style.layers) if ('source-layer' in l) expect(l.source, l.id).toBe('base');
  });
});
