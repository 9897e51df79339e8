import { Router, type Request, type Response } from 'express';
import { TileAddressError } from '../../tiles/tile-address.ts';
import { TileFilterError } from '../../tiles/tile-filters.ts';
import { TileNotFoundError, type TileService } from '../../tiles/tile-service.ts';
import { principal } from '../auth.ts';
import { HttpError } from '../http-errors.ts';

/** /tiles/catalog.json, /tiles/{layer}.json and /tiles/{layer}/{z}/{x}/{y}.mvt; the work is in tiles/. */
export function tilesRouter(tiles: TileService): Router {
  const router = Router();
  router.get('/catalog.json', async (req, res) => {
    res.set('Cache-Control', 'public, max-age=60').json(await tiles.catalog(baseUrl(req)));
  });
  router.get('/:layer.json', async (req, res) => {
    const json = await answer(() => tiles.tileJson(req.params.layer, baseUrl(req), req.query as Record<string, unknown>));
    res.set('Cache-Control', 'public, max-age=60').json(json);
  });
  router.get('/:layer/:z/:x/:y.mvt', async (req, res) => {
    const p = req.params;
    const tile = await answer(() =>
      tiles.tile({
        layer: p.layer, z: p.z, x: p.x, y: p.y, query: req.query as Record<string, unknown>, ifNoneMatch: req.get('if-none-match'),
        scope: principal(req).scope,
      }),
    );
    // A signed-in user's tiles are cut to their region: no shared cache may hand them on.
    const cacheControl = principal(req).user ? tile.cacheControl.replace(/\bpublic\b/, 'private') : tile.cacheControl;
    res.set({
      ETag: tile.etag, 'Cache-Control': cacheControl, 'X-Tile-Cache': tile.cache, Vary: 'Accept-Encoding, Cookie, Authorization',
      // Where the time went, for the browser's network panel and the benchmark: drawing the
      // tile (database and encoding) and the whole request inside this process.
      'Server-Timing': `render;dur=${tile.renderMs.toFixed(2)}, total;dur=${(performance.now() - requestStart(res)).toFixed(2)}`,
    });
    if (tile.status === 304) {
      res.status(304).end();
      return;
    }
    res.status(200).type('application/vnd.mapbox-vector-tile').end(tile.bytes);
  });
  router.use((req, _res, next) => next(new HttpError(404, `no tile route ${req.method} /tiles${req.path}: use /tiles/catalog.json, /tiles/{layer}.json or /tiles/{layer}/{z}/{x}/{y}.mvt`)));
  return router;
}

/** When the request reached the tile middleware (set first thing by server/app.ts). */
export function markRequestStart(res: Response): void {
  res.locals.tileStart = performance.now();
}

function requestStart(res: Response): number {
  return typeof res.locals.tileStart === 'number' ? res.locals.tileStart : performance.now();
}

async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof TileNotFoundError) throw new HttpError(404, err.message);
    if (err instanceof TileAddressError || err instanceof TileFilterError) throw new HttpError(400, err.message);
    throw err;
  }
}

function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host')}`;
}
