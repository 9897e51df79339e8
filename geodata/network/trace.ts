import type pg from 'pg';

export const POLLUTANTS = ['cod', 'nh3n', 'tn', 'tp'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];
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

export interface UpstreamTrace {
  section: { code: string; name: string; reachId: number; distM: number; targetClass: number };
  scope: TraceScope;
  decayPerKm: Loads;
  rankBy: Pollutant;
  /** Upstream reaches, nearest first by pre-order; in 'control', reaches holding an upstream section are kept (their part below it belongs to the unit). */
  reaches: number[];
  /** Sections that bound the control unit upstream. */
  upstreamSections: string[];
  totals: { plain: Loads; decayed: Loads; sources: number; viaFacility: number };
  sources: Contributor[];
  outfalls: Contributor[];
}

export class NetworkLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkLookupError';
  }
}

/** Sections, reaches, sources and outfalls upstream of one section, with plain and decayed loads. */
export async function traceUpstream(pool: pg.Pool, sectionCode: string, options: UpstreamOptions = {}): Promise<UpstreamTrace> {
  const scope = options.scope ?? 'whole';
  const k = { ...DEFAULT_DECAY_PER_KM, ...options.decayPerKm };
  const rankBy = options.rankBy ?? 'cod';
  const limit = options.limit ?? 50;
  const { rows: [s] } = await pool.query(
    `SELECT s.code, s.name, s.target_class, ns.reach_id, ns.pre, ns.dist_m, nr.last, ns.note
       FROM section s LEFT JOIN network_section ns ON ns.section_code = s.code LEFT JOIN network_reach nr ON nr.reach_id = ns.reach_id
      WHERE s.code = $1`, [sectionCode]);
  if (!s) throw new NetworkLookupError(`no section ${sectionCode}`);
  if (s.pre === null) throw new NetworkLookupError(`section ${sectionCode} is not on the river network: ${s.note ?? 'network not built yet'}`);
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
      SELECT up.source_id, up.name AS source_name, up.source_type, up.via, up.outfall_code, up.river_m, up.lon, up.lat,
             ${POLLUTANTS.map((p) => `up.${p} AS s_${p}, up.d_${p} AS sd_${p}`).join(', ')}
        FROM up WHERE up.counted ORDER BY up.d_${rankBy} DESC NULLS LAST, up.source_id LIMIT $10) top ON true`,
  [...base, ...kParams, limit]);
  const t = srcRows[0];
  const totals = {
    plain: loadsOf(t, ''), decayed: loadsOf(t, 'd_'), sources: t.n as number, viaFacility: t.facility as number,
  };
  const share = (x: number) => (totals.decayed[rankBy] > 0 ? x / totals.decayed[rankBy] : 0);
  const sources: Contributor[] = srcRows.filter((r) => r.source_id !== null).map((r) => {
    const decayed = loadsOf(r, 'sd_');
    return {
      id: String(r.source_id), name: r.source_name, kind: 'source', sourceType: r.source_type, via: r.via, outfallCode: r.outfall_code,
      riverM: r.river_m, plain: loadsOf(r, 's_'), decayed, share: share(decayed[rankBy]), lon: r.lon, lat: r.lat,
    };
  });
  const { rows: outRows } = await pool.query(`${BLOCKERS}, up AS (${UPSTREAM_SOURCES})
    SELECT up.outfall_code, o.name, min(up.river_m) AS river_m, count(*)::int AS n, ST_X(o.geom) AS lon, ST_Y(o.geom) AS lat,
           ${POLLUTANTS.map((p) => `coalesce(sum(up.${p}), 0) AS ${p}, coalesce(sum(up.d_${p}), 0) AS d_${p}`).join(', ')}
      FROM up JOIN outfall o ON o.code = up.outfall_code
     WHERE up.counted
     GROUP BY up.outfall_code, o.name, o.geom
     ORDER BY d_${rankBy} DESC, up.outfall_code LIMIT $10`, [...base, ...kParams, limit]);
  const outfalls: Contributor[] = outRows.map((r) => {
    const decayed = loadsOf(r, 'd_');
    return { id: r.outfall_code, name: r.name, kind: 'outfall', riverM: r.river_m, plain: loadsOf(r, ''), decayed, share: share(decayed[rankBy]), sources: r.n, lon: r.lon, lat: r.lat };
  });
  return {
    section: { code: s.code, name: s.name, reachId: Number(s.reach_id), distM: s.dist_m, targetClass: s.target_class },
    scope, decayPerKm: k, rankBy,
    reaches: reachRows.map((r) => Number(r.reach_id)),
    upstreamSections: blockers.map((b) => b.code),
    totals, sources, outfalls,
  };
}

export interface DownstreamTrace {
  from: { kind: 'source' | 'outfall'; id: string; reachId: number | null; distM: number | null; via?: string; counted?: boolean; note: string | null };
  /** Reaches from the starting reach down to the outlet, in flow order. */
  reaches: number[];
  /** Sections reached, nearest first, with river distance and the decay factor per pollutant. */
  sections: { code: string; name: string; riverM: number; remaining: Loads; delivered: Loads | null }[];
}

/** From a source (its id) down the river to the outlet: reaches passed and sections reached. */
export async function traceDownstreamFromSource(pool: pg.Pool, sourceId: number, decayPerKm: Partial<Loads> = {}): Promise<DownstreamTrace> {
  const { rows: [p] } = await pool.query(
    `SELECT s.id, ns.reach_id, ns.pre, ns.dist_m, ns.via, ns.counted, ns.note, s.cod, s.nh3n, s.tn, s.tp, s.status
       FROM source s LEFT JOIN network_source ns ON ns.source_id = s.id WHERE s.id = $1`, [sourceId]);
  if (!p) throw new NetworkLookupError(`no source ${sourceId}`);
  const note = p.via === undefined || p.via === null ? 'not a water-emitting active source, or the network is not linked yet' : p.note;
  const from = { kind: 'source' as const, id: String(p.id), reachId: p.reach_id === null ? null : Number(p.reach_id), distM: p.dist_m, via: p.via ?? undefined, counted: p.counted ?? undefined, note };
  return downstreamFrom(pool, from, p.pre, p.counted ? loadsOf(p, '') : null, decayPerKm);
}

/** The same from an outfall (its code). */
export async function traceDownstreamFromOutfall(pool: pg.Pool, outfallCode: string, decayPerKm: Partial<Loads> = {}): Promise<DownstreamTrace> {
  const { rows: [p] } = await pool.query(
    `SELECT o.code, no.reach_id, no.pre, no.dist_m, no.via, no.note FROM outfall o LEFT JOIN network_outfall no ON no.outfall_code = o.code WHERE o.code = $1`, [outfallCode]);
  if (!p) throw new NetworkLookupError(`no outfall ${outfallCode}`);
  const from = { kind: 'outfall' as const, id: p.code, reachId: p.reach_id === null ? null : Number(p.reach_id), distM: p.dist_m, via: p.via ?? undefined, note: p.note };
  return downstreamFrom(pool, from, p.pre, null, decayPerKm);
}

async function downstreamFrom(pool: pg.Pool, from: DownstreamTrace['from'], pre: number | null, loads: Loads | null, decayPerKm: Partial<Loads>): Promise<DownstreamTrace> {
  if (pre === null || from.distM === null) return { from, reaches: [], sections: [] };
  const k = { ...DEFAULT_DECAY_PER_KM, ...decayPerKm };
  // The reaches whose interval holds the start are exactly its path to the outlet.
  const { rows: path } = await pool.query(
    `SELECT reach_id FROM network_reach
      WHERE pre <= $1 AND last >= $1 AND outlet_id = (SELECT outlet_id FROM network_reach WHERE pre = $1)
      ORDER BY pre DESC`, [pre]);
  const { rows: secs } = await pool.query(
    `SELECT ns.section_code AS code, s.name, $2::float8 - ns.dist_m AS river_m
       FROM network_section ns JOIN network_reach nr ON nr.reach_id = ns.reach_id JOIN section s ON s.code = ns.section_code
      WHERE $1 BETWEEN ns.pre AND nr.last AND ns.dist_m <= $2
      ORDER BY river_m, ns.section_code`, [pre, from.distM]);
  return {
    from,
    reaches: path.map((r) => Number(r.reach_id)),
    sections: secs.map((r) => {
      const remaining = Object.fromEntries(POLLUTANTS.map((q) => [q, Math.exp(-k[q] * r.river_m / 1000)])) as Loads;
      const delivered = loads ? (Object.fromEntries(POLLUTANTS.map((q) => [q, loads[q] * remaining[q]])) as Loads) : null;
      return { code: r.code, name: r.name, riverM: r.river_m, remaining, delivered };
    }),
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

/** Sources upstream of the section point ($6..$9: decay per km for cod, nh3n, tn, tp). */
const UPSTREAM_SOURCES = `
  SELECT ns.source_id, src.name, src.source_type, ns.via, ns.outfall_code, ns.counted, ns.dist_m - $3::float8 AS river_m,
         ST_X(src.geom) AS lon, ST_Y(src.geom) AS lat,
         ${POLLUTANTS.map((p, i) => `coalesce(src.${p}, 0) AS ${p}, coalesce(src.${p}, 0) * exp(-$${6 + i}::float8 * (ns.dist_m - $3::float8) / 1000) AS d_${p}`).join(', ')}
    FROM network_source ns JOIN source src ON src.id = ns.source_id
   WHERE ns.pre BETWEEN $1::int AND $2::int AND ns.dist_m >= $3::float8
     AND NOT EXISTS (SELECT 1 FROM blockers b WHERE ns.pre BETWEEN b.pre AND b.last AND ns.dist_m >= b.dist_m)`;

export function loadsOf(row: Record<string, unknown>, prefix: string): Loads {
  return Object.fromEntries(POLLUTANTS.map((p) => [p, Number(row[`${prefix}${p}`] ?? 0)])) as Loads;
}
