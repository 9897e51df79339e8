import type pg from 'pg';
import { nameReaches, type NamedReach, type TraceStart } from './identifiers.ts';
import { downstreamValidity, upstreamValidity, type TraceValidity } from './trace-validity.ts';
import { decayedLoadSql } from './decay-sql.ts';

import { WATER_POLLUTANTS, type WaterPollutant } from '../model/vocabulary.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in trace.sql beside it.
const FIXED_SQL = loadStatements(new URL('./trace.sql', import.meta.url), ['trace_upstream_select_section', 'trace_upstream_select_outfall', 'trace_upstream_select_source', 'trace_downstream_from_source_select_source', 'trace_downstream_from_section_select_section', 'trace_downstream_from_outfall_select_outfall', 'downstream_from_select_network_reach', 'downstream_from_select_network_section']);

/** The pollutants a river carries (a trace's loads): the census's water pollutants. */
export const POLLUTANTS = WATER_POLLUTANTS;
export type Pollutant = WaterPollutant;
export type Loads = Record<Pollutant, number>;

/**
 * First-order decay rates per km of river: load reaching the section = load · exp(−k · d_km).
 * Defaults are k[/day] / velocity: about 0.2/d (COD), 0.3/d (NH3-N), 0.1/d (TN), 0.15/d (TP)
 * at 0.5 m/s (43 km/day); a basin with its own calibration passes its own.
 */
export const DEFAULT_DECAY_PER_KM: Loads = { cod: 0.005, nh3n: 0.007, tn: 0.0023, tp: 0.0035 };

export type TraceScope = 'whole' | 'control';

export interface UpstreamOptions {
  /** 'whole': everything upstream; 'control': up to the next sections upstream. */
  scope?: TraceScope;
  decayPerKm?: Partial<Loads>;
  /** Pollutant that orders the contributors. Default cod. */
  rankBy?: Pollutant;
  /** Most contributors returned (sources and outfalls each). Default 50. */
  limit?: number;
}

export interface Contributor {
  id: string;
  /** The source's census id (sources only): the identifier users search by. */
  censusId?: string;
  name: string | null;
  kind: 'source' | 'outfall';
  sourceType?: string;
  via?: string;
  outfallCode?: string | null;
  /** River distance to the section (m); for an outfall, to the outfall. */
  riverM: number;
  plain: Loads;
  decayed: Loads;
  /** Share of the section's decayed load of the rank pollutant. */
  share: number;
  /** Sources counted through this outfall. */
  sources?: number;
  lon: number | null;
  lat: number | null;
}

/** Where an upstream trace starts: the point on the network above which everything is counted. */
export interface UpstreamFrom {
  kind: TraceStart['kind'];
  /** Section or outfall code, or the source's internal id. */
  id: string;
  censusId?: string;
  name: string | null;
  reachId: number;
  distM: number;
}

export interface UpstreamTrace {
  from: UpstreamFrom;
  /** The section traced from (section starts only), with its water-quality target. */
  section?: { code: string; name: string; reachId: number; distM: number; targetClass: number };
  scope: TraceScope;
  decayPerKm: Loads;
  rankBy: Pollutant;
  /** Upstream reaches, nearest first by pre-order; in 'control', reaches holding an upstream section are kept (their part below it belongs to the unit). */
  reaches: number[];
  /** The same reaches with their river names and stream order. */
  reachDetails: NamedReach[];
  /** Sections that bound the control unit upstream. */
  upstreamSections: string[];
  totals: { plain: Loads; decayed: Loads; sources: number; viaFacility: number };
  sources: Contributor[];
  outfalls: Contributor[];
  /** How sure the answer is, with a warning {zh, en} when it may be incomplete. */
  validity: TraceValidity;
}

export class NetworkLookupError extends Error {
  /** not_found: no such item; not_linked: it exists but is not on the river network. */
  constructor(message: string, readonly kind: 'not_found' | 'not_linked' = 'not_found') {
    super(message);
    this.name = 'NetworkLookupError';
  }
}

/** Sections, reaches, sources and outfalls upstream of one section, with plain and decayed loads. */
export function traceUpstream(pool: pg.Pool, sectionCode: string, options: UpstreamOptions = {}): Promise<UpstreamTrace> {
  return traceUpstreamFrom(pool, { kind: 'section', code: sectionCode }, options);
}

