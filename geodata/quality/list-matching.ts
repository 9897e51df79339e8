import type pg from 'pg';
import type { z } from 'zod';
import { DECISIONS, FIELD_RESULTS, OUTCOMES, PHONE_RESULTS, UnitDecisionBody, type Outcome } from '../model/api/census-quality.ts';
import { isNational, type Scope } from '../access/scope.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { inTransaction } from '../db/transaction.ts';
import { readList, type ListRowError } from './read-list.ts';

const SQL = loadStatements(new URL('./list-matching.sql', import.meta.url), [
  'insert_list', 'insert_units', 'count_units', 'match_credit', 'match_org', 'match_name', 'place_matched', 'place_by_address', 'outcome_counts',
  'lists', 'units', 'unit_for_update', 'decide_unit', 'log_decision',
]);

export { DECISIONS, FIELD_RESULTS, OUTCOMES, PHONE_RESULTS, UnitDecisionBody, type Outcome };

export interface ListImport {
  readonly id: number;
  readonly units: number;
  readonly matched: number;
  readonly ambiguous: number;
  readonly unmatched: number;
  /** Rows that could not be units (no name, a coordinate that is no number), by line. */
  readonly errors: readonly ListRowError[];
  readonly elapsedMs: number;
}

/** Units are written this many at a time (one parameterised statement each). */
const BATCH = 5000;

/**
 * Imports another department's list and compares it with the directory the caller may see:
 * by credit code, then organisation code, then normalised name with distance and address as
 * tie-breakers. One transaction: a list is stored whole and compared, or not at all.
 */
export async function importList(
  pool: pg.Pool,
  scope: Scope,
  actor: string,
  file: { path: string; fileName: string; encoding?: string },
  name: string,
): Promise<ListImport> {
  const started = Date.now();
  const read = await readList(file.path, file.fileName, file.encoding);
  const region = isNational(scope) ? null : scope;
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(SQL.insert_list, [name, file.fileName, region, actor]);
    const id = Number(rows[0]!.id);
    for (let i = 0; i < read.units.length; i += BATCH) {
      const part = read.units.slice(i, i + BATCH);
      await client.query(SQL.insert_units, [
        id, part.map((u) => u.line), part.map((u) => u.name), part.map((u) => u.creditCode), part.map((u) => u.orgCode),
        part.map((u) => u.address), part.map((u) => u.lon), part.map((u) => u.lat), region,
      ]);
    }
    await client.query(SQL.count_units, [id]);
    for (const step of [SQL.match_credit, SQL.match_org, SQL.match_name, SQL.place_matched, SQL.place_by_address]) await client.query(step, [id]);
    const counts = await client.query<{ outcome: Outcome; n: number }>(SQL.outcome_counts, [id]);
    const n = (o: Outcome) => counts.rows.find((r) => r.outcome === o)?.n ?? 0;
    return {
      id, units: read.units.length, matched: n('matched'), ambiguous: n('ambiguous'), unmatched: n('unmatched'),
      errors: read.errors, elapsedMs: Date.now() - started,
    };
  });
}

export interface ListSummary {
  readonly id: number;
  readonly name: string;
  readonly fileName: string | null;
  readonly uploadedBy: string;
  readonly units: number;
  readonly matched: number;
  readonly ambiguous: number;
  readonly unmatched: number;
  readonly decided: number;
  readonly createdAt: string;
}

export async function listLists(pool: pg.Pool): Promise<ListSummary[]> {
  const { rows } = await pool.query(SQL.lists);
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, fileName: r.file_name, uploadedBy: r.uploaded_by, units: r.units,
    matched: r.matched, ambiguous: r.ambiguous, unmatched: r.unmatched, decided: r.decided, createdAt: r.created_at.toISOString(),
  }));
}

export interface Candidate {
  readonly sourceId: number;
  readonly censusId: string;
  readonly name: string;
  readonly score: number;
  readonly distanceM?: number | null;
}

export interface UnitItem {
  readonly line: number;
  readonly name: string;
  readonly creditCode: string | null;
  readonly orgCode: string | null;
  readonly address: string | null;
  readonly lon: number | null;
  readonly lat: number | null;
  readonly outcome: Outcome;
  readonly matchKind: 'credit_code' | 'org_code' | 'name' | null;
  readonly score: number | null;
  readonly censusId: string | null;
  readonly sourceName: string | null;
  readonly candidates: readonly Candidate[];
  readonly divisionCode: string | null;
  readonly phoneResult: PhoneResult | null;
  readonly fieldResult: FieldResult | null;
  readonly decision: Decision | null;
  readonly decisionNote: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly assignee: string | null;
  readonly deadline: string | null;
}

