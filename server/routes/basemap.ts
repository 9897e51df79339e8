import { Router } from 'express';
import type { BasemapAnswer } from '../../geodata/model/basemap.ts';
import type { AppContext } from '../app.ts';

/**
 * GET /api/basemap: the base-map setting (Tianditu key and layer, the 审图号) every map of the
 * web client builds its style and attribution from. A Tianditu browser key is not a secret (it
 * is in every tile URL the browser fetches; Tianditu checks the Referer against the key's
 * domains), but it is only handed to signed-in callers (or the anonymous viewer).
 */
export function basemapRouter(ctx: AppContext): Router {
  const router = Router();
  const answer: BasemapAnswer = ctx.config.basemap;
  router.get('/basemap', (_req, res) => {
    res.set('Cache-Control', 'private, max-age=300').json(answer);
  });
  return router;
}
