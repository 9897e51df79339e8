import { Router, type Request, type RequestHandler, type Response } from 'express';
import { publishedStyle } from '../../tiles/published-style.ts';
import type { TileCatalog } from '../../web/src/basemap-style.ts';
import { compressTile, tileEncoding } from '../../tiles/tile-compression.ts';
import type { TileService } from '../../tiles/tile-service.ts';
import { principal } from '../auth.ts';
import { HttpError } from '../http-errors.ts';
import { minLsnOf } from '../read-routing.ts';
import { API } from '../../geodata/model/api/index.ts';
import { sendJson } from '../send-json.ts';

/** /tiles/catalog.json, /tiles/{layer}.json, /tiles/{layer}/{z}/{x}/{y}.mvt and /tiles/{a,b,…}/{z}/{x}/{y}.mvt (composite); the work is in tiles/. */
export function tilesRouter(tiles: TileService): Router {
  const router = Router();
  router.get('/catalog.json', async (req, res) => {
    sendJson(res.set('Cache-Control', jsonCacheControl(req)), API.tiles.catalog, await tiles.catalog(baseUrl(req), principal(req).scope));
  });
  router.get('/:layer.json', async (req, res) => {
    const json = await tiles.tileJson(req.params.layer, baseUrl(req), req.query as Record<string, unknown>, principal(req).scope);
    sendJson(res.set('Cache-Control', jsonCacheControl(req)), API.tiles.tileJson, json);
  });
  router.get('/:layer/:z/:x/:y.mvt', async (req, res) => {
    const p = req.params;
    const request = {
      // A compressed answer carries the weak form of the tile's ETag; both revalidate the same bytes.
      z: p.z, x: p.x, y: p.y, query: req.query as Record<string, unknown>, ifNoneMatch: req.get('if-none-match')?.replace(/^W\//, ''),
      scope: principal(req).scope, minLsn: minLsnOf(req),
    };
    // `a,b,c`: those layers' tiles as one (a map's base layers in one request per address).
    const tile = p.layer.includes(',') ? await tiles.composite({ ...request, layers: p.layer.split(',') }) : await tiles.tile({ ...request, layer: p.layer });
    // A signed-in user's tiles are cut to their region: no shared cache may hand them on.
    const cacheControl = principal(req).user ? tile.cacheControl.replace(/\bpublic\b/, 'private') : tile.cacheControl;
    const encoding = tileEncoding((...e) => req.acceptsEncodings(...e), tile.bytes.length);
    res.set({
      ETag: encoding ? `W/${tile.etag}` : tile.etag, 'Cache-Control': cacheControl, 'X-Tile-Cache': tile.cache, Vary: 'Accept-Encoding, Cookie, Authorization',
      // Where the time went, for the browser's network panel and the benchmark: drawing the
      // tile (database and encoding) and the whole request inside this process.
      'Server-Timing': `render;dur=${tile.renderMs.toFixed(2)}, total;dur=${(performance.now() - requestStart(res)).toFixed(2)}`,
    });
    if (tile.status === 304) {
      res.status(304).end();
      return;
    }
    res.status(200).type('application/vnd.mapbox-vector-tile');
    if (encoding) res.set('Content-Encoding', encoding).end(compressTile(tile.bytes, encoding));
    else res.end(tile.bytes);
  });
  router.use((req, _res, next) => next(new HttpError(404, `no tile route ${req.method} /tiles${req.path}: use /tiles/catalog.json, /tiles/{layer}.json or /tiles/{layer}/{z}/{x}/{y}.mvt`)));
  return router;
}

/**
 * /tiles/style.json, mounted before sign-in: QGIS 3.22 fetches a style URL without the layer's
 * auth configuration. The style holds no features; a signed-in caller gets direct tile URLs
 * and data bounds from the catalog, anyone else TileJSON URLs (which need sign-in).
 */
export function styleHandler(tiles: TileService): RequestHandler {
  return async (req, res) => {
    const signed = auths(req);
    const catalog = signed ? ((await tiles.catalog(baseUrl(req))) as TileCatalog) : null;
    res.set({ 'Cache-Control': signed ? 'private, max-age=60' : 'public, max-age=60', Vary: 'Accept-Encoding, Cookie, Authorization' });
    sendJson(res, API.tiles.style, publishedStyle(baseUrl(req), catalog));
  };
}

function auths(req: Request): boolean {
  try {
    principal(req);
    return true;
  } catch {
    return false;
  }
}

/** When the request reached the tile middleware (set first thing by server/app.ts). */
export function markRequestStart(res: Response): void {
  res.locals.tileStart = performance.now();
}

function requestStart(res: Response): number {
  return typeof res.locals.tileStart === 'number' ? res.locals.tileStart : performance.now();
}

/** Extents are the caller's (issue 13): a signed-in user's catalog must not be handed on by a shared cache. */
function jsonCacheControl(req: Request): string {
  return principal(req).user ? 'private, max-age=60' : 'public, max-age=60';
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}
