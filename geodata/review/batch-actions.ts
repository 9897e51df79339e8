import type pg from 'pg';
import type { z } from 'zod';
import { BatchActionBody } from '../model/api/review.ts';
import { applyReviewAction, ReviewConflictError, ReviewInputError, type CandidateCorrection } from './review-actions.ts';
import { recheckSource } from './run-checks.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in batch-actions.sql beside it.
const FIXED_SQL = loadStatements(new URL('./batch-actions.sql', import.meta.url), ['undo_review_action_select_edit_log', 'update_review_finding', 'insert_edit_log']);

const DATUM_CHECKS = ['gcj02_as_wgs84', 'bd09_as_wgs84'];

/**
 * One reason for many findings: apply the suggestion to a selection of findings, or to every
 * open datum finding of one import batch (the GCJ-02 batch an uploader sent). Each member is
 * still its own review action: its own transaction, row-version check and edit-log entry.
 */
export { BatchActionBody };
export type BatchAction = z.infer<typeof BatchActionBody>;

export interface BatchResult {
  readonly done: number;
  readonly editLogIds: number[];
  readonly failed: { id: number; error: string }[];
  /** For a whole batch: the datum its members turned out to have, which picked among candidates. */
  readonly datum: string | null;
}

export async function applyBatchAction(pool: pg.Pool, body: BatchAction, actor: string): Promise<BatchResult> {
  const { rows } = await pool.query<{ id: string; check_code: string; row_version: number | null; details: { candidates?: CandidateCorrection[] } | null }>(
    body.importBatch !== undefined
      ? `SELECT f.id, f.check_code, s.row_version, f.details FROM review_finding f JOIN source s ON s.id = f.source_id
         WHERE s.import_batch = $1 AND f.status = 'open' AND f.check_code = ANY($2::text[]) ORDER BY f.id`
      : `SELECT f.id, f.check_code, s.row_version, f.details FROM review_finding f LEFT JOIN source s ON s.id = f.source_id
         WHERE f.id = ANY($1::bigint[]) ORDER BY f.id`,
    body.importBatch !== undefined ? [body.importBatch, DATUM_CHECKS] : [body.findingIds]);
  // The batch's datum is what most of its members' unambiguous findings say: the uploader's
  // other rows rank the candidates of an ambiguous one.
  let datum: string | null = null;
  if (body.importBatch !== undefined) {
    const votes = new Map<string, number>();
    for (const r of rows) if ((r.details?.candidates?.length ?? 0) <= 1) votes.set(r.check_code, (votes.get(r.check_code) ?? 0) + 1);
    datum = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }
  const editLogIds: number[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const r of rows) {
    const id = Number(r.id);
    const candidates = r.details?.candidates ?? [];
    const candidate = candidates.length > 1 && datum && candidates.some((c) => c.code === datum) ? datum : undefined;
    try {
      const result = await applyReviewAction(pool, id, {
        action: 'apply_suggestion', rowVersion: r.row_version ?? 0, ...(body.reason ? { reason: body.reason } : {}),
        ...(candidate ? { candidate: candidate as CandidateCorrection['code'] } : {}),
      }, actor);
      editLogIds.push(result.editLogId);
    } catch (err) {
      if (err instanceof ReviewInputError || err instanceof ReviewConflictError) failed.push({ id, error: err.message });
      else throw err;
    }
  }
  return { done: editLogIds.length, editLogIds, failed, datum };
}

/**
 * Takes back one review action: the point goes back where it was, the finding back to its
 * status, and the edit log records the undo as an entry of its own (nothing is erased). Only
 * the actor's own action, and only while it is the source's latest change.
 */
export async function undoReviewAction(pool: pg.Pool, editLogId: number, actor: string): Promise<{ editLogId: number }> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string; actor: string; entity: string; entity_id: string; action: string; before: Record<string, unknown>; after: Record<string, unknown> }>(
      'SELECT id, actor, entity, entity_id, action, before, after FROM edit_log WHERE id = $1', [editLogId]);
    const entry = rows[0];
    if (!entry || !entry.action.startsWith('review.') || entry.action === 'review.undo') throw new ReviewInputError(`no review action ${editLogId} to undo`, 'not_found');
    if (entry.actor !== actor) throw new ReviewInputError(`edit ${editLogId} is ${entry.actor}'s, not yours: only your own actions can be undone`, 'forbidden');
    const later = await client.query(FIXED_SQL.undo_review_action_select_edit_log, [entry.entity, entry.entity_id, editLogId]);
    if (later.rowCount) throw new ReviewInputError(`edit ${editLogId} is no longer the latest change of ${entry.entity} ${entry.entity_id}; undo the later ones first`, 'conflict');
    const before = entry.before as { finding?: { id: number; status: string }; lon?: number | null; lat?: number | null };
    const after = entry.after as { lon?: number | null; lat?: number | null; row_version?: number };
    let previous: [number, number] | null = null;
    let rowVersion: number | null = null;
    if (entry.entity === 'source') {
      const sourceId = Number(entry.entity_id);
      const moved = before.lon !== after.lon || before.lat !== after.lat;
      previous = after.lon === null || after.lon === undefined || after.lat === null || after.lat === undefined ? null : [after.lon, after.lat];
      const back = before.lon === null || before.lon === undefined || before.lat === null || before.lat === undefined ? null : [before.lon, before.lat];
      const updated = await client.query<{ row_version: number }>(
        moved
          ? `UPDATE source SET geom = CASE WHEN $2::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($2, $3), 4326) END, row_version = row_version + 1, updated_at = now() WHERE id = $1 RETURNING row_version`
          : `UPDATE source SET row_version = row_version + 1, updated_at = now() WHERE id = $1 RETURNING row_version`,
        moved ? [sourceId, back?.[0] ?? null, back?.[1] ?? null] : [sourceId]);
      rowVersion = updated.rows[0]?.row_version ?? null;
    }
    if (before.finding) {
      await client.query(FIXED_SQL.update_review_finding,
        [before.finding.id, before.finding.status]);
    }
    const log = await client.query<{ id: string }>(
      FIXED_SQL.insert_edit_log,
      [actor, entry.entity, entry.entity_id, JSON.stringify({ ...after, undoes: editLogId }), JSON.stringify({ ...before, row_version: rowVersion }), null]);
    if (entry.entity === 'source' && (before.lon !== after.lon || before.lat !== after.lat)) await recheckSource(client, Number(entry.entity_id), actor, previous);
    await client.query('COMMIT');
    return { editLogId: Number(log.rows[0]!.id) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
