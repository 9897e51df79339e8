import { escapeIdentifier } from 'pg';
import type pg from 'pg';
import { loadStatements } from '../db/sql-statements.ts';
import { LAYERS, type LayerSpec } from '../model/layers.ts';

const RAW = loadStatements(new URL('./reading-stations.sql', import.meta.url), ['unknown_codes', 'nearest_stations']);

/** The statements for the layer a reading layer references (its table and code column filled in). */
function statements(layer: LayerSpec): Record<keyof typeof RAW, string> {
  const target = LAYERS[layer.references!.layer];
  const fill = (sql: string) => sql.replaceAll('$TABLE', escapeIdentifier(target.table)).replaceAll('$KEY', escapeIdentifier(target.key));
  return { unknown_codes: fill(RAW.unknown_codes), nearest_stations: fill(RAW.nearest_stations) };
}

/** The codes among `codes` that no stored station (section, air station) has. */
export async function unknownStationCodes(client: pg.PoolClient, layer: LayerSpec, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const { rows } = await client.query<{ code: string }>(statements(layer).unknown_codes, [[...new Set(codes)]]);
  return new Set(rows.map((r) => r.code));
}

export type PositionJoin =
  | { readonly station: string; readonly distanceM: number }
  | { readonly problem: string };

/**
 * Each position joined to the one stored station within `toleranceM` metres. None within reach,
 * or two (a reading between stations), is a problem naming what was found: never a guess.
 */
export async function joinByPosition(
  client: pg.PoolClient, layer: LayerSpec, positions: readonly (readonly [number, number])[], toleranceM: number,
): Promise<PositionJoin[]> {
  const noun = layer.references!.noun;
  if (positions.length === 0) return [];
  const { rows } = await client.query<{ i: number; code: string; dist_m: number }>(
    statements(layer).nearest_stations, [positions.map((p) => p[0]), positions.map((p) => p[1]), toleranceM]);
  const found = new Map<number, { code: string; dist_m: number }[]>();
  for (const r of rows) found.set(r.i, [...(found.get(r.i) ?? []), r]);
  const m = (d: number) => `${Math.round(d)} m`;
  return positions.map((_, k) => {
    const near = found.get(k + 1) ?? [];
    if (near.length === 0) return { problem: `no stored ${noun} within ${toleranceM} m of this position; raise the tolerance, correct the position or give the ${noun} code` };
    if (near.length > 1) {
      return { problem: `two stored ${noun}s within ${toleranceM} m: ${near.map((n) => `${n.code} (${m(n.dist_m)})`).join(', ')}; lower the tolerance or give the ${noun} code` };
    }
    return { station: near[0]!.code, distanceM: near[0]!.dist_m };
  });
}
