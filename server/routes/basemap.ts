import { Router } from 'express';
import { API } from '../../geodata/model/api/index.ts';
import type { AppContext } from '../app.ts';
import { sendJson } from '../send-json.ts';

/**
 * GET /api/basemap: the base-map setting (Tianditu key and layer, the 审图号) every map of the
 * web client builds its style and attribution from. A Tianditu browser key is not a secret (it
 * is in every tile URL the browser fetches; Tianditu checks the Referer against the key's
 * domains), but it is only handed to signed-in callers (or the anonymous viewer).
 */
export function basemapRouter(ctx: AppContext): Router {
  const router = Router();
  const answer = ctx.config.basemap;
  router.get('/basemap', (_req, res) => {
    sendJson(res.set('Cache-Control', 'private, max-age=300'), API.basemap.basemap, answer);
  });
  return router;
}
