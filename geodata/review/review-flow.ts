import type pg from 'pg';
import type { z } from 'zod';
import { AssignDistrictBody, CommentBody } from '../model/api/review.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { ReviewInputError } from './review-actions.ts';

const SQL = loadStatements(new URL('./review-flow.sql', import.meta.url), ['assign_district', 'comments', 'add_comment']);

/**
 * The review flow between people: a district's open findings handed to one reviewer (whose
 * "my queue" is then the list filtered by assignee), and comments on a finding. Both run in
 * the caller's scope and leave an edit-log entry per finding.
 */
export { AssignDistrictBody, CommentBody };
export type AssignDistrict = z.infer<typeof AssignDistrictBody>;

/** Assigns the district's open findings; returns how many changed hands. */
export async function assignDistrict(pool: pg.Pool, actor: string, input: AssignDistrict): Promise<{ assigned: number }> {
  const { rows } = await pool.query<{ n: number }>(SQL.assign_district, [input.division, input.assignee, actor, input.reason ?? null]);
  return { assigned: rows[0]!.n };
}


export interface FindingComment {
  readonly id: number;
  readonly findingId: number;
  readonly author: string;
  readonly body: string;
  readonly at: string;
}

interface CommentRow { id: string; finding_id: string; author: string; body: string; created_at: Date }
const toComment = (r: CommentRow): FindingComment =>
  ({ id: Number(r.id), findingId: Number(r.finding_id), author: r.author, body: r.body, at: r.created_at.toISOString() });

/** A finding's comments, oldest first (none for a finding the caller cannot see). */
export async function findingComments(pool: pg.Pool, findingId: number): Promise<FindingComment[]> {
  const { rows } = await pool.query<CommentRow>(SQL.comments, [findingId]);
  return rows.map(toComment);
}

/** Adds a comment and its edit-log entry in one statement. */
export async function addFindingComment(pool: pg.Pool, findingId: number, author: string, body: string): Promise<FindingComment & { editLogId: number }> {
  const { rows } = await pool.query<CommentRow & { edit_log_id: string }>(SQL.add_comment, [findingId, author, body]);
  const r = rows[0];
  if (!r) throw new ReviewInputError(`no finding ${findingId}`, 'not_found');
  return { ...toComment(r), editLogId: Number(r.edit_log_id) };
}
