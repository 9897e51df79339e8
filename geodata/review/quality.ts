import type pg from 'pg';

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
    `SELECT max(finished_at) AS at FROM review_run WHERE scope = 'all' AND status = 'done'`);
  const checkedAt = checked.rows[0]?.at ? checked.rows[0].at.toISOString() : null;
  const { rows } = await pool.query<{ level: 'city' | 'county'; code: string; name: string | null; sources: string; open_err: string; findings: string; reviewed: string }>(`
    WITH f AS (
      SELECT source_id,
             bool_or(severity = 'error' AND status IN ('open', 'field_check')) AS open_err,
             count(*) AS n, count(*) FILTER (WHERE status <> 'open') AS reviewed
      FROM review_finding WHERE source_id IS NOT NULL GROUP BY source_id
    ),
    s AS (
      SELECT left(s.division_code, 4) || '00' AS city, left(s.division_code, 6) AS county,
             coalesce(f.open_err, false) AS open_err, coalesce(f.n, 0) AS n, coalesce(f.reviewed, 0) AS reviewed
      FROM source s LEFT JOIN f ON f.source_id = s.id
      WHERE s.status = 'active' AND s.division_code IS NOT NULL
    ),
    g AS (
      SELECT CASE WHEN grouping(county) = 1 THEN 'city' ELSE 'county' END AS level, coalesce(county, city) AS code,
             count(*) AS sources, count(*) FILTER (WHERE open_err) AS open_err, sum(n) AS findings, sum(reviewed) AS reviewed
      FROM s GROUP BY GROUPING SETS ((city), (city, county))
    )
    SELECT g.*, d.name FROM g LEFT JOIN division d ON d.code = g.code ORDER BY g.code, g.level`);
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