interface UpstreamPoint { from: UpstreamFrom; section?: UpstreamTrace['section']; pre: number; last: number; outletId: number; excludeSource: number | null }

/**
 * The point on the network a trace starts from. A source's own point is where its water reaches
 * the river (through its outfall or its treatment plant); the source itself is not its own contributor.
 */
async function upstreamPoint(pool: pg.Pool, start: TraceStart): Promise<UpstreamPoint> {
  const [statement, key, label] = start.kind === 'section' ? [FIXED_SQL.trace_upstream_select_section, start.code, `section ${start.code}`]
    : start.kind === 'outfall' ? [FIXED_SQL.trace_upstream_select_outfall, start.code, `outfall ${start.code}`]
      : [FIXED_SQL.trace_upstream_select_source, start.id, `source ${start.censusId}`];
  const { rows: [s] } = await pool.query(statement, [key]);
  if (!s) throw new NetworkLookupError(`no ${label}`);
  if (s.pre === null) {
    const why = s.note ?? (start.kind === 'source' && s.via === null ? 'not a water-emitting active source, or the network is not linked yet' : 'network not built yet');
    throw new NetworkLookupError(`${label} is not on the river network: ${why}`, 'not_linked');
  }
  const at = { reachId: Number(s.reach_id), distM: Number(s.dist_m) };
  const point = { pre: Number(s.pre), last: Number(s.last), outletId: Number(s.outlet_id) };
  if (start.kind === 'section') {
    const section = { code: s.code, name: s.name, ...at, targetClass: s.target_class };
    return { from: { kind: 'section', id: s.code, name: s.name, ...at }, section, ...point, excludeSource: null };
  }
  if (start.kind === 'outfall') return { from: { kind: 'outfall', id: s.code, name: s.name, ...at }, ...point, excludeSource: null };
  return { from: { kind: 'source', id: String(s.id), censusId: s.census_id, name: s.name, ...at }, ...point, excludeSource: Number(s.id) };
}

/** The same upstream of any start: a section, an outfall (what the river carries where it discharges) or a source. */
export async function traceUpstreamFrom(pool: pg.Pool, start: TraceStart, options: UpstreamOptions = {}): Promise<UpstreamTrace> {
  const scope = options.scope ?? 'whole';
  const k = { ...DEFAULT_DECAY_PER_KM, ...options.decayPerKm };
  const rankBy = options.rankBy ?? 'cod';
  const limit = options.limit ?? 50;
  const p = await upstreamPoint(pool, start);
  const s = { pre: p.pre, last: p.last, dist_m: p.from.distM, code: p.section?.code ?? '' };
  const base = [s.pre, s.last, s.dist_m, s.code, scope];
  const { rows: blockers } = await pool.query(`${BLOCKERS} SELECT code FROM blockers ORDER BY code`, base);
  const { rows: reachRows } = await pool.query(`${BLOCKERS}
    SELECT nr.reach_id FROM network_reach nr
     WHERE nr.pre BETWEEN $1 AND $2
       AND NOT EXISTS (SELECT 1 FROM blockers b WHERE nr.pre > b.pre AND nr.pre <= b.last)
     ORDER BY nr.pre`, base);
  const kParams = POLLUTANTS.map((p) => k[p]);
  const { rows: srcRows } = await pool.query(`${BLOCKERS}, up AS (${UPSTREAM_SOURCES}),
    t AS (SELECT count(*) FILTER (WHERE counted)::int AS n, count(*) FILTER (WHERE NOT counted)::int AS facility,
                 ${POLLUTANTS.map((p) => `coalesce(sum(${p}) FILTER (WHERE counted), 0) AS ${p}, coalesce(sum(d_${p}) FILTER (WHERE counted), 0) AS d_${p}`).join(', ')} FROM up)
    SELECT t.*, top.* FROM t LEFT JOIN LATERAL (
      SELECT up.source_id, up.census_id, up.name AS source_name, up.source_type, up.via, up.outfall_code, up.river_m, up.lon, up.lat,
             ${POLLUTANTS.map((p) => `up.${p} AS s_${p}, up.d_${p} AS sd_${p}`).join(', ')}
        FROM up WHERE up.counted ORDER BY up.d_${rankBy} DESC NULLS LAST, up.source_id LIMIT $10) top ON true`,
  [...base, ...kParams, limit, p.excludeSource]);
  const t = srcRows[0];
  const totals = {
    plain: loadsOf(t, ''), decayed: loadsOf(t, 'd_'), sources: t.n as number, viaFacility: t.facility as number,
  };
  const share = (x: number) => (totals.decayed[rankBy] > 0 ? x / totals.decayed[rankBy] : 0);
  const sources: Contributor[] = srcRows.filter((r) => r.source_id !== null).map((r) => {
    const decayed = loadsOf(r, 'sd_');
    return {
      id: String(r.source_id), censusId: r.census_id, name: r.source_name, kind: 'source', sourceType: r.source_type, via: r.via, outfallCode: r.outfall_code,
      riverM: r.river_m, plain: loadsOf(r, 's_'), decayed, share: share(decayed[rankBy]), lon: r.lon, lat: r.lat,
    };
  });
  const { rows: outRows } = await pool.query(`${BLOCKERS}, up AS (${UPSTREAM_SOURCES})
    SELECT up.outfall_code, o.name, min(up.river_m) AS river_m, count(*)::int AS n, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
           ${POLLUTANTS.map((p) => `coalesce(sum(up.${p}), 0) AS ${p}, coalesce(sum(up.d_${p}), 0) AS d_${p}`).join(', ')}
      FROM up JOIN outfall o ON o.code = up.outfall_code
     WHERE up.counted
     GROUP BY up.outfall_code, o.name, o.geom
     ORDER BY d_${rankBy} DESC, up.outfall_code LIMIT $10`, [...base, ...kParams, limit, p.excludeSource]);
  const outfalls: Contributor[] = outRows.map((r) => {
    const decayed = loadsOf(r, 'd_');
    return { id: r.outfall_code, name: r.name, kind: 'outfall', riverM: r.river_m, plain: loadsOf(r, ''), decayed, share: share(decayed[rankBy]), sources: r.n, lon: r.lon, lat: r.lat };
  });
  return {
    from: p.from,
    ...(p.section && { section: p.section }),
    scope, decayPerKm: k, rankBy,
    reaches: reachRows.map((r) => Number(r.reach_id)),
    reachDetails: await nameReaches(pool, reachRows.map((r) => Number(r.reach_id))),
    upstreamSections: blockers.map((b) => b.code),
    totals, sources, outfalls,
    validity: await upstreamValidity(pool, p.outletId, s.pre, s.last),
  };
}

