import type pg from 'pg';
import type { Writable } from 'node:stream';
import { cellOf, chunks, type ColumnType, type ExportTable } from './export-table.ts';
import { put } from './geojson.ts';

/** Rows sent to the database per ST_AsFlatGeobuf call: bounds memory on both sides. */
const CHUNK_ROWS = 10_000;
const SQL_TYPE: Record<ColumnType, string> = { text: 'text', integer: 'int8', number: 'float8' };

/**
 * FlatGeobuf by PostGIS's own encoder (ST_AsFlatGeobuf), streamed: the rows go to the database
 * in chunks of 10,000 as JSON, each chunk comes back as a FlatGeobuf of its own, and the file is
 * the first chunk's header followed by every chunk's features. The header's feature count is set
 * to 0 ("unknown" in the spec), since it is written before the last row is known; there is no
 * spatial index (it would need every feature first), which readers handle by reading in order.
 */
export async function writeFlatGeobuf(out: Writable, db: pg.Pool, table: ExportTable): Promise<void> {
  if (!table.point) throw new Error(`${table.layer} has no location: FlatGeobuf needs one`);
  const sql = chunkSql(table);
  let headerWritten = false;
  for await (const batch of chunks(table.rows, CHUNK_ROWS)) {
    const json = batch.map((row) => ({
      ...Object.fromEntries(table.columns.map((c) => [c.key, cellOf(c, row[c.key])])),
      yzt_lon: row[table.point!.lon], yzt_lat: row[table.point!.lat],
    }));
    const { rows } = await db.query<{ fgb: Uint8Array }>(sql, [JSON.stringify(json)]);
    const bytes = Buffer.from(rows[0]!.fgb);
    const start = featuresStart(bytes);
    fixPropertyColumns(bytes, start, table, json);
    if (!headerWritten) {
      await put(out, unknownCount(bytes.subarray(0, start)));
      headerWritten = true;
    }
    await put(out, bytes.subarray(start));
  }
  if (!headerWritten) {
    // No rows: a file that is only the header, taken from the encoder with one placeholder row.
    const { rows } = await db.query<{ fgb: Uint8Array }>(sql, ['[{}]']);
    const bytes = Buffer.from(rows[0]!.fgb);
    await put(out, unknownCount(bytes.subarray(0, featuresStart(bytes))));
  }
  out.end();
}

function chunkSql(table: ExportTable): string {
  const cols = table.columns.map((c) => `"${c.key}" ${SQL_TYPE[c.type]}`).join(', ');
  return `SELECT ST_AsFlatGeobuf(t, false, 'geom') AS fgb FROM (
    SELECT ${table.columns.map((c) => `r."${c.key}"`).join(', ')},
           ST_SetSRID(ST_MakePoint(coalesce(r.yzt_lon, 0), coalesce(r.yzt_lat, 0)), 4326) AS geom
    FROM ROWS FROM (json_to_recordset($1::json) AS (${cols}, yzt_lon float8, yzt_lat float8)) WITH ORDINALITY AS r(${table.columns.map((c) => `"${c.key}"`).join(', ')}, yzt_lon, yzt_lat, yzt_n)
    ORDER BY r.yzt_n) t`;
}

/** Offset of the first feature: 8 magic bytes, the header's 4-byte size, the header. */
function featuresStart(fgb: Buffer): number {
  return 12 + fgb.readUInt32LE(8);
}

/**
 * PostGIS 3.3's encoder (flatgeobuf.c) numbers a feature's properties by how many non-null
 * values it has written so far rather than by their column, so after a null every later value
 * lands in the wrong column (a null name put the credit code under "name"; GDAL then stopped
 * with "Field 0 set more than once"). The values themselves are right and in column order, and
 * we know which were null, so each property's column index is set to the right one here.
 * Property layout (FlatGeobuf spec): uint16 column index, then the value: 4-byte length +
 * bytes for text, 8 bytes for int8 and float8.
 */
function fixPropertyColumns(fgb: Buffer, start: number, table: ExportTable, rows: readonly Record<string, unknown>[]): void {
  let at = start;
  for (const row of rows) {
    const size = fgb.readUInt32LE(at);
    const feature = at + 4;
    const t = feature + fgb.readUInt32LE(feature);
    const v = t - fgb.readInt32LE(t);
    const slot = 4 + 2 * 1; // Feature field 1: properties
    const offset = slot < fgb.readUInt16LE(v) ? fgb.readUInt16LE(v + slot) : 0;
    if (offset !== 0) {
      const vector = t + offset + fgb.readUInt32LE(t + offset);
      const end = vector + 4 + fgb.readUInt32LE(vector);
      let p = vector + 4;
      table.columns.forEach((c, i) => {
        if (row[c.key] === null || row[c.key] === undefined || p >= end) return;
        fgb.writeUInt16LE(i, p);
        p += 2;
        p += c.type === 'text' ? 4 + fgb.readUInt32LE(p) : 8;
      });
    }
    at = feature + size;
  }
}

// The Header table's field 8 is features_count (FlatGeobuf's header.fbs).
const FEATURES_COUNT_FIELD = 8;

/** A copy of the header with features_count set to 0 (unknown), read through the flatbuffer vtable. */
function unknownCount(header: Buffer): Buffer {
  const h = Buffer.from(header);
  const table = 12 + h.readUInt32LE(12);
  const vtable = table - h.readInt32LE(table);
  const slot = 4 + 2 * FEATURES_COUNT_FIELD;
  if (slot < h.readUInt16LE(vtable)) {
    const offset = h.readUInt16LE(vtable + slot);
    if (offset !== 0) h.writeBigUInt64LE(0n, table + offset);
  }
  return h;
}
