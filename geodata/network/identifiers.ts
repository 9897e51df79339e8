import type pg from 'pg';
import { NetworkLookupError } from './trace.ts';
import { loadStatements } from '../db/sql-statements.ts';

// The fixed statements of this file, by name, in identifiers.sql beside it.
const FIXED_SQL = loadStatements(new URL('./identifiers.sql', import.meta.url), ['resolve_trace_start_select_section', 'name_reaches_select_river_reach']);

/**
 * Friendly identifiers for traces (issue #15): users know sources by census id (what search
 * hands out) and sections and outfalls by code, not by the internal row number.
 */
export type TraceStart =
  | { kind: 'section'; code: string }
  | { kind: 'outfall'; code: string }
  | { kind: 'source'; id: number; censusId: string };

export type StartKind = TraceStart['kind'];

/**
 * What `key` names: a section code, an outfall code, a source census id, or (digits only) a
 * source's internal id. A key naming more than one kind needs `kind` to say which.
 */
export async function resolveTraceStart(pool: pg.Pool, key: string, kind?: StartKind): Promise<TraceStart> {
  const { rows } = await pool.query<{ kind: StartKind; code: string; id: string | null }>(
    FIXED_SQL.resolve_trace_start_select_section, [key]);
  const found = kind ? rows.filter((r) => r.kind === kind) : rows;
  if (found.length === 0) throw new NetworkLookupError(`no ${kind ?? 'section, outfall or source'} ${key}`);
  const kinds = [...new Set(found.map((r) => r.kind))];
  if (kinds.length > 1) throw new NetworkLookupError(`${key} names a ${kinds.join(' and a ')}: say which with kind=${kinds.join('|')}`);
  // A census id wins over another source's internal number.
  const r = found[0]!;
  if (r.kind === 'source') return { kind: 'source', id: Number(r.id), censusId: r.code };
  return { kind: r.kind, code: r.code };
}

/** A source by census id, or by internal id when the key is digits and no census id matches. */
export async function resolveSource(pool: pg.Pool, key: string): Promise<number> {
  const start = await resolveTraceStart(pool, key, 'source');
  return (start as { id: number }).id;
}

export interface NamedReach { id: number; name: string | null; order: number | null }

/** Reach ids with their river names and stream order, in the order given. */
export async function nameReaches(pool: pg.Pool, ids: number[]): Promise<NamedReach[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string; name: string | null; stream_order: number | null }>(
    FIXED_SQL.name_reaches_select_river_reach, [ids]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.map((id) => ({ id, name: byId.get(id)?.name ?? null, order: byId.get(id)?.stream_order ?? null }));
}
