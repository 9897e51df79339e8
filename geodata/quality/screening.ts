import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { SCREENING_CHECKS } from '../review/check-catalog.ts';

/** Thresholds of the attribute screening; the defaults suit census data. */
export interface ScreeningOptions {
  /**
   * Modified z-score (0.6745 × deviation from the peer median in logs / MAD) beyond which an
   * emission or intensity is reported (default 3.5, Iglewicz and Hoaglin's cut-off: about 5 in
   * 10,000 ordinary values of a log-normal sector pass it).
   */
  readonly peerZ?: number;
  /** Fewest peers a 4-digit industry group needs before the 2-digit group is used (default 8). */
  readonly minPeers?: number;
  /** Two units with one normalised name closer than this are duplicates (metres, default 200). */
  readonly duplicateDistanceM?: number;
}

// Severity comes from the catalog, joined in so the SQL never disagrees with it.
const SEVERITY_VALUES = SCREENING_CHECKS.map((c) => `('${c.code}', '${c.severity}')`).join(', ');
const SCREENING_SQL = readFileSync(new URL('./screening.sql', import.meta.url), 'utf8').replace('/*SEVERITIES*/', SEVERITY_VALUES);
const STALE_SQL = readFileSync(new URL('./screening-stale.sql', import.meta.url), 'utf8');
const CODES = SCREENING_CHECKS.map((c) => c.code);

/**
 * Runs every attribute check over all sources as part of review run `runId` (system work, as
 * the owner: peer groups span the province), then retires the findings it no longer raises.
 * Returns the findings it raised.
 */
export async function runScreening(client: pg.ClientBase, runId: number, options: ScreeningOptions = {}): Promise<number> {
  // The statement's bins, windows and hash joins fit in memory at this size (at the default
  // 4 MB they spilled to disk); LOCAL: the setting ends with the caller's transaction.
  await client.query(`SET LOCAL work_mem = '128MB'`);
  const raised = await client.query(SCREENING_SQL, [runId, options.peerZ ?? 3.5, options.minPeers ?? 8, options.duplicateDistanceM ?? 200]);
  await client.query(STALE_SQL, [runId, CODES]);
  return raised.rowCount ?? 0;
}
