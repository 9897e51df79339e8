import type pg from 'pg';
import { decayedLoadSql } from './decay-sql.ts';
import { DEFAULT_DECAY_PER_KM, loadsOf, POLLUTANTS, type Loads, type TraceScope } from './trace.ts';

export interface SectionLoad {
  code: string;
  plain: Loads;
  decayed: Loads;
  sources: number;
}

/**
 * Upstream loads of every section on the network in one set-based query: each section's
 * interval picks its sources through the (pre, dist_m) index; 'control' drops what passes
 * another section first. Sections with nothing upstream get zeros.
 */
export async function allSectionLoads(
  pool: pg.Pool, options: { scope?: TraceScope; decayPerKm?: Partial<Loads> } = {},
): Promise<SectionLoad[]> {
  const k = { ...DEFAULT_DECAY_PER_KM, ...options.decayPerKm };
  const { rows } = await pool.query(`
    SELECT s.section_code AS code, count(ns.source_id)::int AS n,
           ${POLLUTANTS.map((p, i) => `coalesce(sum(src.${p}), 0) AS ${p},
             coalesce(sum(${decayedLoadSql(`coalesce(src.${p}, 0)`, `$${i + 2}::float8`, 'ns.dist_m - s.dist_m')}), 0) AS d_${p}`).join(', ')}
      FROM network_section s
      JOIN network_reach r ON r.reach_id = s.reach_id
      LEFT JOIN network_source ns ON ns.pre BETWEEN s.pre AND r.last AND ns.dist_m >= s.dist_m AND ns.counted
        AND ($1::text = 'whole' OR NOT EXISTS (
          SELECT 1 FROM network_section t JOIN network_reach tr ON tr.reach_id = t.reach_id
           WHERE t.section_code <> s.section_code AND t.pre BETWEEN s.pre AND r.last AND t.dist_m > s.dist_m
             AND ns.pre BETWEEN t.pre AND tr.last AND ns.dist_m >= t.dist_m))
      LEFT JOIN source src ON src.id = ns.source_id
     GROUP BY s.section_code
     ORDER BY s.section_code`,
  [options.scope ?? 'whole', ...POLLUTANTS.map((p) => k[p])]);
  return rows.map((r) => ({ code: r.code, plain: loadsOf(r, ''), decayed: loadsOf(r, 'd_'), sources: r.n }));
}
