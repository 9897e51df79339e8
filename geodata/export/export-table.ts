/**
 * What every export writes: a named table of typed columns whose rows arrive one at a time
 * (an async iterable, usually a database cursor), so no writer needs the whole list in memory.
 * Lists with a location name its longitude and latitude columns; the geometry formats need them.
 */
export type ColumnType = 'text' | 'integer' | 'number';

export interface ExportColumn {
  /** Field name in GeoJSON, FlatGeobuf, GeoPackage and (cut to 10 bytes) the shapefile: [a-z_][a-z0-9_]*. */
  readonly key: string;
  readonly zh: string;
  readonly en: string;
  readonly type: ColumnType;
  /** Spreadsheet column width in characters; otherwise from the header. */
  readonly width?: number;
}

export type ExportRow = Readonly<Record<string, unknown>>;

export interface ExportTable {
  /** Sheet and title name (Chinese allowed). */
  readonly name: string;
  /** Layer and table name in the GIS formats (GeoPackage, FlatGeobuf, shapefile): [a-z_][a-z0-9_]*. */
  readonly layer: string;
  readonly columns: readonly ExportColumn[];
  readonly rows: AsyncIterable<ExportRow>;
  /** Longitude and latitude (WGS 84) keys in each row, when the rows are points. */
  readonly point?: { readonly lon: string; readonly lat: string };
}

/** The header cell of the spreadsheet formats: Chinese first, English second. */
export function headerOf(c: ExportColumn): string {
  return c.zh === c.en ? c.zh : `${c.zh} ${c.en}`;
}

// Characters XML 1.0 (and so a workbook) cannot hold, and that a DBF or GeoPackage reader
// shows as garbage: a name holding one made a workbook Excel and GDAL refused.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function stripControl(s: string): string {
  return s.replace(CONTROL, '');
}

/** A cell as its column's type: numbers stay numbers, text is a string, empty is null. */
export function cellOf(c: ExportColumn, v: unknown): string | number | null {
  if (v === null || v === undefined || v === '') return null;
  if (c.type === 'text') return typeof v === 'object' ? JSON.stringify(v) : String(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

const KEY = /^[a-z_][a-z0-9_]*$/;

/** Checks the column keys once (they are spliced into SQL and file headers). */
export function checkColumns(table: ExportTable): void {
  if (!KEY.test(table.layer)) throw new Error(`export layer name "${table.layer}" must match ${KEY}`);
  const seen = new Set<string>(['fid', 'geom']);
  for (const c of table.columns) {
    if (!KEY.test(c.key)) throw new Error(`export column key "${c.key}" must match ${KEY}`);
    if (seen.has(c.key)) throw new Error(`export column key "${c.key}" is given twice or is reserved (fid, geom)`);
    seen.add(c.key);
  }
}

/** Groups an async iterable into arrays of at most `size`. */
export async function* chunks<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Longitude and latitude of a row, or null when the row has no location. */
export function pointOf(table: ExportTable, row: ExportRow): [number, number] | null {
  if (!table.point) return null;
  const lon = row[table.point.lon];
  const lat = row[table.point.lat];
  if (lon === null || lon === undefined || lat === null || lat === undefined) return null;
  const x = Number(lon);
  const y = Number(lat);
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
}
