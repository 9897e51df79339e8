import type { Express, Request, RequestHandler } from 'express';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ChangeFeedStats } from '../tiles/change-feed.ts';

/**
 * Prometheus metrics (YZT_METRICS=admin): requests by route and status, latency, tile cache
 * hits and misses by layer and zoom, the pool's connections and waiters, and how far the tile
 * cache's change feed lags behind the data (where the server has tiles). Off by default:
 * the counting costs a little on every tile, and route names tell a stranger what we serve.
 */
export function createMetrics(pool: pg.Pool, feedStats?: () => ChangeFeedStats) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'yzt_node_' });
  const requests = new Counter({ name: 'yzt_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'yzt_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['route'], registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  });
  const tiles = new Counter({ name: 'yzt_tile_cache_total', help: 'tile answers by layer, zoom and cache result (hit, miss)', labelNames: ['layer', 'zoom', 'cache'], registers: [registry] });
  new Gauge({
    name: 'yzt_pool_connections', help: 'database pool connections (total, idle) and requests waiting for one (waiting)', labelNames: ['state'], registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  if (feedStats) {
    // A cached tile can be stale for as long as the feed lags: the lag of the last batch, and
    // the time since the log was last read (which grows when the feed stalls, lag or not).
    new Gauge({
      name: 'yzt_change_feed_lag_seconds', help: 'seconds from a data change being logged to the tile cache dropping it (oldest change of the last batch)', registers: [registry],
      collect() {
        const lag = feedStats().lagSeconds;
        if (lag === null) this.reset();
        else this.set(lag);
      },
    });
    new Gauge({
      name: 'yzt_change_feed_seconds_since_read', help: 'seconds since the change log was last read without error', registers: [registry],
      collect() { this.set((Date.now() - feedStats().lastReadAt) / 1000); },
    });
    new Gauge({
      name: 'yzt_change_feed_changes', help: 'data changes applied to the tile cache since the server started', registers: [registry],
      collect() { this.set(feedStats().changesApplied); },
    });
    new Gauge({
      name: 'yzt_change_feed_waiting_gaps', help: 'change sequence numbers skipped over, waiting for a transaction that may still commit', registers: [registry],
      collect() { this.set(feedStats().waitingGaps); },
    });
  }

  /** Counts every request when it finishes; mount first. */
  const middleware: RequestHandler = (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const route = routeOf(req);
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      latency.observe({ route }, (performance.now() - start) / 1000);
      const cache = res.getHeader('x-tile-cache');
      const m = /^\/tiles\/(\w+)\/(\d+)\//.exec(req.originalUrl);
      if (cache && m) tiles.inc({ layer: m[1]!, zoom: m[2]!, cache: String(cache) });
    });
    next();
  };
  const handler: RequestHandler = async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  };
  return { registry, middleware, handler };
}

/** The route pattern, not the URL: tile addresses and ids would make a label per request. */
function routeOf(req: Request): string {
  const path = req.route?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}`;
  if (req.originalUrl.startsWith('/tiles/')) return '/tiles/:layer/:z/:x/:y.mvt';
  return req.originalUrl.startsWith('/api/') || req.originalUrl.startsWith('/ogc') ? 'unmatched' : 'static';
}

export type Metrics = ReturnType<typeof createMetrics>;
export type { Express };
