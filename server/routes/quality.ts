import { Router } from 'express';
import { z } from 'zod';
import {
  AIR_POLLUTANTS, airContributors, allSectionLoads, battleBasins, battleView, buildRiverNetwork, linkNetwork, networkReport,
  POLLUTANTS, problemList, reachPaths, resolveSource, resolveTraceStart, responseIndicator, sectionResponse, traceDownstreamFromOutfall,
  traceDownstreamFromSection, traceDownstreamFromSource, traceUpstream, type Loads, type NetworkTraceAnswer,
} from '../../geodata/network/index.ts';
import { SECTION_READING_POLLUTANTS } from '../../geodata/model/vocabulary.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, parseInput as parse } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
const Rate = z.coerce.number().min(0).max(10).optional();
/** Decay rates per km: k_cod, k_nh3n, k_tn, k_tp. */
const DecayQuery = z.object({ k_cod: Rate, k_nh3n: Rate, k_tn: Rate, k_tp: Rate });
const UpstreamQuery = DecayQuery.extend({
  scope: z.enum(['whole', 'control']).default('whole'),
  rank: z.enum(POLLUTANTS).default('cod'),
  limit: z.coerce.number().int().min(0).max(1000).default(50),
});
const TraceQuery = UpstreamQuery.extend({
  from: z.string().min(1).max(100),
  kind: z.enum(['section', 'outfall', 'source']).optional(),
  direction: z.enum(['upstream', 'downstream']).default('upstream'),
  // The reaches' lines too, for drawing the trace on a map.
  paths: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
const ProblemQuery = DecayQuery.extend({
  month: Month.optional(),
  top: z.coerce.number().int().min(0).max(50).default(5),
  rank: z.enum(POLLUTANTS).default('cod'),
  scope: z.enum(['whole', 'control']).default('whole'),
  basin: z.string().min(1).max(40).optional(),
});
const IndicatorQuery = DecayQuery.extend({ pollutant: z.enum(SECTION_READING_POLLUTANTS).default('cod'), from: Month.optional(), to: Month.optional() });
const LoadsQuery = DecayQuery.extend({ scope: z.enum(['whole', 'control']).default('whole') });
const AirQuery = z.object({
  radius_km: z.coerce.number().positive().max(200).default(20),
  pollutant: z.enum(AIR_POLLUTANTS).default('nox'),
  wind_from: z.coerce.number().min(0).max(360).optional(),
  sector: z.coerce.number().positive().max(360).default(45),
  off_sector_weight: z.coerce.number().min(0).max(1).default(0.25),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
const RebuildBody = z.object({
  // An empty body finds the direction from the network itself ('auto'); 'stored' must be asked for.
  direction: z.enum(['auto', 'stored', 'attribute', 'outlet']).default('auto'),
  notOutlets: z.array(z.number().int()).max(10_000).optional(),
  maxBankWidthM: z.number().min(0).max(50_000).optional(),
  toleranceM: z.number().min(0).max(10_000).optional(),
  gapSearchM: z.number().min(0).max(100_000).optional(),
  outlets: z.array(z.number().int()).max(10_000).optional(),
  link: z.object({
    outfallToleranceM: z.number().min(0).optional(),
    nameToleranceM: z.number().min(0).optional(),
    sectionToleranceM: z.number().min(0).optional(),
    sourceToleranceM: z.number().min(0).optional(),
  }).strict().default({}),
}).strict();

/**
 * Sources → environmental quality: network rebuild and report, upstream/downstream traces with
 * loads, the problem list, the load–concentration indicator, air-station contributors and the
 * battle-map view. Thin: the SQL lives in geodata/network.
 */
export function qualityRouter(ctx: AppContext): Router {
  const router = Router();
  const owner = ctx.db.pool;

  router.post('/network/rebuild', requireRole('admin'), ...jsonBody('1mb'), async (req, res) => {
    // Rebuilding indexes every reach and links every source: system work on the owner pool.
    const pool = owner;
    const body = parse(RebuildBody, req.body ?? {}, 'body');
    const build = await buildRiverNetwork(pool, body);
    const link = await linkNetwork(pool, body.link);
    // The stored link report names every region's sources: a scoped admin gets it counted in scope.
    res.json(principal(req).scope === '*' ? { build, link } : { build, link: (await networkReport(dbFor(req, owner), false)).link });
  });

  router.get('/network/report', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await networkReport(dbFor(req, owner), principal(req).scope === '*'));
  });

  router.get('/sections/problems', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(ProblemQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(await problemList(pool, { month: q.month, top: q.top, rankBy: q.rank, scope: q.scope, basin: q.basin, decayPerKm: decay(q) }));
  });

  router.get('/sections/response-indicator', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(IndicatorQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(await responseIndicator(pool, { pollutant: q.pollutant, from: q.from, to: q.to, decayPerKm: decay(q) }));
  });

  router.get('/sections/loads', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(LoadsQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json({ scope: q.scope, sections: await allSectionLoads(pool, { scope: q.scope, decayPerKm: decay(q) }) });
  });

  router.get('/sections/:code/upstream', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(UpstreamQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(await traceUpstream(pool, req.params.code, { scope: q.scope, rankBy: q.rank, limit: q.limit, decayPerKm: decay(q) }));
  });

  router.get('/sections/:code/response', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(DecayQuery, req.query, 'query');
    const result = await sectionResponse(pool, req.params.code, decay(q));
    if (!result) throw new HttpError(404, `no section ${req.params.code}`);
    res.set('Cache-Control', 'no-cache').json(result);
  });

  router.get('/sources/:id/downstream', async (req, res) => {
    const pool = dbFor(req, owner);
    // The census id users find through search, or the internal number.
    const key = parse(z.string().min(1).max(100), req.params.id, 'source id');
    const q = parse(DecayQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(await traceDownstreamFromSource(pool, await resolveSource(pool, key), decay(q)));
  });

  // One entry for traces by a friendly identifier: a section or outfall code, or a census id.
  router.get('/network/trace', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(TraceQuery, req.query, 'query');
    const answer: NetworkTraceAnswer = await (async () => {
      const start = await resolveTraceStart(pool, q.from, q.kind);
      if (q.direction === 'upstream') {
        if (start.kind !== 'section') throw new HttpError(400, `an upstream trace starts from a section; ${q.from} is a ${start.kind}`);
        return { direction: 'upstream' as const, start, trace: await traceUpstream(pool, start.code, { scope: q.scope, rankBy: q.rank, limit: q.limit, decayPerKm: decay(q) }) };
      }
      const trace = start.kind === 'section' ? await traceDownstreamFromSection(pool, start.code, decay(q))
        : start.kind === 'outfall' ? await traceDownstreamFromOutfall(pool, start.code, decay(q))
          : await traceDownstreamFromSource(pool, start.id, decay(q));
      return { direction: 'downstream' as const, start, trace };
    })();
    if (q.paths) answer.paths = await reachPaths(pool, answer.trace.reaches);
    res.set('Cache-Control', 'no-cache').json(answer);
  });

  router.get('/outfalls/:code/downstream', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(DecayQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(await traceDownstreamFromOutfall(pool, req.params.code, decay(q)));
  });

  router.get('/air/stations/:code/contributors', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(AirQuery, req.query, 'query');
    const result = await airContributors(pool, req.params.code, {
      radiusKm: q.radius_km, pollutant: q.pollutant, windFromDeg: q.wind_from, sectorDeg: q.sector, offSectorWeight: q.off_sector_weight, limit: q.limit,
    });
    if (!result) throw new HttpError(404, `no air station ${req.params.code}`);
    res.set('Cache-Control', 'no-cache').json(result);
  });

  router.get('/battle/basins', async (req, res) => {
    const pool = dbFor(req, owner);
    res.set('Cache-Control', 'no-cache').json({ basins: await battleBasins(pool) });
  });

  router.get('/battle/basins/:code', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(z.object({ month: Month.optional(), top: z.coerce.number().int().min(1).max(20).default(5) }), req.query, 'query');
    const view = await battleView(pool, req.params.code, q);
    if (!view) throw new HttpError(404, `no basin ${req.params.code}`);
    res.set('Cache-Control', 'no-store').json(view);
  });

  return router;
}

function decay(q: z.infer<typeof DecayQuery>): Partial<Loads> {
  const out: Partial<Loads> = {};
  if (q.k_cod !== undefined) out.cod = q.k_cod;
  if (q.k_nh3n !== undefined) out.nh3n = q.k_nh3n;
  if (q.k_tn !== undefined) out.tn = q.k_tn;
  if (q.k_tp !== undefined) out.tp = q.k_tp;
  return out;
}