export interface DownstreamTrace {
  from: { kind: 'source' | 'outfall' | 'section'; id: string; censusId?: string; name?: string | null; reachId: number | null; distM: number | null; via?: string; counted?: boolean; note: string | null };
  /** Reaches from the starting reach down to the outlet, in flow order. */
  reaches: number[];
  reachDetails: NamedReach[];
  /** Sections reached, nearest first, with river distance and the decay factor per pollutant. */
  sections: { code: string; name: string; riverM: number; remaining: Loads; delivered: Loads | null }[];
  validity: TraceValidity;
}

/** From a source (its id) down the river to the outlet: reaches passed and sections reached. */
export async function traceDownstreamFromSource(pool: pg.Pool, sourceId: number, decayPerKm: Partial<Loads> = {}): Promise<DownstreamTrace> {
  const { rows: [p] } = await pool.query(
    FIXED_SQL.trace_downstream_from_source_select_source, [sourceId]);
  if (!p) throw new NetworkLookupError(`no source ${sourceId}`);
  const note = p.via === undefined || p.via === null ? 'not a water-emitting active source, or the network is not linked yet' : p.note;
  const from = { kind: 'source' as const, id: String(p.id), censusId: p.census_id as string, name: p.name as string, reachId: p.reach_id === null ? null : Number(p.reach_id), distM: p.dist_m, via: p.via ?? undefined, counted: p.counted ?? undefined, note };
  return downstreamFrom(pool, from, p.pre, p.counted ? loadsOf(p, '') : null, decayPerKm);
}

/** The same from a section (its code): where what passes it goes. */
export async function traceDownstreamFromSection(pool: pg.Pool, code: string, decayPerKm: Partial<Loads> = {}): Promise<DownstreamTrace> {
  const { rows: [p] } = await pool.query(
    FIXED_SQL.trace_downstream_from_section_select_section, [code]);
  if (!p) throw new NetworkLookupError(`no section ${code}`);
  const from = { kind: 'section' as const, id: p.code, name: p.name, reachId: p.reach_id === null ? null : Number(p.reach_id), distM: p.dist_m, via: p.via ?? undefined, note: p.note };
  const trace = await downstreamFrom(pool, from, p.pre, null, decayPerKm);
  return { ...trace, sections: trace.sections.filter((x) => x.code !== code) };
}

