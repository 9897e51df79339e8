import type { Express } from 'express';
import { loadConfig } from '../../server/config.ts';
import { createApp } from '../../server/app.ts';
import { createLogger } from '../../server/logger.ts';
import type { Database } from '../../geodata/db/database.ts';
import type { TileService } from '../../tiles/tile-service.ts';

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route of an express app as "METHOD /full/path/:param", read from its router stacks. */
export function listRoutes(app: Express): string[] {
  const out = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.add(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, prefix + (layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...out].sort();
}

/**
 * The product's routes: the app as server/app.ts wires it (tiles included), never started. Its
 * pool is a stand-in, so this app's session cache does not replace a running server's.
 */
export function productRoutes(): string[] {
  const config = loadConfig({ PORT: '0', DATABASE_URL: 'postgres://unused@127.0.0.1/unused', YZT_DEMO: 'off' });
  const db = { pool: {}, engine: 'postgres', schema: 'unused' } as unknown as Database;
  return listRoutes(createApp({ config, db, logger: createLogger('silent'), tiles: {} as TileService }));
}
