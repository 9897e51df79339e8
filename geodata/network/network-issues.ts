import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';
import type { BuildOptions, NetworkReport } from './build-network.ts';
import type { LinkOptions } from './link-network.ts';
import { reachPaths, type ReachPath } from './trace-paths.ts';

const FIXED_SQL = loadStatements(new URL('./network-issues.sql', import.meta.url), ['select_build_report', 'select_reach_names', 'select_link_options']);

/**
 * What a reach is on the map's network check (issue #15): an outlet and how it was found, or a
 * doubt of the last build: a fork neither names nor the way to the outlet resolve, a reach that
 * reaches no outlet, a loop, a reach kept off the flow (a second bank, an island ring).
 */
export type NetworkIssueKind = 'outlet' | 'ambiguous_fork' | 'no_outlet' | 'cycle' | 'off_flow';

export interface NetworkIssue {
  readonly kind: NetworkIssueKind;
  readonly reach: number;
  readonly name: string | null;
  /** Outlets: 'declared', 'mouth', 'free-end' (guessed: confirm it), or 'index' without an 'auto' build. */
  readonly how?: string;
  readonly note?: string;
  readonly path: [number, number][];
}

export interface NetworkIssues {
  /** When the network was last built; null before the first build. */
  readonly builtAt: string | null;
  readonly direction: string | null;
  /** What that build and its link were asked, so a confirmation or an override can be added to it. */
  readonly options: BuildOptions | null;
  readonly linkOptions: LinkOptions | null;
  readonly counts: Record<NetworkIssueKind, number>;
  /** The first MAX_DRAWN reaches of all kinds, outlets first, with their lines to draw. */
  readonly issues: NetworkIssue[];
  readonly truncated: boolean;
}

/** Most reaches sent with their lines: the national 1:4M lines have about 900 outlets. */
export const MAX_DRAWN = 3000;

/**
 * The last build's outlets and doubts, each reach named and drawable, read through `pool` (a
 * request's). The link's tolerances come through `owner`: the stored link report is hidden from
 * a district (it names every region's sources), its tolerances are not.
 */
export async function networkIssues(pool: pg.Pool, owner: pg.Pool = pool): Promise<NetworkIssues> {
  const { rows: [stored] } = await pool.query<{ at: string; report: NetworkReport }>(FIXED_SQL.select_build_report);
  const empty = { outlet: 0, ambiguous_fork: 0, no_outlet: 0, cycle: 0, off_flow: 0 };
  if (!stored) return { builtAt: null, direction: null, options: null, linkOptions: null, counts: empty, issues: [], truncated: false };
  const r = stored.report;
  const listed: Omit<NetworkIssue, 'name' | 'path'>[] = [];
  const seen = new Set<string>();
  const add = (issue: Omit<NetworkIssue, 'name' | 'path'>) => {
    const key = `${issue.kind}:${issue.reach}`;
    if (seen.has(key)) return;
    seen.add(key);
    listed.push(issue);
  };
  if (r.auto) for (const o of r.auto.outlets) add({ kind: 'outlet', reach: o.reach, how: o.how, note: o.note });
  else for (const id of r.outlets) add({ kind: 'outlet', reach: id, how: 'index' });
  const forks = new Map((r.auto?.forks ?? []).map((f) => [f.reach, f]));
  for (const id of r.auto?.ambiguousForks ?? []) add({ kind: 'ambiguous_fork', reach: id, ...(forks.get(id) && { note: forks.get(id)!.note }) });
  for (const id of r.noOutlet ?? []) add({ kind: 'no_outlet', reach: id });
  for (const id of (r.cycles ?? []).flat()) add({ kind: 'cycle', reach: id });
  for (const id of r.offFlow ?? []) add({ kind: 'off_flow', reach: id });
  const counts = { ...empty };
  for (const i of listed) counts[i.kind]++;
  const drawn = listed.slice(0, MAX_DRAWN);
  const ids = [...new Set(drawn.map((i) => i.reach))];
  const paths = new Map((await reachPaths(pool, ids)).map((p: ReachPath) => [p.id, p.path]));
  const { rows: names } = await pool.query<{ id: string; name: string | null }>(FIXED_SQL.select_reach_names, [ids]);
  const nameOf = new Map(names.map((n) => [Number(n.id), n.name]));
  return {
    builtAt: new Date(stored.at).toISOString(),
    direction: r.direction,
    options: r.options ?? null,
    linkOptions: (await owner.query<{ options: LinkOptions | null }>(FIXED_SQL.select_link_options)).rows[0]?.options ?? null,
    counts,
    issues: drawn.map((i) => ({ ...i, name: nameOf.get(i.reach) ?? null, path: paths.get(i.reach) ?? [] })),
    truncated: listed.length > drawn.length,
  };
}
