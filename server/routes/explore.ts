import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  AreaBody, BboxQuery, FEATURE_LAYERS, FilterQuery, POLLUTANTS, featureDetail, filterFromQuery, filterOptions, monitoringStatus, listSources,
  searchFeatures, sourceStatistics, countSources, streamSources, SOURCE_EXPORT_COLUMNS, type Area,
} from '../../geodata/explore/index.ts';
import { EXPORT_FORMATS, SHAPEFILE_ENCODINGS } from '../../geodata/export/index.ts';
import { sendExport } from '../send-export.ts';
import { LIST_FILTERS } from '../../geodata/model/source-filters.ts';
import type { AppContext } from '../app.ts';
import { dbFor } from '../auth.ts';
import { HttpError, parseInput as parse } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';

/** Most rows one export writes; a larger selection is cut and says so in a header. */
export const EXPORT_LIMIT = 200_000;

const StatsQuery = z.object({ bbox: BboxQuery.optional(), limit: z.coerce.number().int().min(1).max(50).default(10) });
const SearchQuery = z.object({ q: z.string().trim().min(1, 'q must not be empty').max(100), limit: z.coerce.number().int().min(1).max(50).default(20) });
const AreaQueryBody = z.object({
  filter: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  area: AreaBody,
  limit: z.number().int().min(0).max(5_000).default(200),
  orderBy: z.enum(POLLUTANTS).optional(),
});
const ExportBody = AreaQueryBody.omit({ limit: true }).extend({ format: z.enum(EXPORT_FORMATS), encoding: z.enum(SHAPEFILE_ENCODINGS).optional() });

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
    res.json({ hits: await searchFeatures(pool, q.q, q.limit) });
  });

  router.get('/explore/monitoring', async (req, res) => {
    const pool = dbFor(req, owner);
    res.set('Cache-Control', 'no-cache').json(await monitoringStatus(pool));
  });

  router.get('/explore/options', async (req, res) => {
    const pool = dbFor(req, owner);
    res.set('Cache-Control', 'no-cache').json(await filterOptions(pool));
  });

  router.get('/explore/stats', async (req, res) => {
    const pool = dbFor(req, owner);
    const filter = filterFromQuery(parse(FilterQuery, pickFilter(req.query), 'query'));
    const q = parse(StatsQuery, req.query, 'query');
    const area: Area = q.bbox ? { kind: 'bbox', bbox: q.bbox as [number, number, number, number] } : { kind: 'all' };
    res.set('Cache-Control', 'no-store').json(await sourceStatistics(pool, filter, area, q.limit));
  });

  router.post('/explore/query', async (req, res) => {
    const pool = dbFor(req, owner);
    const body = parse(AreaQueryBody, req.body, 'body');
    const filter = filterFromQuery(parse(FilterQuery, body.filter, 'body.filter'));
    const area = body.area as Area;
    const statistics = await sourceStatistics(pool, filter, area);
    const sources = body.limit > 0 ? await listSources(pool, filter, area, { limit: body.limit, orderBy: body.orderBy }) : [];
    res.json({ statistics, sources, truncated: sources.length < statistics.count });
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
    const layer = req.params.layer as (typeof FEATURE_LAYERS)[number];
    if (!FEATURE_LAYERS.includes(layer)) {
      throw new HttpError(400, `layer must be one of ${FEATURE_LAYERS.join(', ')} (got "${req.params.layer}")`);
    }
    const detail = await featureDetail(pool, layer, String(req.params.id));
    if (!detail) throw new HttpError(404, `no ${layer} with id "${req.params.id}"`);
    res.json(detail);
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

