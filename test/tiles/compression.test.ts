import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/start-server.ts';
import { tileAt } from '../../tiles/tile-address.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer } from '../support/test-server.ts';
import { loadFixture } from './fixture.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET with node:http, which (unlike fetch) hands back the bytes as they came on the wire. */
function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject).end();
  });
}

const decode = (r: Raw) => (r.headers['content-encoding'] === 'br' ? brotliDecompressSync(r.body) : r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.body) : r.body);

describe('compressed answers', () => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await openTestDatabase('tiles_compression');
    await loadFixture(db.pool);
    server = await startTestServer(db);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  it.each(['br', 'gzip'])('serves a tile as %s that decodes to the bare tile\'s bytes, smaller, with Vary', async (encoding) => {
    const t = tileAt(114.0, 22.65, 10);
    const url = `${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
    const bare = await get(url, { 'accept-encoding': 'identity' });
    const packed = await get(url, { 'accept-encoding': encoding });
    expect(bare.status).toBe(200);
    expect(bare.headers['content-encoding']).toBeUndefined();
    expect(packed.headers['content-encoding']).toBe(encoding);
    expect(packed.body.length).toBeLessThan(bare.body.length);
    expect(decode(packed).equals(bare.body)).toBe(true);
    expect(String(packed.headers.vary)).toMatch(/Accept-Encoding/i);
    // The same cached tile again: the same compressed bytes (compressed once, remembered).
    const again = await get(url, { 'accept-encoding': encoding });
    expect(again.headers['x-tile-cache']).toBe('hit');
    expect(again.body.equals(packed.body)).toBe(true);
  });

  it('answers 304 to the weak ETag of a compressed tile and to the strong one of a bare tile', async () => {
    const t = tileAt(114.0, 22.65, 11);
    const url = `${server.url}/tiles/sources/${t.z}/${t.x}/${t.y}.mvt`;
    const packed = await get(url, { 'accept-encoding': 'gzip' });
    const bare = await get(url, { 'accept-encoding': 'identity' });
    expect(packed.headers.etag).toBe(`W/${bare.headers.etag}`);
    expect((await get(url, { 'accept-encoding': 'gzip', 'if-none-match': String(packed.headers.etag) })).status).toBe(304);
    expect((await get(url, { 'if-none-match': String(bare.headers.etag) })).status).toBe(304);
  });

  it.each(['br', 'gzip'])('compresses JSON and streamed OGC pages as %s to the same bytes', async (encoding) => {
    for (const path of ['/ogc/collections/sources/items?limit=2000', '/tiles/catalog.json', '/ogc/api']) {
      const bare = await get(`${server.url}${path}`, { 'accept-encoding': 'identity' });
      const packed = await get(`${server.url}${path}`, { 'accept-encoding': encoding });
      expect(bare.status).toBe(200);
      if (path.startsWith('/ogc/collections')) {
        // Pages carry their own timeStamp; everything else must be equal.
        const strip = (b: Buffer) => b.toString('utf8').replace(/"timeStamp":"[^"]+"/, '');
        expect(packed.headers['content-encoding']).toBe(encoding);
        expect(strip(decode(packed))).toBe(strip(bare.body));
      } else if (path === '/ogc/api') {
        expect(packed.headers['content-encoding']).toBe(encoding);
        expect(decode(packed).equals(bare.body)).toBe(true);
      } else {
        // The catalog is small and served from the tiles router, which compresses only tiles.
        expect(decode(packed).toString()).toBe(bare.body.toString());
      }
    }
  });
});
