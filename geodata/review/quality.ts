import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in quality.sql beside it.
const FIXED_SQL = loadStatements(new URL('./quality.sql', import.meta.url), ['quality_figures_select_review_run', 'quality_figures_with']);

/** The key-indicator target census offices worked to: at most 2% of sources with an error. */
export const ERROR_RATE_TARGET = 0.02;

export interface QualityRow {
  readonly level: 'city' | 'county';
  readonly code: string;
  readonly name: string | null;
  readonly sources: number;
  /** Sources with an error-severity finding still open or awaiting a field check. */
  readonly withOpenError: number;
  readonly errorRate: number;
  readonly meetsTarget: boolean;
  readonly findings: number;
  readonly reviewed: number;
  /** Share of findings a reviewer has acted on (1 when there are none). */
  readonly reviewProgress: number;
}

export interface QualityFigures {
  readonly target: number;
  /** When the last full check run finished; null before any: the figures then say nothing yet. */
  readonly checkedAt: string | null;
  readonly rows: QualityRow[];
}

export async function qualityFigures(pool: pg.Pool): Promise<QualityFigures> {
  const checked = await pool.query<{ at: Date | null }>(
    FIXED_SQL.quality_figures_select_review_run);
  const checkedAt = checked.rows[0]?.at ? checked.rows[0].at.toISOString() : null;
  const { rows } = await pool.query<{ level: 'city' | 'county'; code: string; name: string | null; sources: string; open_err: string; findings: string; reviewed: string }>(FIXED_SQL.quality_figures_with);
  return {
    target: ERROR_RATE_TARGET,
    checkedAt,
    rows: rows.map((r) => {
      const sources = Number(r.sources);
      const errorRate = sources === 0 ? 0 : Number(r.open_err) / sources;
      const findings = Number(r.findings);
      return {
        level: r.level, code: r.code, name: r.name, sources, withOpenError: Number(r.open_err), errorRate,
        meetsTarget: errorRate <= ERROR_RATE_TARGET, findings, reviewed: Number(r.reviewed),
        reviewProgress: findings === 0 ? 1 : Number(r.reviewed) / findings,
      };
    }),
  };
}
