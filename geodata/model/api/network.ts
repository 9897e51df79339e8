import { z } from 'zod';
import { AIR_POLLUTANTS, SECTION_READING_POLLUTANTS, WATER_POLLUTANTS } from '../vocabulary.ts';
import { Bbox, Month, ZhEn, route } from './contract.ts';

/**
 * Sources → environmental quality (server/routes/quality.ts; the SQL is in geodata/network):
 * the river network's rebuild and report, upstream and downstream traces with loads, the
 * problem list, the load–concentration indicator, air-station contributors and the battle map.
 */

// ---------- requests ----------

const Rate = z.coerce.number().min(0).max(10).optional();
/** Decay rates per km: k_cod, k_nh3n, k_tn, k_tp. */
export const DecayQuery = z.object({ k_cod: Rate, k_nh3n: Rate, k_tn: Rate, k_tp: Rate });
export const TRACE_SCOPES = ['whole', 'control'] as const;
export const UpstreamQuery = DecayQuery.extend({
  scope: z.enum(TRACE_SCOPES).default('whole'),
  rank: z.enum(WATER_POLLUTANTS).default('cod'),
  limit: z.coerce.number().int().min(0).max(1000).default(50),
});
export const TRACE_START_KINDS = ['section', 'outfall', 'source'] as const;
export const TraceQuery = UpstreamQuery.extend({
  from: z.string().min(1).max(100),
  kind: z.enum(TRACE_START_KINDS).optional(),
  direction: z.enum(['upstream', 'downstream']).default('upstream'),
  // The reaches' lines too, for drawing the trace on a map.
  paths: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export const ProblemQuery = DecayQuery.extend({
  month: Month.optional(),
  top: z.coerce.number().int().min(0).max(50).default(5),
  rank: z.enum(WATER_POLLUTANTS).default('cod'),
  scope: z.enum(TRACE_SCOPES).default('whole'),
  basin: z.string().min(1).max(40).optional(),
});
export const IndicatorQuery = DecayQuery.extend({ pollutant: z.enum(SECTION_READING_POLLUTANTS).default('cod'), from: Month.optional(), to: Month.optional() });
export const LoadsQuery = DecayQuery.extend({ scope: z.enum(TRACE_SCOPES).default('whole') });
export const AirQuery = z.object({
  radius_km: z.coerce.number().positive().max(200).default(20),
  pollutant: z.enum(AIR_POLLUTANTS).default('nox'),
  wind_from: z.coerce.number().min(0).max(360).optional(),
  sector: z.coerce.number().positive().max(360).default(45),
  off_sector_weight: z.coerce.number().min(0).max(1).default(0.25),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
export const BattleQuery = z.object({ month: Month.optional(), top: z.coerce.number().int().min(1).max(20).default(5) });
export const SourceKey = z.string().min(1).max(100);
export const RebuildBody = z.object({
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

// ---------- answers ----------

/** Loads of the four water pollutants (t/a). */
export const Loads = z.object({ cod: z.number(), nh3n: z.number(), tn: z.number(), tp: z.number() });
export const NamedReach = z.object({ id: z.number(), name: z.string().nullable(), order: z.number().nullable() });
export const TraceValidity = z.object({
  complete: z.boolean(),
  outletId: z.number().nullable(),
  outletHow: z.string().nullable(),
  ambiguousForks: z.array(z.object({ reach: z.number(), name: z.string().nullable(), note: z.string() })),
  unreached: z.number(),
  cycles: z.number(),
  warning: ZhEn.nullable(),
});
export const Contributor = z.object({
  id: z.string(),
  /** The source's census id (sources only): the identifier users search by. */
  censusId: z.string().optional(),
  name: z.string().nullable(),
  kind: z.enum(['source', 'outfall']),
  sourceType: z.string().optional(),
  via: z.string().optional(),
  outfallCode: z.string().nullable().optional(),
  riverM: z.number(),
  plain: Loads,
  decayed: Loads,
  share: z.number(),
  sources: z.number().optional(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
});
export const UpstreamTrace = z.object({
  /** Where the trace starts: a section, an outfall or a source, at its point on the network. */
  from: z.object({
    kind: z.enum(TRACE_START_KINDS), id: z.string(), censusId: z.string().optional(), name: z.string().nullable(), reachId: z.number(), distM: z.number(),
  }),
  /** The section traced from, with its target class (section starts only). */
  section: z.object({ code: z.string(), name: z.string(), reachId: z.number(), distM: z.number(), targetClass: z.number() }).optional(),
  scope: z.enum(TRACE_SCOPES),
  decayPerKm: Loads,
  rankBy: z.enum(WATER_POLLUTANTS),
  reaches: z.array(z.number()),
  reachDetails: z.array(NamedReach),
  upstreamSections: z.array(z.string()),
  totals: z.object({ plain: Loads, decayed: Loads, sources: z.number(), viaFacility: z.number() }),
  sources: z.array(Contributor),
  outfalls: z.array(Contributor),
  validity: TraceValidity,
});
export const DownstreamTrace = z.object({
  from: z.object({
    kind: z.enum(TRACE_START_KINDS), id: z.string(), censusId: z.string().optional(), name: z.string().nullable().optional(),
    reachId: z.number().nullable(), distM: z.number().nullable(), via: z.string().optional(), counted: z.boolean().optional(), note: z.string().nullable(),
  }),
  reaches: z.array(z.number()),
  reachDetails: z.array(NamedReach),
  sections: z.array(z.object({ code: z.string(), name: z.string(), riverM: z.number(), remaining: Loads, delivered: Loads.nullable() })),
  validity: TraceValidity,
});
export const TraceStart = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('section'), code: z.string() }),
  z.object({ kind: z.literal('outfall'), code: z.string() }),
  z.object({ kind: z.literal('source'), id: z.number(), censusId: z.string() }),
]);
/** One reach of a trace as a line to draw: [lon, lat] points. */
export const ReachPath = z.object({ id: z.number(), path: z.array(z.tuple([z.number(), z.number()])) });
/** What `GET /api/network/trace` answers: where it starts, the trace, and with `paths=true` the reaches' lines. */
export const NetworkTraceAnswer = z.discriminatedUnion('direction', [
  z.object({ direction: z.literal('upstream'), start: TraceStart, trace: UpstreamTrace, paths: z.array(ReachPath).optional() }),
  z.object({ direction: z.literal('downstream'), start: TraceStart, trace: DownstreamTrace, paths: z.array(ReachPath).optional() }),
]);
export const Problem = z.object({
  code: z.string(), name: z.string(), level: z.string(), targetClass: z.number(), waterClass: z.number(), month: z.string(),
  lon: z.number(), lat: z.number(), contributors: z.array(Contributor), totalDecayed: Loads.nullable(), note: z.string().nullable(),
});
export const ProblemsAnswer = z.object({ month: z.string().nullable(), problems: z.array(Problem) });
export const ResponseIndicator = z.object({
  pollutant: z.enum(SECTION_READING_POLLUTANTS),
  rho: z.number().nullable(),
  n: z.number(),
  months: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  sections: z.array(z.object({ code: z.string(), load: z.number(), concentration: z.number() })),
  caveat: ZhEn,
});
export const SectionLoad = z.object({ code: z.string(), plain: Loads, decayed: Loads, sources: z.number() });
export const LoadsAnswer = z.object({ scope: z.enum(TRACE_SCOPES), sections: z.array(SectionLoad) });
export const SectionMonth = z.object({
  month: z.string(), waterClass: z.number().nullable(), attains: z.boolean().nullable(), cod: z.number().nullable(), nh3n: z.number().nullable(),
  tp: z.number().nullable(), doMgl: z.number().nullable(),
});
export const SectionResponse = z.object({
  code: z.string(), name: z.string(), targetClass: z.number(), months: z.array(SectionMonth),
  load: z.object({ whole: Loads.nullable(), control: Loads.nullable() }),
});
export const AirContributor = z.object({
  id: z.string(), name: z.string(), sourceType: z.string(), emission: z.number(), distanceKm: z.number(), bearingDeg: z.number(),
  upwind: z.boolean().nullable(), weight: z.number(), score: z.number(), share: z.number(),
});
export const AirStationContributors = z.object({
  station: z.object({ code: z.string(), name: z.string(), city: z.string().nullable(), lon: z.number(), lat: z.number() }),
  options: z.object({
    radiusKm: z.number(), pollutant: z.enum(AIR_POLLUTANTS), windFromDeg: z.number().nullable(), sectorDeg: z.number(), offSectorWeight: z.number(),
    minDistanceKm: z.number(), limit: z.number(),
  }),
  totalScore: z.number(),
  sourcesInRadius: z.number(),
  contributors: z.array(AirContributor),
  months: z.array(z.object({
    month: z.string(), pm25: z.number().nullable(), pm10: z.number().nullable(), o3: z.number().nullable(), no2: z.number().nullable(),
    so2: z.number().nullable(), aqi: z.number().nullable(),
  })),
});
export const BattleBasinsAnswer = z.object({ basins: z.array(z.object({ code: z.string(), name: z.string(), level: z.number(), sections: z.number() })) });
export const BattleSection = z.object({
  code: z.string(), name: z.string(), level: z.string(), lon: z.number(), lat: z.number(), targetClass: z.number(), waterClass: z.number().nullable(),
  attains: z.boolean().nullable(),
});
export const BattleView = z.object({
  basin: z.object({ code: z.string(), name: z.string(), bbox: Bbox.nullable() }),
  month: z.string().nullable(),
  months: z.array(z.string()),
  sections: z.array(BattleSection),
  problems: z.array(Problem),
});
const Counts = z.record(z.string(), z.number());
export const LinkReport = z.object({
  options: z.object({ outfallToleranceM: z.number(), nameToleranceM: z.number(), sectionToleranceM: z.number(), sourceToleranceM: z.number() }).optional(),
  outfalls: Counts,
  sections: Counts,
  sources: Counts,
  unlinked: z.array(z.object({ kind: z.enum(['outfall', 'section', 'source']), id: z.string(), note: z.string() })),
});
/** The build report: its headline figures typed; the details (auto direction, issues per outlet, water) as stored. */
export const BuildReport = z.looseObject({
  direction: z.enum(['auto', 'stored', 'attribute', 'outlet']),
  toleranceM: z.number(),
  reaches: z.number(),
  nodes: z.number(),
  outlets: z.array(z.number()),
});
export const RebuildAnswer = z.object({ build: BuildReport, link: LinkReport.optional() });
const IssueKind = z.enum(['outlet', 'ambiguous_fork', 'no_outlet', 'cycle', 'off_flow']);
/** The map's network check: the last build's outlets and doubts, each reach named and drawable. */
export const NetworkIssuesAnswer = z.object({
  builtAt: z.string().nullable(),
  direction: z.string().nullable(),
  options: z.looseObject({ direction: z.string(), outlets: z.array(z.number()).optional(), notOutlets: z.array(z.number()).optional() }).nullable(),
  linkOptions: z.record(z.string(), z.number()).nullable(),
  counts: z.record(IssueKind, z.number()),
  issues: z.array(z.object({
    kind: IssueKind, reach: z.number(), name: z.string().nullable(), how: z.string().optional(), note: z.string().optional(),
    path: z.array(z.tuple([z.number(), z.number()])),
  })),
  truncated: z.boolean(),
});
export const NetworkReportAnswer = z.object({
  build: z.looseObject({ at: z.string() }).optional(),
  link: LinkReport.extend({ at: z.string() }).optional(),
});

const CodeParams = z.object({ code: z.string() });

export const NETWORK_ROUTES = {
  rebuild: route({ method: 'POST', path: '/api/network/rebuild', body: RebuildBody, response: RebuildAnswer }),
  report: route({ method: 'GET', path: '/api/network/report', response: NetworkReportAnswer }),
  issues: route({ method: 'GET', path: '/api/network/issues', response: NetworkIssuesAnswer }),
  problems: route({ method: 'GET', path: '/api/sections/problems', query: ProblemQuery, response: ProblemsAnswer }),
  indicator: route({ method: 'GET', path: '/api/sections/response-indicator', query: IndicatorQuery, response: ResponseIndicator }),
  loads: route({ method: 'GET', path: '/api/sections/loads', query: LoadsQuery, response: LoadsAnswer }),
  upstream: route({ method: 'GET', path: '/api/sections/:code/upstream', params: CodeParams, query: UpstreamQuery, response: UpstreamTrace }),
  sectionResponse: route({ method: 'GET', path: '/api/sections/:code/response', params: CodeParams, query: DecayQuery, response: SectionResponse }),
  sourceDownstream: route({ method: 'GET', path: '/api/sources/:id/downstream', params: z.object({ id: SourceKey }), query: DecayQuery, response: DownstreamTrace }),
  trace: route({ method: 'GET', path: '/api/network/trace', query: TraceQuery, response: NetworkTraceAnswer }),
  outfallDownstream: route({ method: 'GET', path: '/api/outfalls/:code/downstream', params: CodeParams, query: DecayQuery, response: DownstreamTrace }),
  airContributors: route({ method: 'GET', path: '/api/air/stations/:code/contributors', params: CodeParams, query: AirQuery, response: AirStationContributors }),
  battleBasins: route({ method: 'GET', path: '/api/battle/basins', response: BattleBasinsAnswer }),
  battleView: route({ method: 'GET', path: '/api/battle/basins/:code', params: CodeParams, query: BattleQuery, response: BattleView }),
};
