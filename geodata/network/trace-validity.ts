import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in trace-validity.sql beside it.
const FIXED_SQL = loadStatements(new URL('./trace-validity.sql', import.meta.url), ['trace_validity_select_network_report', 'upstream_validity_select_network_reach']);

/**
 * How sure a trace is (issue #15): what the last network build found doubtful in the piece of
 * network the trace used. A trace is complete when its outlet was found (a mouth) or declared,
 * no fork it passes is ambiguous, and nothing in its connected piece runs in a loop or reaches
 * no outlet (sources there drain somewhere the trace cannot see).
 */
export interface TraceValidity {
  complete: boolean;
  outletId: number | null;
  /** How the outlet was found: 'declared', 'mouth', 'free-end' (guessed), or null without an 'auto' build. */
  outletHow: string | null;
  ambiguousForks: { reach: number; name: string | null; note: string }[];
  /** Reaches of the same connected piece that reach no outlet, and loops there. */
  unreached: number;
  cycles: number;
  warning: { zh: string; en: string } | null;
}

interface ForkRow { reach: number; name: string | null; note: string; resolvedBy: string | null; kept: number | null }

/**
 * Validity of a trace over the tree of `outletId`. `relevant(reachIds)` says which of the
 * tree's ambiguous forks the trace passes (given their reach ids, returns the ones that count).
 */
export async function traceValidity(
  pool: pg.Pool, outletId: number | null, relevant: (forks: ForkRow[]) => Promise<ForkRow[]>,
): Promise<TraceValidity> {
  const { rows: [r] } = await pool.query(
    FIXED_SQL.trace_validity_select_network_report, [String(outletId)]);
  const issues = (r?.issues ?? null) as { guessedOutlet: boolean; ambiguousForks: number[]; unreached: number; cycles: number } | null;
  const outlets = (r?.outlets ?? []) as { reach: number; how: string }[];
  const outletHow = outlets.find((o) => o.reach === outletId)?.how ?? null;
  // Every ambiguous fork, not only the tree's own: a fork's side branch drains into one tree
  // while the node it leaves may lie in another (pre-order numbers are unique across trees).
  const forks = ((r?.forks ?? []) as ForkRow[]).filter((f) => f.resolvedBy === null);
  const passed = forks.length > 0 ? await relevant(forks) : [];
  const unreached = issues?.unreached ?? 0, cycles = issues?.cycles ?? 0;
  const guessed = issues?.guessedOutlet ?? false;
  const zh: string[] = [], en: string[] = [];
  if (outletId === null) {
    zh.push('不在已建河网上');
    en.push('not on the built river network');
  }
  if (guessed) {
    zh.push(`出口河段 ${outletId} 由自由端推断，请确认`);
    en.push(`outlet reach ${outletId} was guessed from a free end: confirm it`);
  }
  if (passed.length > 0) {
    zh.push(`经过 ${passed.length} 处无法判定的分汊（${passed.map((f) => f.name ?? f.reach).join('、')}）`);
    en.push(`passes ${passed.length} ambiguous fork(s) (${passed.map((f) => f.name ?? f.reach).join(', ')})`);
  }
  if (unreached > 0) {
    zh.push(`同一水系有 ${unreached} 个河段无出口`);
    en.push(`${unreached} reach(es) of the same river system reach no outlet`);
  }
  if (cycles > 0) {
    zh.push(`同一水系有 ${cycles} 处环路`);
    en.push(`${cycles} loop(s) in the same river system`);
  }
  const complete = zh.length === 0;
  return {
    complete, outletId, outletHow,
    ambiguousForks: passed.map((f) => ({ reach: f.reach, name: f.name, note: f.note })),
    unreached, cycles,
    warning: complete ? null : { zh: `结果可能不完整：${zh.join('；')}。`, en: `The answer may be incomplete: ${en.join('; ')}.` },
  };
}

/** Upstream of a section: the forks inside its upstream interval (the side branch, or the node it leaves from). */
export function upstreamValidity(pool: pg.Pool, outletId: number | null, pre: number, last: number): Promise<TraceValidity> {
  return traceValidity(pool, outletId, async (forks) => {
    const ids = forks.flatMap((f) => (f.kept === null ? [f.reach] : [f.reach, f.kept]));
    const { rows } = await pool.query<{ reach_id: string }>(
      FIXED_SQL.upstream_validity_select_network_reach, [ids, pre, last]);
    const inside = new Set(rows.map((x) => Number(x.reach_id)));
    return forks.filter((f) => inside.has(f.reach) || (f.kept !== null && inside.has(f.kept)));
  });
}

/** Downstream along a path: the forks that leave the path (their kept branch is on it). */
export function downstreamValidity(pool: pg.Pool, outletId: number | null, path: number[]): Promise<TraceValidity> {
  const onPath = new Set(path);
  return traceValidity(pool, outletId, async (forks) => forks.filter((f) => (f.kept !== null && onPath.has(f.kept)) || onPath.has(f.reach)));
}