/** The same from an outfall (its code). */
export async function traceDownstreamFromOutfall(pool: pg.Pool, outfallCode: string, decayPerKm: Partial<Loads> = {}): Promise<DownstreamTrace> {
  const { rows: [p] } = await pool.query(
    FIXED_SQL.trace_downstream_from_outfall_select_outfall, [outfallCode]);
  if (!p) throw new NetworkLookupError(`no outfall ${outfallCode}`);
  const from = { kind: 'outfall' as const, id: p.code, reachId: p.reach_id === null ? null : Number(p.reach_id), distM: p.dist_m, via: p.via ?? undefined, note: p.note };
  return downstreamFrom(pool, from, p.pre, null, decayPerKm);
}

async function downstreamFrom(pool: pg.Pool, from: DownstreamTrace['from'], pre: number | null, loads: Loads | null, decayPerKm: Partial<Loads>): Promise<DownstreamTrace> {
  if (pre === null || from.distM === null) return { from, reaches: [], reachDetails: [], sections: [], validity: await downstreamValidity(pool, null, []) };
  const k = { ...DEFAULT_DECAY_PER_KM, ...decayPerKm };
  // The reaches whose interval holds the start are exactly its path to the outlet.
  const { rows: path } = await pool.query(
    FIXED_SQL.downstream_from_select_network_reach, [pre]);
  const { rows: secs } = await pool.query(
    FIXED_SQL.downstream_from_select_network_section, [pre, from.distM]);
  return {
    from,
    reaches: path.map((r) => Number(r.reach_id)),
    reachDetails: await nameReaches(pool, path.map((r) => Number(r.reach_id))),
    sections: secs.map((r) => {
      const remaining = Object.fromEntries(POLLUTANTS.map((q) => [q, Math.exp(-k[q] * r.river_m / 1000)])) as Loads;
      const delivered = loads ? (Object.fromEntries(POLLUTANTS.map((q) => [q, loads[q] * remaining[q]])) as Loads) : null;
      return { code: r.code, name: r.name, riverM: r.river_m, remaining, delivered };
    }),
    validity: await downstreamValidity(pool, path[0] ? Number(path[0].outlet_id) : null, path.map((r) => Number(r.reach_id))),
  };
}

/**
 * $1 pre, $2 last, $3 dist_m of the section's point, $4 its code, $5 scope. In 'control' scope,
 * the blockers are the other sections upstream of it: whatever drains past them belongs to them.
 */
const BLOCKERS = `WITH blockers AS (
  SELECT t.section_code AS code, t.pre, tr.last, t.dist_m
    FROM network_section t JOIN network_reach tr ON tr.reach_id = t.reach_id
   WHERE $5::text = 'control' AND t.section_code <> $4::text AND t.pre BETWEEN $1::int AND $2::int AND t.dist_m > $3::float8)`;

/** Sources upstream of the start point ($6..$9: decay per km for cod, nh3n, tn, tp; $11 a source left out: the start itself). */
const UPSTREAM_SOURCES = `
  SELECT ns.source_id, src.census_id, src.name, src.source_type, ns.via, ns.outfall_code, ns.counted, ns.dist_m - $3::float8 AS river_m,
         ST_X(src.geom) AS lon, ST_Y(src.geom) AS lat,
         ${POLLUTANTS.map((p, i) => `coalesce(src.${p}, 0) AS ${p}, ${decayedLoadSql(`coalesce(src.${p}, 0)`, `$${6 + i}::float8`, 'ns.dist_m - $3::float8')} AS d_${p}`).join(', ')}
    FROM network_source ns JOIN source src ON src.id = ns.source_id
   WHERE ns.pre BETWEEN $1::int AND $2::int AND ns.dist_m >= $3::float8
     AND ns.source_id IS DISTINCT FROM $11::bigint
     AND NOT EXISTS (SELECT 1 FROM blockers b WHERE ns.pre BETWEEN b.pre AND b.last AND ns.dist_m >= b.dist_m)`;

export function loadsOf(row: Record<string, unknown>, prefix: string): Loads {
  return Object.fromEntries(POLLUTANTS.map((p) => [p, Number(row[`${prefix}${p}`] ?? 0)])) as Loads;
}
