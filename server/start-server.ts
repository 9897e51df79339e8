import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { openDatabase, type Database } from '../geodata/db/database.ts';
import { ensureFirstAdmin } from '../geodata/access/index.ts';
import { migrate } from '../geodata/db/migrate.ts';
import { takeBackAbandonedImports } from '../geodata/import/index.ts';
import { refreshAfterImport } from '../geodata/network/index.ts';
import { databaseStatus, isEmpty } from '../geodata/status/database-status.ts';
import { createTileService, tileOptionsFromEnv, type TileService } from '../tiles/tile-service.ts';
import { createApp } from './app.ts';
import type { Config } from './config.ts';

export interface RunningServer {
  readonly url: string;
  readonly db: Database;
  close(): Promise<void>;
}

const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

/** Opens the database, migrates, loads the demo region into an empty one, and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const started = Date.now();
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.schema,
    poolSize: config.poolSize,
    readUrls: config.replicas.readUrls,
    readRouting: { maxLagMs: config.replicas.maxLagMs, checkMs: config.replicas.checkMs, waitMs: config.replicas.waitMs },
  });
  let server: Server | undefined;
  let tiles: TileService | undefined;
  try {
    const applied = await migrate(db.pool);
    const status = await databaseStatus(db.pool);
    logger.info(
      { engine: db.engine, postgis: status.postgisVersion, postgres: status.postgresVersion, data: db.location,
        schema: db.schema, migrationsApplied: applied, openMs: Date.now() - started },
      `database ready: ${db.engine === 'embedded' ? 'embedded PGlite' : 'PostgreSQL'} ${status.postgresVersion}, ` +
        `PostGIS ${status.postgisVersion}, data in ${db.location}`,
    );
    // An importer that died while its rows were moving into a layer left a 'loading' batch.
    for (const taken of await takeBackAbandonedImports(db.pool)) {
      logger.warn(taken, `import batch ${taken.batchId} (${taken.kind}) was left half-moved by an importer that stopped; removed its ${taken.rowsRemoved} row(s)`);
    }
    const admin = await ensureFirstAdmin(db.pool, config.auth.adminPassword);
    if (admin?.generated) {
      // Shown once, here: the hash is all the database keeps.
      logger.warn({ username: admin.username }, `first start: created user "${admin.username}" with password ${admin.password} (change it after signing in)`);
    } else if (admin) {
      logger.info({ username: admin.username }, `first start: created user "${admin.username}" with the password from YZT_ADMIN_PASSWORD`);
    }
    if (config.demo.enabled && (await isEmpty(db.pool))) {
      await loadDemoRegion(db, config, logger);
    }
    tiles = await createTileService({
      pool: db.pool, schema: db.schema, databaseUrl: config.databaseUrl, poolSize: config.poolSize, reads: db.reads,
      options: tileOptionsFromEnv(process.env),
      onError: (err) => logger.warn({ err }, 'tile change feed: read failed (retrying)'),
    });
    const app = createApp({ config, db, logger, webDist: WEB_DIST, tiles });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    await tiles?.close().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, startMs: Date.now() - started }, `serving on ${url}`);
  const live = server;
  let closing: Promise<void> | undefined;
  return {
    url,
    db,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          live.close(() => resolve());
          live.closeIdleConnections();
          setTimeout(() => live.closeAllConnections(), 5_000).unref();
        });
        await tiles?.close();
        await db.close();
      })();
      return closing;
    },
  };
}

async function loadDemoRegion(db: Database, config: Config, logger: Logger): Promise<void> {
  const { loadDemo } = await import('../geodata/demo/index.ts');
  logger.info({ sources: config.demo.sources, seed: config.demo.seed }, 'empty database: loading the demo region (示范区)');
  const result = await loadDemo(db.pool, { seed: config.demo.seed, sources: config.demo.sources });
  logger.info(
    { counts: result.counts, seededErrors: result.seededErrors.length, elapsedMs: result.elapsedMs },
    `demo region loaded in ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  // The same step an import of rivers takes: the reach index and the links of outfalls, sources
  // and sections, so tracing and the battle map work on the demo from the first request.
  const started = Date.now();
  const network = await refreshAfterImport(db.pool, 'river_reach');
  logger.info({ link: network?.link, elapsedMs: Date.now() - started }, 'demo river network indexed and linked');
}
