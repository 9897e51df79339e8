import type pg from 'pg';
import type { z } from 'zod';
import { AssignBody } from '../model/api/census-quality.ts';
import { loadStatements } from '../db/sql-statements.ts';
import { inTransaction } from '../db/transaction.ts';

const RAW = loadStatements(new URL('./dispatch.sql', import.meta.url), ['summary', 'weeks', 'items_fragment', 'unplaced', 'district_open_items', 'assign_findings', 'assign_units', 'log']);
// Both views read one definition of what an item is (items_fragment).
const SQL = {
  ...RAW,
  summary: RAW.summary.replace('/*ITEMS*/', RAW.items_fragment),
  weeks: RAW.weeks.replace('/*ITEMS*/', RAW.items_fragment),
  unplaced: RAW.unplaced.replace('/*ITEMS*/', RAW.items_fragment),
  district_open_items: RAW.district_open_items.replace('/*ITEMS*/', RAW.items_fragment),
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

/** Open findings and units that no district holds, in the caller's scope (left out of the summary). */
export async function dispatchUnplaced(pool: pg.Pool): Promise<{ findings: number; units: number }> {
  const { rows } = await pool.query<{ findings: number; units: number }>(SQL.unplaced);
  return rows[0]!;
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
    const findings = [...input.findings];
    const units = [...input.units];
    // A district: every open item it holds, read in the same transaction as the assignment.
    if (input.division !== undefined) {
      const { rows } = await client.query<{ kind: 'finding' | 'unit'; key: string }>(SQL.district_open_items, [input.division]);
      for (const r of rows) {
        if (r.kind === 'finding') findings.push(Number(r.key));
        else units.push(r.key);
      }
    }
    const f = findings.length === 0 ? [] :
      (await client.query<Assigned>(SQL.assign_findings, [[...new Set(findings)], input.assignee ?? null, input.deadline ?? null])).rows;
    const keys = [...new Set(units)].map((u) => u.split(':').map(Number) as [number, number]);
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
