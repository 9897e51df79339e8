import { describe, expect, it } from 'vitest';
import { baseStyle } from './basemap-style.ts';
import { mapCredit, tiandituAttribution, tiandituSources } from './basemap-tianditu.ts';

describe('the Tianditu base map', () => {
  it('builds vector tiles with their annotation from the configured key, on all eight hosts', () => {
    const { sources, layers } = tiandituSources({ key: 'k3y+/=', layer: 'vector', reviewNo: 'GS(2099)0001号' });
    const base = sources['tianditu-base'] as { tiles: string[] };
    const note = sources['tianditu-note'] as { tiles: string[] };
    expect(base.tiles).toHaveLength(8);
    expect(base.tiles[3]).toBe('https://t3.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k3y%2B%2F%3D');
    expect(note.tiles.every((u) => u.includes('/cva_w/') && u.endsWith('tk=k3y%2B%2F%3D'))).toBe(true);
    expect(layers.map((l) => l.id)).toEqual(['tianditu-base', 'tianditu-note']);
    expect(tiandituAttribution({ key: 'k', layer: 'vector', reviewNo: 'GS(2099)0001号' })).toBe('© 天地图 Tianditu · 审图号 GS(2099)0001号');
  });

  it('uses imagery with its annotation when asked, and credits Tianditu without a review number', () => {
    const { sources } = tiandituSources({ key: 'abc', layer: 'imagery', reviewNo: null });
    expect((sources['tianditu-base'] as { tiles: string[] }).tiles[0]).toContain('/img_w/wmts?');
    expect((sources['tianditu-note'] as { tiles: string[] }).tiles[0]).toContain('LAYER=cia');
    expect(tiandituAttribution({ key: 'abc', layer: 'imagery', reviewNo: null })).toBe('© 天地图 Tianditu');
  });

  it('puts Tianditu under the product\'s lines when a key is configured, and nothing of it without one', () => {
    const setting = { key: 'secret-key', layer: 'vector', reviewNo: 'GS(2099)0001号' } as const;
    const on = baseStyle('http://127.0.0.1:8080', null, null, setting);
    expect(on.layers.slice(0, 3).map((l) => l.id)).toEqual(['background', 'tianditu-base', 'tianditu-note']);
    expect(on.layers.some((l) => l.id === 'land')).toBe(false);
    expect(JSON.stringify(on)).toContain('tk=secret-key');
    for (const off of [baseStyle('http://127.0.0.1:8080', null, null), baseStyle('http://127.0.0.1:8080', null, null, null)]) {
      expect(JSON.stringify(off)).not.toMatch(/tianditu|天地图|secret-key/i);
      expect(off.layers.some((l) => l.id === 'land')).toBe(true);
    }
  });

  it('takes another tile host from the template, one URL when it names no {t}', () => {
    const { sources } = tiandituSources({ key: 'abc', layer: 'vector', reviewNo: null, urlTemplate: 'http://127.0.0.1:9/{layer}/{z}/{x}/{y}.png?tk={tk}' });
    expect((sources['tianditu-base'] as { tiles: string[] }).tiles).toEqual(['http://127.0.0.1:9/vec/{z}/{x}/{y}.png?tk=abc']);
    expect((sources['tianditu-note'] as { tiles: string[] }).tiles).toEqual(['http://127.0.0.1:9/cva/{z}/{x}/{y}.png?tk=abc']);
  });

  it('credits the 审图号 on every map when configured, with or without Tianditu', () => {
    const tianditu = { key: 'abc', layer: 'vector', urlTemplate: 'http://x/{z}/{x}/{y}' } as const;
    expect(mapCredit({ tianditu: null, reviewNo: null }, '一张图')).toBe('一张图');
    expect(mapCredit({ tianditu: null, reviewNo: 'GS(2024)0650号' }, '一张图')).toBe('一张图 · 审图号 GS(2024)0650号');
    expect(mapCredit({ tianditu, reviewNo: 'GS(2024)0650号' }, '一张图')).toBe('一张图 · © 天地图 Tianditu · 审图号 GS(2024)0650号');
    expect(mapCredit({ tianditu, reviewNo: null }, '一张图')).toBe('一张图 · © 天地图 Tianditu');
  });
});
