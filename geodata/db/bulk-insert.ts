import type { Geometry, Point } from 'geojson';
import type { ClientBase } from 'pg';
import { escapeIdentifier } from 'pg';
import type { ColumnSpec, LayerSpec, Row } from '../model/layers.ts';

/**
 * Writes rows of one layer in batches through `INSERT … SELECT FROM unnest(arrays)`: one
 * parameterised statement per batch, the same on both engines (the embedded engine's socket
 * has no COPY FROM STDIN). A bare 600k-point table loads in about 6 s on the embedded engine;
 * the source table, with its indexes and change triggers, takes several times that.
 * The SQL text is built only from the static layer definition, never from input.
 * `fromProj`, a PROJ definition ("EPSG:4547", "+proj=tmerc …"), says the rows' geometry is in
 * that coordinate system: PostGIS's ST_Transform brings it to 4326 in the same statement.
 */
export async function insertRows(
  client: ClientBase,
  layer: LayerSpec,
  rows: readonly Row[],
  importBatch: number | null,
  fromProj: string | null = null,
): Promise<number> {
  if (rows.length === 0) return 0;
  const { sql, params } = buildInsert(layer, rows, importBatch, fromProj);
  const result = await client.query(sql, params);
  return result.rowCount ?? 0;
}

/**
 * Writes rows into an import's stage table (geodata/import/import-stage.ts): the layer's
 * columns and import batch as insertRows writes them, plus each row's line in the file and
 * whether it is to replace a stored row. One statement, so a refused batch leaves no row of it.
 */
export async function insertStagedRows(
  client: ClientBase,
  layer: LayerSpec,
  stage: string,
  rows: readonly Row[],
  lines: readonly number[],
  replace: readonly boolean[],
  importBatch: number,
  fromProj: string | null = null,
): Promise<number> {
  if (rows.length === 0) return 0;
  const { params, unnestArgs, selects } = columnSelects(layer, rows, fromProj);
  params.push(lines, replace);
  unnestArgs.push(`$${params.length - 1}::int[]`, `$${params.length}::boolean[]`);
  const targets = layer.columns.map((c) => escapeIdentifier(c.name));
  targets.push('import_batch', 'import_line', 'import_replace');
  selects.push(String(Math.trunc(importBatch)), `u.c${unnestArgs.length - 1}`, `u.c${unnestArgs.length}`);
  const aliases = unnestArgs.map((_, i) => `c${i + 1}`);
  const sql =
    `INSERT INTO ${escapeIdentifier(stage)} (${targets.join(', ')}) ` +
    `SELECT ${selects.join(', ')} FROM unnest(${unnestArgs.join(', ')}) AS u(${aliases.join(', ')})`;
  const result = await client.query(sql, params);
  return result.rowCount ?? 0;
}

function columnSelects(layer: LayerSpec, rows: readonly Row[], fromProj: string | null) {
  const params: unknown[] = [];
  if (fromProj !== null) params.push(fromProj);
  const transform = (g: string) => (fromProj === null ? `ST_SetSRID(${g}, 4326)` : `ST_Transform(${g}, $1::text, 4326)`);
  const unnestArgs: string[] = [];
  const selects: string[] = [];
  for (const column of layer.columns) {
    const p = columnParam(column, rows, unnestArgs.length, transform);
    for (let i = 0; i < p.arrays.length; i++) {
      params.push(p.arrays[i]!);
      unnestArgs.push(`$${params.length}::${p.casts[i]}[]`);
    }
    selects.push(p.select);
  }
  return { params, unnestArgs, selects };
}

interface Param {
  arrays: unknown[][];
  casts: string[];
  select: string;
}

export function buildInsert(layer: LayerSpec, rows: readonly Row[], importBatch: number | null, fromProj: string | null = null) {
  // The definition travels as the first parameter; a transformed geometry is SRID 4326.
  const { params, unnestArgs, selects } = columnSelects(layer, rows, fromProj);
  const targets = layer.columns.map((c) => escapeIdentifier(c.name));
  targets.push('import_batch');
  selects.push(importBatch === null ? 'NULL::bigint' : String(Math.trunc(importBatch)));
  const aliases = unnestArgs.map((_, i) => `c${i + 1}`);
  const sql =
    `INSERT INTO ${escapeIdentifier(layer.table)} (${targets.join(', ')}) ` +
    `SELECT ${selects.join(', ')} FROM unnest(${unnestArgs.join(', ')}) AS u(${aliases.join(', ')})`;
  return { sql, params };
}

function columnParam(column: ColumnSpec, rows: readonly Row[], offset: number, transform: (g: string) => string): Param {
  const c = (k: number) => `u.c${offset + k}`;
  const values = rows.map((r) => r[column.name] ?? null);
  switch (column.type) {
    case 'point': {
      const points = values as (Point | null)[];
      return {
        arrays: [points.map((p) => p?.coordinates[0] ?? null), points.map((p) => p?.coordinates[1] ?? null)],
        casts: ['float8', 'float8'],
        select: `CASE WHEN ${c(1)} IS NULL OR ${c(2)} IS NULL THEN NULL ELSE ${transform(`ST_MakePoint(${c(1)}, ${c(2)})`)} END`,
      };
    }
    case 'polygon':
    case 'line': {
      const json = (values as (Geometry | null)[]).map((g) => (g ? JSON.stringify(g) : null));
      const geom = transform(`ST_GeomFromGeoJSON(${c(1)})`);
      return {
        arrays: [json],
        casts: ['text'],
        select: column.type === 'polygon' ? `ST_Multi(${geom})` : geom,
      };
    }
    case 'integer':
      return { arrays: [values], casts: ['bigint'], select: c(1) };
    case 'number':
      return { arrays: [values], casts: ['float8'], select: c(1) };
    case 'month':
      return { arrays: [values], casts: ['date'], select: c(1) };
    case 'text':
      return { arrays: [values], casts: ['text'], select: column.sqlType ? `${c(1)}::${column.sqlType}` : c(1) };
  }
}
