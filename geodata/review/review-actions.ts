import type pg from 'pg';
import { z } from 'zod';
import { getFinding, type FindingItem } from './findings-list.ts';
import { recheckSource, type CheckOptions } from './run-checks.ts';

/**
 * What a reviewer does with one finding: accept the point as it is (reason required), apply
 * the suggested correction, move the point to a new place, or send it to a field check
 * (现场核实). Each action is one transaction: the source row (guarded by its row_version),
 * the finding's status, an edit_log entry and the source's re-check.
 */
export const ReviewActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), reason: z.string().trim().min(1, 'accepting a finding needs a reason'), rowVersion: z.number().int().optional() }),
  z.object({ action: z.literal('apply_suggestion'), reason: z.string().trim().optional(), rowVersion: z.number().int() }),
  z.object({
    action: z.literal('move'), reason: z.string().trim().optional(), rowVersion: z.number().int(),
    lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90),
  }),
  z.object({ action: z.literal('field_check'), reason: z.string().trim().optional(), rowVersion: z.number().int().optional() }),
]);
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
  constructor(message: string, readonly status = 400) {
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
    const found = await client.query<{ id: string; source_id: string | null; status: string; check_code: string; sx: number | null; sy: number | null }>(
      `SELECT id, source_id, status, check_code, ST_X(suggested) AS sx, ST_Y(suggested) AS sy FROM review_finding WHERE id = $1 FOR UPDATE`, [findingId]);
    const finding = found.rows[0];
    if (!finding) throw new ReviewInputError(`no finding ${findingId}`, 404);
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
        'SELECT row_version, ST_X(geom) AS x, ST_Y(geom) AS y FROM source WHERE id = $1 FOR UPDATE', [sourceId]);
      const s = src.rows[0];
      if (!s) throw new ReviewInputError(`source ${sourceId} of finding ${findingId} no longer exists`, 404);
      if (action.rowVersion !== undefined && action.rowVersion !== s.row_version) throw new ReviewConflictError(s.row_version, action.rowVersion);
      previous = s.x === null || s.y === null ? null : [s.x, s.y];
      let target: [number, number] | null = null;
      if (action.action === 'apply_suggestion') {
        if (finding.sx === null || finding.sy === null) throw new ReviewInputError(`finding ${findingId} (${finding.check_code}) has no suggested point`);
        target = [finding.sx, finding.sy];
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
      `UPDATE review_finding SET status = $2, reviewed_by = $3, reviewed_at = now(), review_reason = $4 WHERE id = $1`,
      [findingId, STATUS_AFTER[action.action], actor, action.reason ?? null]);
    const log = await client.query<{ id: string }>(
      `INSERT INTO edit_log (actor, entity, entity_id, action, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
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
    `SELECT id, at, actor, action, before, after, reason FROM edit_log WHERE entity = 'source' AND entity_id = $1 ORDER BY id`, [String(sourceId)]);
  return rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, before: r.before, after: r.after, reason: r.reason }));
}

/** A finding with what the map needs: the declared zone and division outlined (GeoJSON). */
export async function findingForMap(pool: pg.Pool, findingId: number) {
  const item = await getFinding(pool, findingId);
  if (!item) return null;
  const { rows } = await pool.query<{ zone: string | null; division: string | null }>(
    `SELECT (SELECT ST_AsGeoJSON(geom, 6) FROM census_zone WHERE code = $1) AS zone,
            (SELECT ST_AsGeoJSON(geom, 6) FROM division WHERE code = $2) AS division`, [item.zoneCode, item.divisionCode]);
  const r = rows[0]!;
  return { ...item, zoneGeometry: r.zone ? JSON.parse(r.zone) : null, divisionGeometry: r.division ? JSON.parse(r.division) : null };
}
