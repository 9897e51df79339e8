import { escapeIdentifier } from 'pg';
import type pg from 'pg';

/** Tables whose row counts must not move when malformed input is refused. */
export const WATCHED_TABLES = [
  'source', 'import_batch', 'edit_log', 'review_finding', 'review_run', 'app_user', 'division', 'census_zone', 'basin',
  'river_reach', 'outfall', 'section', 'section_reading', 'air_station', 'air_reading',
] as const;

export type Counts = Record<string, number>;

/** Row counts of every watched table, in one statement. */
export async function countAll(pool: pg.Pool, tables: readonly string[] = WATCHED_TABLES): Promise<Counts> {
  const sql = `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${escapeIdentifier(t)})::int AS ${escapeIdentifier(t)}`).join(', ')}`;
  const { rows } = await pool.query<Counts>(sql);
  return { ...rows[0]! };
}

/** fast-check settings shared by the property files: modest run counts, reproducible when YZT_PROP_SEED is set. */
export function propertyOptions(numRuns: number): { numRuns: number; seed?: number; endOnFailure: boolean } {
  const seed = process.env.YZT_PROP_SEED ? Number(process.env.YZT_PROP_SEED) : undefined;
  return { numRuns: Number(process.env.YZT_PROP_RUNS ?? numRuns), ...(seed === undefined ? {} : { seed }), endOnFailure: false };
}
