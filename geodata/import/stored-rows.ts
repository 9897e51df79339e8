import { escapeIdentifier, type ClientBase } from 'pg';
import type { LayerSpec, Row } from '../model/layers.ts';

/**
 * The columns that identify a row. Readings are keyed by station/section *and* month (the
 * tables' primary keys), while LayerSpec.key names only the first; every other layer's key is
 * LayerSpec.key.
 */
export type KeyColumns = readonly string[];

export function keyColumns(layer: LayerSpec): KeyColumns {
  const month = layer.columns.find((c) => c.type === 'month');
  return month ? [layer.key, month.name] : [layer.key];
}

/** A row's key as one map key. */
export function keyOf(keys: KeyColumns, row: Row): string {
  return keys.map((k) => String(row[k])).join('\u0001');
}

/** A row's key for people: "code 440303", "section_code S1, month 2024-01-01". */
export function keyText(keys: KeyColumns, row: Row): string {
  return keys.map((k) => `${k} ${String(row[k])}`).join(', ');
}

/**
 * Which of these rows' keys are already stored. One indexed query per batch; the SQL text
 * comes from the static layer definition, the keys travel as array parameters.
 */
export async function storedKeys(client: ClientBase, layer: LayerSpec, keys: KeyColumns, rows: readonly Row[]): Promise<Set<string>> {
  const table = escapeIdentifier(layer.table);
  const ids = keys.map((k) => escapeIdentifier(k));
  const casts = keys.map((k) => sqlArrayType(layer, k));
  const params = keys.map((k) => rows.map((r) => r[k] ?? null));
  const select = keys.map((k, i) => `${textOf(layer, k, `t.${ids[i]}`)} AS k${i}`).join(', ');
  const on = ids.map((id, i) => `t.${id} = u.c${i}`).join(' AND ');
  const unnest = casts.map((c, i) => `$${i + 1}::${c}[]`).join(', ');
  const sql = `SELECT ${select} FROM ${table} t JOIN unnest(${unnest}) AS u(${keys.map((_, i) => `c${i}`).join(', ')}) ON ${on}`;
  const { rows: found } = await client.query<Record<string, string>>(sql, params);
  return new Set(found.map((r) => keys.map((_, i) => r[`k${i}`]).join('\u0001')));
}

export interface InvalidGeometry {
  readonly key: string;
  readonly row: Row;
  readonly reason: string;
}

/** Rows of this import batch whose geometry PostGIS finds invalid, with ST_IsValidReason. */
export async function invalidGeometries(
  client: ClientBase,
  layer: LayerSpec,
  keys: KeyColumns,
  batchId: number,
  limit: number,
): Promise<InvalidGeometry[]> {
  if (!layer.geometry) return [];
  const table = escapeIdentifier(layer.table);
  const geom = escapeIdentifier(layer.geometry);
  const select = keys.map((k, i) => `${textOf(layer, k, escapeIdentifier(k))} AS k${i}`).join(', ');
  const { rows } = await client.query<Record<string, string>>(
    `SELECT ${select}, ST_IsValidReason(${geom}) AS reason FROM ${table}
      WHERE import_batch = $1 AND NOT ST_IsValid(${geom}) LIMIT $2`,
    [batchId, limit],
  );
  return rows.map((r) => {
    const row: Row = {};
    keys.forEach((k, i) => (row[k] = r[`k${i}`] ?? null));
    return { key: keys.map((_, i) => r[`k${i}`]).join('\u0001'), row, reason: r.reason ?? 'invalid' };
  });
}

function sqlArrayType(layer: LayerSpec, key: string): string {
  const type = layer.columns.find((c) => c.name === key)?.type;
  return type === 'integer' ? 'bigint' : type === 'month' ? 'date' : 'text';
}

/** The key as text exactly as keyOf spells the row's value ('2024-01-01', '400'). */
function textOf(layer: LayerSpec, key: string, expr: string): string {
  const type = layer.columns.find((c) => c.name === key)?.type;
  return type === 'month' ? `to_char(${expr}, 'YYYY-MM-DD')` : `${expr}::text`;
}

/**
 * Repairs this batch's invalid polygons in place with ST_MakeValid, keeping the polygonal
 * part, and returns what was wrong with each. A repair can leave nothing; see emptyGeometries.
 */
export async function repairPolygons(
  client: ClientBase,
  layer: LayerSpec,
  keys: KeyColumns,
  batchId: number,
): Promise<InvalidGeometry[]> {
  if (!layer.geometry) return [];
  const table = escapeIdentifier(layer.table);
  const geom = escapeIdentifier(layer.geometry);
  const key = escapeIdentifier(keys[0]!);
  const { rows } = await client.query<{ k0: string; reason: string }>(
    `WITH bad AS (
       SELECT ${key} AS k, ST_IsValidReason(${geom}) AS reason FROM ${table}
        WHERE import_batch = $1 AND NOT ST_IsValid(${geom}))
     UPDATE ${table} t SET ${geom} = ST_Multi(ST_CollectionExtract(ST_MakeValid(t.${geom}), 3))
       FROM bad WHERE t.${key} = bad.k
     RETURNING ${textOf(layer, keys[0]!, 'bad.k')} AS k0, bad.reason`,
    [batchId],
  );
  return rows.map((r) => ({ key: r.k0, row: { [keys[0]!]: r.k0 }, reason: r.reason }));
}

/** Rows of this batch whose geometry is empty (a polygon that ST_MakeValid reduced to nothing). */
export async function emptyGeometries(client: ClientBase, layer: LayerSpec, keys: KeyColumns, batchId: number): Promise<string[]> {
  if (!layer.geometry) return [];
  const { rows } = await client.query<{ k0: string }>(
    `SELECT ${textOf(layer, keys[0]!, escapeIdentifier(keys[0]!))} AS k0 FROM ${escapeIdentifier(layer.table)}
      WHERE import_batch = $1 AND ST_IsEmpty(${escapeIdentifier(layer.geometry)})`,
    [batchId],
  );
  return rows.map((r) => r.k0);
}

/** Deletes rows of this batch by key (single-key layers: those with geometry); how many went. */
export async function deleteBatchRows(client: ClientBase, layer: LayerSpec, keys: KeyColumns, batchId: number, keyValues: readonly string[]): Promise<number> {
  if (keyValues.length === 0) return 0;
  const key = escapeIdentifier(keys[0]!);
  const result = await client.query(
    `DELETE FROM ${escapeIdentifier(layer.table)} WHERE import_batch = $1 AND ${textOf(layer, keys[0]!, key)} = ANY($2::text[])`,
    [batchId, keyValues],
  );
  return result.rowCount ?? 0;
}