export async function listUnits(pool: pg.Pool, listId: number, outcome: Outcome | null, limit: number, offset: number): Promise<{ total: number; items: UnitItem[] }> {
  const { rows } = await pool.query(SQL.units, [listId, outcome, limit, offset, null]);
  return {
    total: rows[0] ? Number(rows[0].total) : 0,
    items: rows.map(toItem),
  };
}

// A row of the units statement (pg types it loosely).
function toItem(r: any): UnitItem {
  return {
    line: r.line, name: r.name, creditCode: r.credit_code, orgCode: r.org_code, address: r.address, lon: r.lon, lat: r.lat,
    outcome: r.outcome, matchKind: r.match_kind, score: r.score === null ? null : Number(r.score), censusId: r.census_id,
    sourceName: r.source_name, candidates: r.candidates, divisionCode: r.division_code, phoneResult: r.phone_result,
    fieldResult: r.field_result, decision: r.decision, decisionNote: r.decision_note, decidedBy: r.decided_by,
    decidedAt: r.decided_at?.toISOString() ?? null, assignee: r.assignee, deadline: r.deadline ? isoDate(r.deadline) : null,
  };
}

export type PhoneResult = (typeof PHONE_RESULTS)[number];
export type FieldResult = (typeof FIELD_RESULTS)[number];
export type Decision = (typeof DECISIONS)[number];

export type UnitDecision = z.infer<typeof UnitDecisionBody>;

export class ListUnitNotFoundError extends Error {
  constructor(listId: number, line: number) {
    super(`list ${listId} has no unit on line ${line} that you may see`);
    this.name = 'ListUnitNotFoundError';
  }
}

export class ListDecisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListDecisionError';
  }
}

/** Records a step on one unit and its trace in the edit log, in one transaction. */
export async function decideUnit(pool: pg.Pool, actor: string, listId: number, line: number, body: UnitDecision): Promise<UnitItem> {
  await inTransaction(pool, async (client) => {
    const { rows } = await client.query(SQL.unit_for_update, [listId, line]);
    const before = rows[0];
    if (!before) throw new ListUnitNotFoundError(listId, line);
    let outcome: Outcome = before.outcome;
    let sourceId: number | null = before.source_id === null ? null : Number(before.source_id);
    if (body.confirm !== undefined) {
      if (before.outcome !== 'ambiguous') throw new ListDecisionError(`unit ${line} is ${before.outcome}, not ambiguous: only an ambiguous unit is confirmed`);
      if (body.confirm === null) {
        outcome = 'unmatched';
        sourceId = null;
      } else {
        const pick = (before.candidates as Candidate[]).find((c) => c.censusId === body.confirm);
        if (!pick) throw new ListDecisionError(`"${body.confirm}" is not one of unit ${line}'s candidates (${(before.candidates as Candidate[]).map((c) => c.censusId).join(', ')})`);
        outcome = 'matched';
        sourceId = pick.sourceId;
      }
    }
    const after = {
      phone_result: body.phone ?? before.phone_result, field_result: body.field ?? before.field_result,
      decision: body.decision ?? before.decision, decision_note: body.note ?? before.decision_note, outcome, source_id: sourceId,
    };
    await client.query(SQL.decide_unit, [listId, line, after.phone_result, after.field_result, after.decision, after.decision_note, actor, outcome, sourceId]);
    const shown = (r: Record<string, unknown>) => ({
      phone: r.phone_result, field: r.field_result, decision: r.decision, outcome: r.outcome, sourceId: r.source_id === null ? null : Number(r.source_id),
    });
    await client.query(SQL.log_decision, [actor, `${listId}:${line}`, shown(before), shown(after), body.note ?? null]);
  });
  const { rows } = await pool.query(SQL.units, [listId, null, 1, 0, line]);
  if (!rows[0]) throw new ListUnitNotFoundError(listId, line);
  return toItem(rows[0]);
}

function isoDate(d: Date | string): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}
