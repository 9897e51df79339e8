import type pg from 'pg';
import type { z } from 'zod';
import { AssignBody } from '../model/api/census-quality.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { inTransaction } from '../db/transaction.ts';

const RAW = loadStatements(new URL('./dispatch.sql', import.meta.url), ['summary', 'weeks', 'items_fragment', 'assign_findings', 'assign_units', 'log']);
// Both views read one definition of what an item is (items_fragment).
const SQL = {
  ...RAW,
  summary: RAW.summary.replace('/*ITEMS*/', RAW.items_fragment),
  weeks: RAW.weeks.replace('/*ITEMS*/', RAW.items_fragment),
};

/** Days a finding or a unit to verify has, unless a deadline was set. */
export const DEFAULT_DEADLINE_DAYS = 14;

export interface DispatchRow {
  readonly level: 'city' | 'county';
  readonly code: string;
  readonly name: string | null;
  readonly opened: number;
  readonly closed: number;
  readonly open: number;
  readonly overdue: number;
  readonly unassigned: number;
  readonly findings: number;
  readonly units: number;
}

export interface DispatchWeek {
  /** The Monday that starts the ISO week, YYYY-MM-DD. */
  readonly week: string;
  readonly opened: number;
  readonly closed: number;
  readonly openAtEnd: number;
  readonly overdueAtEnd: number;
}

/** Per city and district: raised, closed, open, overdue and unassigned items, in the caller's scope. */
export async function dispatchSummary(pool: pg.Pool, today: string): Promise<DispatchRow[]> {
  const { rows } = await pool.query<DispatchRow>(SQL.summary, [today]);
  return rows;
}

/** The last `weeks` ISO weeks (the current one last) for the caller's scope or one city. */
export async function dispatchWeeks(pool: pg.Pool, today: string, weeks: number, city: string | null): Promise<DispatchWeek[]> {
  const { rows } = await pool.query<{ week: Date | string; opened: number; closed: number; open_at_end: number; overdue_at_end: number }>(
    SQL.weeks, [today, weeks, city]);
  return rows.map((r) => ({
    week: typeof r.week === 'string' ? r.week.slice(0, 10) : localDate(r.week), opened: r.opened, closed: r.closed,
    openAtEnd: r.open_at_end, overdueAtEnd: r.overdue_at_end,
  }));
}

export { AssignBody };
export type AssignInput = z.infer<typeof AssignBody>;

/** One assigned row as the UPDATE answers it: its key and its assignee and deadline before and after. */
interface Assigned {
  readonly key: string;
  readonly before: { assignee: string | null; deadline: string | null };
  readonly after: { assignee: string | null; deadline: string | null };
}

/**
 * Assigns findings and units to a person and/or a deadline, each with its edit-log entry.
 * Returns how many of each were changed: ones outside the caller's scope are not visible and
 * so not changed.
 */
export async function assignItems(pool: pg.Pool, actor: string, input: AssignInput): Promise<{ findings: number; units: number }> {
  return inTransaction(pool, async (client) => {
    const f = input.findings.length === 0 ? [] :
      (await client.query<Assigned>(SQL.assign_findings, [input.findings, input.assignee ?? null, input.deadline ?? null])).rows;
    const keys = input.units.map((u) => u.split(':').map(Number) as [number, number]);
    const u = keys.length === 0 ? [] :
      (await client.query<Assigned>(SQL.assign_units, [keys.map((k) => k[0]), keys.map((k) => k[1]), input.assignee ?? null, input.deadline ?? null])).rows;
    // Each entry keeps what the assignment replaced: a later "who moved this deadline" reads it.
    if (f.length > 0) await client.query(SQL.log, [actor, 'finding', JSON.stringify(f), input.reason ?? null]);
    if (u.length > 0) await client.query(SQL.log, [actor, 'list_unit', JSON.stringify(u), input.reason ?? null]);
    return { findings: f.length, units: u.length };
  });
}

function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
