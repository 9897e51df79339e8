import type pg from 'pg';
import type { z } from 'zod';
import { CORRECTIONS, ReviewActionBody } from '../model/api/review.ts';
import { getFinding, type FindingItem } from './findings-list.ts';
import { recheckSource, type CheckOptions } from './run-checks.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in review-actions.sql beside it.
const FIXED_SQL = loadStatements(new URL('./review-actions.sql', import.meta.url), ['apply_review_action_select_review_finding', 'select_source', 'update_review_finding', 'insert_edit_log', 'source_history_select_edit_log']);

export { CORRECTIONS, ReviewActionBody };
export interface CandidateCorrection { readonly code: (typeof CORRECTIONS)[number]; readonly lon: number; readonly lat: number; readonly shift_m?: number | null; readonly rank?: number }

export type ReviewAction = z.infer<typeof ReviewActionBody>;

export interface ReviewResult {
  readonly finding: FindingItem;
  /** The source's row version after the action (null for findings about no source). */
  readonly rowVersion: number | null;
  readonly editLogId: number;
}

export class ReviewConflictError extends Error {
  constructor(readonly currentVersion: number, readonly givenVersion: number) {
    super(`the source was changed by someone else (row version ${currentVersion}, yours ${givenVersion}); reload it and review again`);
    this.name = 'ReviewConflictError';
  }
}

export class ReviewInputError extends Error {
  constructor(message: string, readonly kind: 'invalid' | 'not_found' | 'forbidden' | 'conflict' = 'invalid') {
    super(message);
    this.name = 'ReviewInputError';
  }
}

const STATUS_AFTER: Record<ReviewAction['action'], string> = {
  accept: 'accepted', apply_suggestion: 'fixed', move: 'fixed', field_check: 'field_check',
};

export async function applyReviewAction(
  pool: pg.Pool,
  findingId: number,
  action: ReviewAction,
  actor: string,
  options: CheckOptions = {},
): Promise<ReviewResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query<{ id: string; source_id: string | null; status: string; check_code: string; sx: number | null; sy: number | null; details: { candidates?: CandidateCorrection[] } | null }>(
      FIXED_SQL.apply_review_action_select_review_finding, [findingId]);
    const finding = found.rows[0];
    if (!finding) throw new ReviewInputError(`no finding ${findingId}`, 'not_found');
    const sourceId = finding.source_id === null ? null : Number(finding.source_id);
    if (sourceId === null && (action.action === 'apply_suggestion' || action.action === 'move')) {
      throw new ReviewInputError(`finding ${findingId} (${finding.check_code}) is about no single source: it can be accepted or sent to a field check, not moved`);
    }
    let before: Record<string, unknown> = { finding: { id: findingId, check: finding.check_code, status: finding.status } };
    let after: Record<string, unknown> = { finding: { id: findingId, check: finding.check_code, status: STATUS_AFTER[action.action] } };
    let rowVersion: number | null = null;
    let previous: [number, number] | null = null;
    if (sourceId !== null) {
      const src = await client.query<{ row_version: number; x: number | null; y: number | null }>(
        FIXED_SQL.select_source, [sourceId]);
      const s = src.rows[0];
      if (!s) throw new ReviewInputError(`source ${sourceId} of finding ${findingId} no longer exists`, 'not_found');
      if (action.rowVersion !== undefined && action.rowVersion !== s.row_version) throw new ReviewConflictError(s.row_version, action.rowVersion);
      previous = s.x === null || s.y === null ? null : [s.x, s.y];
      let target: [number, number] | null = null;
      if (action.action === 'apply_suggestion') {
        target = suggestionTarget(findingId, finding, action.candidate);
      } else if (action.action === 'move') {
        target = [action.lon, action.lat];
      }
      // Every review action makes a new version of the source, so a reviewer acting on what
      // they saw earlier gets a conflict instead of silently undoing another's decision.
      const updated = await client.query<{ row_version: number }>(
        target
          ? `UPDATE source SET geom = ST_SetSRID(ST_MakePoint($2, $3), 4326), row_version = row_version + 1, updated_at = now() WHERE id = $1 RETURNING row_version`
          : `UPDATE source SET row_version = row_version + 1, updated_at = now() WHERE id = $1 RETURNING row_version`,
        target ? [sourceId, target[0], target[1]] : [sourceId]);
      rowVersion = updated.rows[0]!.row_version;
      before = { ...before, lon: s.x, lat: s.y, row_version: s.row_version };
      after = { ...after, lon: target ? target[0] : s.x, lat: target ? target[1] : s.y, row_version: rowVersion };
    }
    await client.query(
      FIXED_SQL.update_review_finding,
      [findingId, STATUS_AFTER[action.action], actor, action.reason ?? null]);
    const log = await client.query<{ id: string }>(
      FIXED_SQL.insert_edit_log,
      [actor, sourceId === null ? 'review_finding' : 'source', String(sourceId ?? findingId), `review.${action.action}`,
        JSON.stringify(before), JSON.stringify(after), action.reason ?? null]);
    if (sourceId !== null && (action.action === 'apply_suggestion' || action.action === 'move')) {
      await recheckSource(client, sourceId, actor, previous, options);
    }
    await client.query('COMMIT');
    const result = await getFinding(pool, findingId);
    return { finding: result!, rowVersion, editLogId: Number(log.rows[0]!.id) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The point "apply" writes. A finding with several candidate corrections is never applied
 * without the reviewer's pick: which one is right is the reviewer's call (the batch pattern
 * ranks them, it does not choose).
 */
function suggestionTarget(findingId: number, f: { check_code: string; sx: number | null; sy: number | null; details: { candidates?: CandidateCorrection[] } | null }, pick: string | undefined): [number, number] {
  const candidates = f.details?.candidates ?? [];
  if (pick !== undefined) {
    const c = candidates.find((x) => x.code === pick);
    if (c) return [c.lon, c.lat];
    if (candidates.length === 0 && pick === f.check_code && f.sx !== null && f.sy !== null) return [f.sx, f.sy];
    throw new ReviewInputError(`finding ${findingId} has no candidate ${pick}; its candidates are ${candidates.map((x) => x.code).join(', ') || 'none'}`);
  }
  if (candidates.length > 1) {
    throw new ReviewInputError(`finding ${findingId} is ambiguous: ${candidates.map((x) => x.code).join(' and ')} both land in the declared area; choose one with "candidate"`, 'conflict');
  }
  if (f.sx === null || f.sy === null) throw new ReviewInputError(`finding ${findingId} (${f.check_code}) has no suggested point`);
  return [f.sx, f.sy];
}

export interface HistoryEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly before: unknown;
  readonly after: unknown;
  readonly reason: string | null;
}

/** The edit log of one source, oldest first. */
export async function sourceHistory(pool: pg.Pool, sourceId: number): Promise<HistoryEntry[]> {
  const { rows } = await pool.query<{ id: string; at: Date; actor: string; action: string; before: unknown; after: unknown; reason: string | null }>(
    FIXED_SQL.source_history_select_edit_log, [String(sourceId)]);
  return rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, before: r.before, after: r.after, reason: r.reason }));
}
