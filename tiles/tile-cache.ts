import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { boxesIntersect, type LonLatBox } from './tile-address.ts';

/** One encoded tile, with what is needed to answer and to invalidate it. */
export interface CachedTile {
  readonly bytes: Buffer;
  /** Strong ETag (quoted), a hash of the bytes (a composite's: of its parts' ETags, which name theirs). */
  readonly etag: string;
  /** The area whose data the tile shows (tile plus buffer), in degrees. */
  readonly box: LonLatBox;
  /** Tables the tile was read from. */
  readonly tables: readonly string[];
}

/** A data change: rows of `table` changed within `box` (null: anywhere). */
export interface DataChange {
  readonly table: string;
  readonly box: LonLatBox | null;
}

/**
 * Encoded tiles in memory, bounded by bytes (least recently used leave first). `invalidate`
 * drops exactly the tiles whose area intersects a change to a table they read, at every zoom.
 * `generation` moves on each invalidation so a tile rendered across one is not stored stale.
 */
export class TileCache {
  private readonly lru: LRUCache<string, CachedTile> | null;
  private gen = 0;

  constructor(maxBytes: number) {
    this.lru =
      maxBytes > 0
        ? new LRUCache<string, CachedTile>({ maxSize: maxBytes, sizeCalculation: (t, key) => t.bytes.length + key.length + 256 })
        : null;
  }

  get generation(): number {
    return this.gen;
  }

  get size(): number {
    return this.lru?.size ?? 0;
  }

  get bytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  get(key: string): CachedTile | undefined {
    return this.lru?.get(key);
  }

  /** Stores a tile unless an invalidation happened since `renderedAtGeneration`. */
  set(key: string, tile: CachedTile, renderedAtGeneration: number): void {
    if (this.lru && renderedAtGeneration === this.gen) this.lru.set(key, tile);
  }

  /** Drops the tiles a set of changes touches; returns how many. */
  invalidate(changes: readonly DataChange[]): number {
    if (changes.length === 0) return 0;
    this.gen++;
    if (!this.lru) return 0;
    const doomed: string[] = [];
    for (const [key, tile] of this.lru.entries()) {
      if (changes.some((c) => tile.tables.includes(c.table) && (c.box === null || boxesIntersect(c.box, tile.box)))) doomed.push(key);
    }
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  clear(): void {
    this.gen++;
    this.lru?.clear();
  }
}

export function strongEtag(bytes: Buffer): string {
  return `"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

/** Whether an If-None-Match header names this ETag (or is `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag;
  });
}
