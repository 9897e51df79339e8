import { Router } from 'express';
import { databaseStatus } from '../../geodata/status/database-status.ts';
import { API } from '../../geodata/model/api/index.ts';
import type { AppContext } from '../app.ts';
import { sendJson } from '../send-json.ts';

export function healthRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const status = await databaseStatus(ctx.db.pool);
    sendJson(res.set('Cache-Control', 'no-store'), API.health.health, {
      status: 'ok',
      engine: ctx.db.engine,
      dataLocation: ctx.db.location,
      schema: ctx.db.schema,
      ...status,
      // Every database node with its role and replay lag (one entry without YZT_READ_URLS).
      nodes: ctx.db.reads?.status() ?? [{
        name: ctx.db.location, role: 'primary', configured: 'primary', servesReads: true, lagMs: 0, lsn: null, error: null,
      }],
    });
  });
  return router;
}
