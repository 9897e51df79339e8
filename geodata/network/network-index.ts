import type pg from 'pg';
import { inTransaction } from '../db/transaction.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in network-index.sql beside it.
const FIXED_SQL = loadStatements(new URL('./network-index.sql', import.meta.url), ['refresh_with_select_river_reach', 'truncate_network_reach', 's_insert_network_reach']);

export interface IndexReport {
  /** Reaches written to network_reach (they drain to an outlet). */
  indexed: number;
  outlets: number;
  /** downstream_id chains that loop: each cycle's reach ids, in flow order. */
  cycles: number[][];
  /** Reaches whose downstream chain never reaches an outlet (on or into a cycle). */
  noOutlet: number[];
  /** Reaches whose downstream_id names a reach that does not exist: treated as outlets. */
  missingDownstream: { reachId: number; downstreamId: number }[];
}

/**
 * Rebuilds network_reach from river_reach.downstream_id: pre-order intervals, river distance
 * to the outlet and the direction of each line. Runs in one transaction on its own client.
 */
export async function refreshNetworkIndex(pool: pg.Pool): Promise<IndexReport> {
  return inTransaction(pool, refreshWith);
}

/** The same, inside a transaction the caller holds. */
export async function refreshWith(client: pg.PoolClient, offFlow: ReadonlySet<number> = new Set()): Promise<IndexReport> {
  // A line runs downstream when its end point is nearer the reach it drains into than its
  // start point; an outlet reach is judged against the reaches draining into it instead.
  const { rows } = await client.query<{ id: string; down: string | null; length_m: number; forward: boolean }>(FIXED_SQL.refresh_with_select_river_reach);
  const reaches = new Map<number, { down: number | null; length: number; forward: boolean }>();
  // Lines off the flow (island rings, second banks, pieces without an outlet: see
  // auto-direction.ts) are not indexed: they are neither outlets nor reaches without one.
  for (const r of rows) if (!offFlow.has(Number(r.id))) reaches.set(Number(r.id), { down: r.down === null ? null : Number(r.down), length: r.length_m, forward: r.forward });

  const missingDownstream: IndexReport['missingDownstream'] = [];
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const [id, r] of reaches) {
    if (r.down !== null && !reaches.has(r.down)) {
      missingDownstream.push({ reachId: id, downstreamId: r.down });
      roots.push(id);
    } else if (r.down === null) {
      roots.push(id);
    } else {
      const list = children.get(r.down);
      if (list) list.push(id);
      else children.set(r.down, [id]);
    }
  }
  roots.sort((a, b) => a - b);
  for (const list of children.values()) list.sort((a, b) => a - b);

  const out = { reach_id: [] as number[], pre: [] as number[], last: [] as number[], outlet_id: [] as number[], depth: [] as number[], length_m: [] as number[], down_m: [] as number[], forward: [] as boolean[] };
  const position = new Map<number, number>();
  let pre = 0;
  for (const root of roots) {
    // Iterative DFS: a main stem thousands of reaches long must not overflow the stack.
    const stack: { id: number; depth: number; downM: number; exit: boolean }[] = [{ id: root, depth: 0, downM: 0, exit: false }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (item.exit) {
        out.last[position.get(item.id)!] = pre - 1;
        continue;
      }
      const r = reaches.get(item.id)!;
      position.set(item.id, out.reach_id.length);
      out.reach_id.push(item.id);
      out.pre.push(pre++);
      out.last.push(-1);
      out.outlet_id.push(root);
      out.depth.push(item.depth);
      out.length_m.push(r.length);
      out.down_m.push(item.downM);
      out.forward.push(r.forward);
      stack.push({ ...item, exit: true });
      const kids = children.get(item.id) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) {
        stack.push({ id: kids[i]!, depth: item.depth + 1, downM: item.downM + r.length, exit: false });
      }
    }
  }

  const noOutlet = [...reaches.keys()].filter((id) => !position.has(id)).sort((a, b) => a - b);
  const cycles = findCycles(noOutlet, reaches);

  await client.query(FIXED_SQL.truncate_network_reach);
  const BATCH = 5000;
  for (let i = 0; i < out.reach_id.length; i += BATCH) {
    const s = (a: unknown[]) => a.slice(i, i + BATCH);
    await client.query(
      FIXED_SQL.s_insert_network_reach,
      [s(out.reach_id), s(out.pre), s(out.last), s(out.outlet_id), s(out.depth), s(out.length_m), s(out.down_m), s(out.forward)],
    );
  }
  return { indexed: out.reach_id.length, outlets: roots.length, cycles, noOutlet, missingDownstream };
}

/** Cycles among the reaches that never reach an outlet, following downstream_id. */
function findCycles(candidates: number[], reaches: Map<number, { down: number | null }>): number[][] {
  const state = new Map<number, 'open' | 'done'>();
  const cycles: number[][] = [];
  for (const start of candidates) {
    if (state.has(start)) continue;
    const path: number[] = [];
    let id: number | null = start;
    while (id !== null && !state.has(id)) {
      state.set(id, 'open');
      path.push(id);
      id = reaches.get(id)?.down ?? null;
    }
    if (id !== null && state.get(id) === 'open') cycles.push(rotateToSmallest(path.slice(path.indexOf(id))));
    for (const p of path) state.set(p, 'done');
  }
  return cycles.sort((a, b) => a[0]! - b[0]!);
}

function rotateToSmallest(cycle: number[]): number[] {
  const i = cycle.indexOf(Math.min(...cycle));
  return [...cycle.slice(i), ...cycle.slice(0, i)];
}
