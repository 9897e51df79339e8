import { Router } from 'express';
import { z } from 'zod';
import {
  airContributors, allSectionLoads, battleBasins, battleView, buildRiverNetwork, linkNetwork, networkIssues, networkReport,
  problemList, reachPaths, resolveSource, resolveTraceStart, responseIndicator, sectionResponse, traceDownstreamFromOutfall,
  traceDownstreamFromSection, traceDownstreamFromSource, traceUpstream, traceUpstreamFrom, type Loads, type NetworkTraceAnswer,
} from '../../geodata/network/index.ts';
import { API } from '../../geodata/model/api/index.ts';
import {
  AirQuery, BattleQuery, DecayQuery, IndicatorQuery, LoadsQuery, ProblemQuery, RebuildBody, SourceKey, TraceQuery, UpstreamQuery,
} from '../../geodata/model/api/network.ts';
import { sendJson } from '../send-json.ts';
import type { AppContext } from '../app.ts';
import { dbFor, principal, requireRole } from '../auth.ts';
import { HttpError, parseInput as parse } from '../http-errors.ts';
import { jsonBody } from '../input-guard.ts';

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
    sendJson(res, API.network.rebuild, principal(req).scope === '*' ? { build, link } : { build, link: (await networkReport(dbFor(req, owner), false)).link });
  });

  // Outlets and doubts of the last build, with their lines, for the map's network check. The
  // reaches are shared by every region (as the build report is).
  router.get('/network/issues', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.network.issues, await networkIssues(dbFor(req, owner), owner));
  });

  router.get('/network/report', async (req, res) => {
    sendJson(res.set('Cache-Control', 'no-store'), API.network.report, await networkReport(dbFor(req, owner), principal(req).scope === '*'));
  });

  router.get('/sections/problems', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(ProblemQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.problems, await problemList(pool, { month: q.month, top: q.top, rankBy: q.rank, scope: q.scope, basin: q.basin, decayPerKm: decay(q) }));
  });

  router.get('/sections/response-indicator', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(IndicatorQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.indicator, await responseIndicator(pool, { pollutant: q.pollutant, from: q.from, to: q.to, decayPerKm: decay(q) }));
  });

  router.get('/sections/loads', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(LoadsQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.loads, { scope: q.scope, sections: await allSectionLoads(pool, { scope: q.scope, decayPerKm: decay(q) }) });
  });

  router.get('/sections/:code/upstream', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(UpstreamQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.upstream, await traceUpstream(pool, req.params.code, { scope: q.scope, rankBy: q.rank, limit: q.limit, decayPerKm: decay(q) }));
  });

  router.get('/sections/:code/response', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(DecayQuery, req.query, 'query');
    const result = await sectionResponse(pool, req.params.code, decay(q));
    if (!result) throw new HttpError(404, `no section ${req.params.code}`);
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.sectionResponse, result);
  });

  router.get('/sources/:id/downstream', async (req, res) => {
    const pool = dbFor(req, owner);
    // The census id users find through search, or the internal number.
    const key = parse(SourceKey, req.params.id, 'source id');
    const q = parse(DecayQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.sourceDownstream, await traceDownstreamFromSource(pool, await resolveSource(pool, key), decay(q)));
  });

  // One entry for traces by a friendly identifier: a section or outfall code, or a census id.
  router.get('/network/trace', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(TraceQuery, req.query, 'query');
    const answer: NetworkTraceAnswer = await (async () => {
      const start = await resolveTraceStart(pool, q.from, q.kind);
      if (q.direction === 'upstream') {
        return { direction: 'upstream' as const, start, trace: await traceUpstreamFrom(pool, start, { scope: q.scope, rankBy: q.rank, limit: q.limit, decayPerKm: decay(q) }) };
      }
      const trace = start.kind === 'section' ? await traceDownstreamFromSection(pool, start.code, decay(q))
        : start.kind === 'outfall' ? await traceDownstreamFromOutfall(pool, start.code, decay(q))
          : await traceDownstreamFromSource(pool, start.id, decay(q));
      return { direction: 'downstream' as const, start, trace };
    })();
    if (q.paths) answer.paths = await reachPaths(pool, answer.trace.reaches);
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.trace, answer);
  });

  router.get('/outfalls/:code/downstream', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(DecayQuery, req.query, 'query');
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.outfallDownstream, await traceDownstreamFromOutfall(pool, req.params.code, decay(q)));
  });

  router.get('/air/stations/:code/contributors', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(AirQuery, req.query, 'query');
    const result = await airContributors(pool, req.params.code, {
      radiusKm: q.radius_km, pollutant: q.pollutant, windFromDeg: q.wind_from, sectorDeg: q.sector, offSectorWeight: q.off_sector_weight, limit: q.limit,
    });
    if (!result) throw new HttpError(404, `no air station ${req.params.code}`);
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.airContributors, result);
  });

  router.get('/battle/basins', async (req, res) => {
    const pool = dbFor(req, owner);
    sendJson(res.set('Cache-Control', 'no-cache'), API.network.battleBasins, { basins: await battleBasins(pool) });
  });

  router.get('/battle/basins/:code', async (req, res) => {
    const pool = dbFor(req, owner);
    const q = parse(BattleQuery, req.query, 'query');
    const view = await battleView(pool, req.params.code, q);
    if (!view) throw new HttpError(404, `no basin ${req.params.code}`);
    sendJson(res.set('Cache-Control', 'no-store'), API.network.battleView, view);
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
