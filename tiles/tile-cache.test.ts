import { describe, expect, it } from 'vitest';
import type { LonLatBox } from './tile-address.ts';
import { TileCache, etagMatches, strongEtag, type CachedTile } from './tile-cache.ts';

const tile = (box: LonLatBox, tables: string[] = ['source'], size = 100): CachedTile => {
  const bytes = Buffer.alloc(size, 1);
  return { bytes, etag: strongEtag(bytes), box, tables };
};
const WEST: LonLatBox = [113.0, 22.0, 113.5, 22.5];
const EAST: LonLatBox = [114.0, 22.0, 114.5, 22.5];

describe('the tile cache', () => {
  it('returns a stored tile under its key', () => {
    const cache = new TileCache(1024 * 1024);
    const t = tile(WEST);
    cache.set('sources/8/1/2', t, cache.generation);
    expect(cache.get('sources/8/1/2')).toBe(t);
    expect(cache.get('sources/8/1/3')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('drops exactly the tiles whose area meets a change to a table they read', () => {
    const cache = new TileCache(1024 * 1024);
    cache.set('w', tile(WEST), 0);
    cache.set('e', tile(EAST), 0);
    cache.set('w-rivers', tile(WEST, ['river_reach']), 0);
    expect(cache.invalidate([{ table: 'source', box: [113.2, 22.2, 113.3, 22.3] }])).toBe(1);
    expect(cache.get('w')).toBeUndefined();
    expect(cache.get('e')).toBeDefined();
    expect(cache.get('w-rivers')).toBeDefined();
  });

  it('drops every tile of a table on a change without a box', () => {
    const cache = new TileCache(1024 * 1024);
    cache.set('w', tile(WEST), 0);
    cache.set('e', tile(EAST), 0);
    cache.set('basins', tile(WEST, ['basin']), 0);
    expect(cache.invalidate([{ table: 'source', box: null }])).toBe(2);
    expect(cache.size).toBe(1);
  });

  it('counts a change touching a tile edge as meeting it', () => {
    const cache = new TileCache(1024 * 1024);
    cache.set('w', tile(WEST), 0);
    expect(cache.invalidate([{ table: 'source', box: [113.5, 22.5, 113.6, 22.6] }])).toBe(1);
  });

  it('does not store a tile rendered before an invalidation, so no stale tile outlives a change', () => {
    const cache = new TileCache(1024 * 1024);
    const renderedAt = cache.generation;
    cache.invalidate([{ table: 'basin', box: null }]);
    cache.set('w', tile(WEST), renderedAt);
    expect(cache.get('w')).toBeUndefined();
    cache.set('w', tile(WEST), cache.generation);
    expect(cache.get('w')).toBeDefined();
  });

  it('moves the generation on even when no tile was dropped, but not for an empty change list', () => {
    const cache = new TileCache(1024 * 1024);
    const g = cache.generation;
    expect(cache.invalidate([])).toBe(0);
    expect(cache.generation).toBe(g);
    cache.invalidate([{ table: 'outfall', box: null }]);
    expect(cache.generation).toBe(g + 1);
    cache.clear();
    expect(cache.generation).toBe(g + 2);
  });

  it('stays within its byte bound, the least recently used tile leaving first', () => {
    // Each entry costs its bytes, its key and 256 bytes of bookkeeping.
    const cache = new TileCache(3 * (1000 + 1 + 256));
    for (const key of ['a', 'b', 'c']) cache.set(key, tile(WEST, ['source'], 1000), 0);
    cache.get('a');
    cache.set('d', tile(WEST, ['source'], 1000), 0);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, true, true]);
    expect(cache.bytes).toBeLessThanOrEqual(3 * 1257);
  });

  it('stores nothing when its size is 0 (cache off) and still counts generations', () => {
    const cache = new TileCache(0);
    cache.set('w', tile(WEST), 0);
    expect(cache.get('w')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
    expect(cache.invalidate([{ table: 'source', box: null }])).toBe(0);
    expect(cache.generation).toBe(1);
  });
});

describe('tile ETags', () => {
  it('are strong, quoted and the same for the same bytes only', () => {
    const a = strongEtag(Buffer.from('tile a'));
    expect(a).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(strongEtag(Buffer.from('tile a'))).toBe(a);
    expect(strongEtag(Buffer.from('tile b'))).not.toBe(a);
  });

  it('match an If-None-Match naming them, in a list or as *', () => {
    const etag = strongEtag(Buffer.from('x'));
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"other"', etag)).toBe(false);
    expect(etagMatches(undefined, etag)).toBe(false);
    expect(etagMatches('', etag)).toBe(false);
  });
});
