import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export type TileEncoding = 'br' | 'gzip';

// Keyed by the tile's own bytes: the cache hands out the same Buffer on every hit, so a cached
// tile is compressed once per encoding, and its compressed forms leave with it (WeakMap).
// Brotli quality 5 and gzip level 6 are the usual on-the-fly settings; a z9 tile of the issue
// (33.8 KB) gzips to 16.4 KB.
const compressed = new WeakMap<Buffer, Partial<Record<TileEncoding, Buffer>>>();

/** The tile in `encoding`, compressed on first use and remembered with the bytes. */
export function compressTile(bytes: Buffer, encoding: TileEncoding): Buffer {
  let forms = compressed.get(bytes);
  if (!forms) compressed.set(bytes, (forms = {}));
  return (forms[encoding] ??=
    encoding === 'br'
      ? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
      : gzipSync(bytes, { level: 6 }));
}

/** The client's preferred encoding of the two, or null for the bare bytes (and for tiny tiles). */
export function tileEncoding(accepts: (...encodings: string[]) => string | false, size: number): TileEncoding | null {
  // Below a few hundred bytes the headers outweigh the saving.
  if (size < 256) return null;
  const chosen = accepts('br', 'gzip', 'identity');
  return chosen === 'br' || chosen === 'gzip' ? chosen : null;
}
