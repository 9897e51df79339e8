import compression from 'compression';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import zlib from 'node:zlib';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Database } from '../geodata/db/database.ts';
import type { Config } from './config.ts';
import { authenticate, requireRole, signedIn, writerKey } from './auth.ts';
import { createMetrics } from './metrics.ts';
import { routeRequests } from './read-routing.ts';
import { errorHandler, HttpError } from './http-errors.ts';
import { guardQueryAndPath } from './input-guard.ts';
import { authRouter } from './routes/auth.ts';
import { basemapRouter } from './routes/basemap.ts';
import { tiandituOrigins } from '../geodata/model/basemap.ts';
import { censusQualityRouter } from './routes/census-quality.ts';
import { exploreRouter } from './routes/explore.ts';
import { healthRouter } from './routes/health.ts';
import { importRouter } from './routes/import.ts';
import { ogcRouter } from './routes/ogc.ts';
import { qualityRouter } from './routes/quality.ts';
import { reviewRouter } from './routes/review.ts';
import { markRequestStart, styleHandler, tilesRouter } from './routes/tiles.ts';
import { webApp } from './web-app.ts';
import type { TileService } from '../tiles/tile-service.ts';

export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly logger: Logger;
  /** Static files of the built web client, when present. */
  readonly webDist?: string;
  /** Vector tiles (/tiles/...), when the server made a tile service. */
  readonly tiles?: TileService;
}

/** Wires the routes; holds no SQL of its own (that lives in geodata/ and tiles/). */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // Tests check every JSON answer against the API contract (server/send-json.ts).
  app.locals.checkAnswers = ctx.config.checkAnswers;
  app.set('trust proxy', 'loopback');
  // Every request learns who it acts for before any route runs; routes reach the database
  // through that principal's scope (server/auth.ts, geodata/access/scoped-pool.ts).
  const auth = authenticate(ctx.config, ctx.db.pool);
  // Which node each request reads from, decided once (server/read-routing.ts).
  const route = routeRequests(ctx.db.reads ?? null, writerKey);
  // Text PostgreSQL cannot store (NUL, unpaired surrogates, over-long) is refused here, for
  // every route at once, before any query; JSON bodies and multipart fields get the same check
  // where they are parsed (server/input-guard.ts).
  app.use(guardQueryAndPath);
  if (ctx.config.metrics === 'admin') {
    const tiles = ctx.tiles;
    const metrics = createMetrics(ctx.db.pool, tiles ? () => tiles.feedStats() : undefined);
    app.use(metrics.middleware);
    app.get('/metrics', auth, signedIn, requireRole('admin'), metrics.handler);
  }
  // Tiles come before request logging and the page headers: a map view asks for hundreds a
  // minute, and a log line or a dozen page-only headers per cached tile cost more than serving
  // it. Binary tiles need only nosniff and the resource policy.
  if (ctx.tiles) app.get('/tiles/style.json', tileHeaders, auth, styleHandler(ctx.tiles));
  if (ctx.tiles) app.use('/tiles', tileHeaders, auth, route, signedIn, tilesRouter(ctx.tiles));
  // gzip or brotli for JSON, GeoJSON and the client's files (tiles compress themselves, once per
  // cached tile: tiles/tile-compression.ts). A 3,000-source GeoJSON export of 1.38 MB is 184 KB gzipped.
  app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } } }));
  app.use(securityHeaders(ctx.config));
  app.use('/api', auth, route);
  app.use(pinoHttp({ logger: ctx.logger, autoLogging: { ignore: (req) => req.url === '/api/health' } }));
  // OGC API – Features for GDAL, QGIS and other clients; Bearer tokens or the session cookie.
  app.use('/ogc', auth, route, signedIn, ogcRouter(ctx));
  app.use('/api', healthRouter(ctx));
  app.use('/api', authRouter(ctx));
  app.use('/api', signedIn);
  app.use('/api', basemapRouter(ctx));
  app.use('/api', importRouter(ctx));
  app.use('/api', exploreRouter(ctx));
  app.use('/api', reviewRouter(ctx));
  app.use('/api', qualityRouter(ctx));
  app.use('/api', censusQualityRouter(ctx));
  app.use('/api', (req, _res, next) => next(new HttpError(404, `no API route ${req.method} ${req.originalUrl}`)));
  if (ctx.webDist && existsSync(ctx.webDist)) {
    app.use(webApp(ctx.webDist));
  }
  app.use(errorHandler(ctx.logger));
  return app;
}

const tileHeaders: express.RequestHandler = (_req, res, next) => {
  markRequestStart(res);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  next();
};

/**
 * Helmet's defaults, with a content policy that fits the map: MapLibre's worker and deck.gl's
 * buffers come as blob: and data: URLs, and styles are set from script. Optional online base
 * maps (Tianditu, an XYZ URL) are https images, the only outside address allowed, and the
 * configured Tianditu host (which may be a plain-http proxy). With a Tianditu key pages send
 * their origin as Referer to other sites (never the path): a Tianditu browser key checks it
 * against its domains, and helmet's default `no-referrer` would have every tile refused.
 */
function securityHeaders(config: Config) {
  const tianditu = config.basemap.tianditu ? tiandituOrigins(config.basemap.tianditu.urlTemplate) : [];
  return helmet({
    referrerPolicy: { policy: config.basemap.tianditu ? 'strict-origin-when-cross-origin' : 'no-referrer' },
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:', ...tianditu],
        connectSrc: ["'self'", 'data:', 'blob:', 'https:', ...tianditu],
        styleSrc: ["'self'", "'unsafe-inline'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    // The map's tiles and glyphs are fetched by workers; same-origin resource policy is enough.
    crossOriginEmbedderPolicy: false,
  });
}
