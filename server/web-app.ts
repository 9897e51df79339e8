import express, { Router } from 'express';
import { join } from 'node:path';

/**
 * The clean URLs of the web app's screens (web/src/shell/routes.ts lists the same paths;
 * test/web/app-shell.test.ts keeps the two equal). Each answers with the app's one page; the
 * shell then mounts the screen the path names.
 */
export const SCREEN_PATHS = ['/map', '/review', '/quality', '/import', '/battle', '/admin'] as const;

/**
 * Serves the built client: its hashed assets (cached for long, since their names change with
 * their content), the one page at every screen path (never cached, so a new build is picked up
 * at once), and `/` sent on to `/map`.
 */
export function webApp(dist: string): Router {
  const router = Router();
  const page = join(dist, 'index.html');
  router.get('/', (req, res) => {
    const q = req.originalUrl.indexOf('?');
    res.redirect(302, `/map${q >= 0 ? req.originalUrl.slice(q) : ''}`);
  });
  router.get([...SCREEN_PATHS], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(page);
  });
  router.use('/assets', express.static(join(dist, 'assets'), { maxAge: '365d', immutable: true, fallthrough: false }));
  router.use(express.static(dist, { index: false, maxAge: '1h' }));
  return router;
}
