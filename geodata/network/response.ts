import type pg from 'pg';
import type { SectionReadingPollutant } from '../model/vocabulary.ts';
import { allSectionLoads } from './section-loads.ts';
import { traceUpstream, type Contributor, type Loads, type Pollutant, type TraceScope } from './trace.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in response.sql beside it.
const FIXED_SQL = loadStatements(new URL('./response.sql', import.meta.url), ['section_response_select_section', 'section_response_select_section_reading', 'section_response_select_network_section', 'latest_reading_month_select_section_reading', 'problem_list_select_section']);

export interface SectionMonth {
  month: string;
  waterClass: number | null;
  attains: boolean | null;
  cod: number | null;
  nh3n: number | null;
  tp: number | null;
  doMgl: number | null;
}

export interface SectionResponse {
  code: string;
  name: string;
  targetClass: number;
  months: SectionMonth[];
  /** Annual census loads upstream (whole upstream and control unit), decayed to the section. */
  load: { whole: Loads | null; control: Loads | null };
}

export interface Problem {
  code: string;
  name: string;
  level: string;
  targetClass: number;
  waterClass: number;
  month: string;
  lon: number;
  lat: number;
  /** Top contributors to the whole upstream load, decayed. */
  contributors: Contributor[];
  totalDecayed: Loads | null;
  note: string | null;
}

export interface ResponseIndicator {
  pollutant: SectionReadingPollutant;
  /** Spearman rank correlation between decayed upstream load and mean concentration; null below 3 sections. */
  rho: number | null;
  n: number;
  months: { from: string | null; to: string | null };
  sections: { code: string; load: number; concentration: number }[];
  caveat: { zh: string; en: string };
}

export const RESPONSE_CAVEAT = {
  zh: '相关不代表因果：断面浓度还受流量、季节、上游来水、面源和未普查排放影响，负荷为普查年度值。本指标只说明各断面的上游负荷与浓度是否同向变化，不能据此认定某一污染源的责任。',
  en: 'Correlation is not causation: concentrations also depend on flow, season, inflow from upstream, diffuse and uncensused emissions, and loads are annual census figures. The indicator only says whether upstream load and concentration move together across sections; it does not establish any single source\'s responsibility.',
};

/** Monthly readings of one section against its target class, with its upstream load. */
export async function sectionResponse(pool: pg.Pool, code: string, decayPerKm: Partial<Loads> = {}): Promise<SectionResponse | null> {
  const { rows: [s] } = await pool.query(FIXED_SQL.section_response_select_section, [code]);
  if (!s) return null;
  const { rows } = await pool.query(
    FIXED_SQL.section_response_select_section_reading, [code]);
  const onNetwork = (await pool.query(FIXED_SQL.section_response_select_network_section, [code])).rowCount! > 0;
  const load = { whole: null as Loads | null, control: null as Loads | null };
  if (onNetwork) {
    load.whole = (await traceUpstream(pool, code, { scope: 'whole', decayPerKm, limit: 0 })).totals.decayed;
    load.control = (await traceUpstream(pool, code, { scope: 'control', decayPerKm, limit: 0 })).totals.decayed;
  }
  return {
    code: s.code, name: s.name, targetClass: s.target_class, load,
    months: rows.map((r) => ({
      month: r.month, waterClass: r.water_class, attains: r.water_class === null ? null : r.water_class <= s.target_class,
      cod: r.cod, nh3n: r.nh3n, tp: r.tp, doMgl: r.do_mgl,
    })),
  };
}

/** The latest month with readings, as 'YYYY-MM', or null. */
export async function latestReadingMonth(pool: pg.Pool): Promise<string | null> {
  const { rows } = await pool.query(FIXED_SQL.latest_reading_month_select_section_reading);
  return rows[0]?.m ?? null;
}

/**
 * 问题清单: sections whose reading in the month is worse than their target class, worst first,
 * each with its top contributors (whole upstream, decayed, ranked by rankBy).
 */
export async function problemList(
  pool: pg.Pool,
  options: { month?: string; top?: number; rankBy?: Pollutant; scope?: TraceScope; decayPerKm?: Partial<Loads>; basin?: string } = {},
): Promise<{ month: string | null; problems: Problem[] }> {
  const month = options.month ?? (await latestReadingMonth(pool));
  if (!month) return { month: null, problems: [] };
  const { rows } = await pool.query(FIXED_SQL.problem_list_select_section, [month, options.basin ?? null]);
  const problems: Problem[] = [];
  for (const r of rows) {
    let contributors: Contributor[] = [];
    let totalDecayed: Loads | null = null;
    if (r.on_network) {
      const trace = await traceUpstream(pool, r.code, { scope: options.scope ?? 'whole', limit: options.top ?? 5, rankBy: options.rankBy, decayPerKm: options.decayPerKm });
      contributors = trace.sources;
      totalDecayed = trace.totals.decayed;
    }
    problems.push({
      code: r.code, name: r.name, level: r.level, targetClass: r.target_class, waterClass: r.water_class, month, lon: r.lon, lat: r.lat,
      contributors, totalDecayed, note: r.on_network ? null : `not on the river network: ${r.note ?? 'network not built'}`,
    });
  }
  return { month, problems };
}

/**
 * How load and concentration move together across sections: Spearman's rho (average ranks for
 * ties) between each section's decayed whole-upstream load and its mean concentration over the
 * months given (all months by default). Shown with RESPONSE_CAVEAT.
 */
export async function responseIndicator(
  pool: pg.Pool, options: { pollutant?: SectionReadingPollutant; from?: string; to?: string; decayPerKm?: Partial<Loads> } = {},
): Promise<ResponseIndicator> {
  const pollutant = options.pollutant ?? 'cod';
  const loads = new Map((await allSectionLoads(pool, { decayPerKm: options.decayPerKm })).map((l) => [l.code, l.decayed[pollutant]]));
  const { rows } = await pool.query(`
    SELECT section_code AS code, avg(${pollutant}) AS c FROM section_reading
     WHERE ${pollutant} IS NOT NULL AND ($1::text IS NULL OR month >= ($1 || '-01')::date) AND ($2::text IS NULL OR month <= ($2 || '-01')::date)
     GROUP BY section_code ORDER BY section_code`, [options.from ?? null, options.to ?? null]);
  const sections = rows.filter((r) => loads.has(r.code)).map((r) => ({ code: r.code as string, load: loads.get(r.code)!, concentration: Number(r.c) }));
  return {
    pollutant, n: sections.length, months: { from: options.from ?? null, to: options.to ?? null },
    rho: sections.length >= 3 ? spearman(sections.map((s) => s.load), sections.map((s) => s.concentration)) : null,
    sections, caveat: RESPONSE_CAVEAT,
  };
}

/** Spearman's rho as Pearson's r of the average ranks; null when either side is constant. */
export function spearman(x: number[], y: number[]): number | null {
  const rx = ranks(x), ry = ranks(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n, my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function ranks(v: number[]): number[] {
  const order = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(v.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let m = i; m <= j; m++) out[order[m]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}
