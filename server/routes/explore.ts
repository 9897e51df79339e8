import { Router, type Request } from 'express';
import {
  FilterQuery, featureDetail, filterFromQuery, filterOptions, monitoringStatus, listSources,
  searchFeatures, sourceStatistics, countSources, streamSources, SOURCE_EXPORT_COLUMNS, type Area,
} from '../../geodata/explore/index.ts';
import { API } from '../../geodata/model/api/index.ts';
import { AreaQueryBody, ExportBody, FeatureParams, SearchQuery, StatsQuery } from '../../geodata/model/api/explore.ts';
import { sendJson } from '../send-json.ts';
import { sendExport } from '../send-export.ts';
import { LIST_FILTERS } from '../../geodata/model/source-filters.ts';
import type { AppContext } from '../app.ts';
import { dbFor } from '../auth.ts';
import { HttpError, parseInput as parse } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';

/** Most rows one export writes; a larger selection is cut and says so in a header. */
export const EXPORT_LIMIT = 200_000;

/**
 * JSON APIs of the map client: search, statistics for a view and filters, drawn-area queries,
 * feature details and exports. Filters use the tile service's names and meanings.
 */
export function exploreRouter(ctx: AppContext): Router {
  const router = Router();
  const owner = ctx.db.pool;
  // Drawn polygons can be large; 5 MB of JSON is far above any hand-drawn shape.
  router.use('/explore', jsonBody('5mb'));

  router.get('/explore/search', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(SearchQuery, req.query, 'query');
    sendJson(res, API.explore.search, { hits: await searchFeatures(pool, q.q, q.limit) });
  });

  router.get('/explore/monitoring', async (req, res) => {
    const pool = dbFor(req, owner);
    sendJson(res.set('Cache-Control', 'no-cache'), API.explore.monitoring, await monitoringStatus(pool));
  });

  router.get('/explore/options', async (req, res) => {
    const pool = dbFor(req, owner);
    sendJson(res.set('Cache-Control', 'no-cache'), API.explore.options, await filterOptions(pool));
  });

  router.get('/explore/stats', async (req, res) => {
    const pool = dbFor(req, owner);
    const filter = filterFromQuery(parse(FilterQuery, pickFilter(req.query), 'query'));
    const q = parse(StatsQuery, req.query, 'query');
    const area: Area = q.bbox ? { kind: 'bbox', bbox: q.bbox as [number, number, number, number] } : { kind: 'all' };
    sendJson(res.set('Cache-Control', 'no-store'), API.explore.stats, await sourceStatistics(pool, filter, area, q.limit));
  });

  router.post('/explore/query', async (req, res) => {
    const pool = dbFor(req, owner);
    const body = parse(AreaQueryBody, req.body, 'body');
    const filter = filterFromQuery(parse(FilterQuery, body.filter, 'body.filter'));
    const area = body.area as Area;
    const statistics = await sourceStatistics(pool, filter, area);
    const sources = body.limit > 0 ? await listSources(pool, filter, area, { limit: body.limit, orderBy: body.orderBy }) : [];
    sendJson(res, API.explore.query, { statistics, sources, truncated: sources.length < statistics.count });
  });

  router.post('/explore/export', async (req, res) => {
    const pool = dbFor(req, owner);
    const body = parse(ExportBody, req.body, 'body');
    const filter = filterFromQuery(parse(FilterQuery, body.filter, 'body.filter'));
    const area = body.area as Area;
    const count = await countSources(pool, filter, area);
    const rows = Math.min(count, EXPORT_LIMIT);
    res.set('X-Rows', String(rows)).set('X-Truncated', String(count > EXPORT_LIMIT));
    await sendExport(res, {
      format: body.format, encoding: body.encoding, db: pool, fileName: `sources-${new Date().toISOString().slice(0, 10)}`,
      table: {
        name: '污染源 sources', layer: 'sources', columns: SOURCE_EXPORT_COLUMNS, point: { lon: 'lng', lat: 'lat' },
        rows: streamSources(pool, filter, area, { limit: EXPORT_LIMIT, orderBy: body.orderBy }),
      },
    });
  });

  router.get('/explore/feature/:layer/:id', async (req, res) => {
    const pool = dbFor(req, owner);
    const { layer, id } = parse(FeatureParams, req.params, 'path');
    const detail = await featureDetail(pool, layer, id);
    if (!detail) throw new HttpError(404, `no ${layer} with id "${id}"`);
    sendJson(res, API.explore.feature, detail);
  });

  return router;
}

function pickFilter(query: Request['query']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of LIST_FILTERS) {
    const v = query[k];
    if (typeof v === 'string' && v !== '') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.join(',');
  }
  return out;
}

