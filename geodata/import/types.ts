import type { Geometry } from 'geojson';
import type { LayerKind } from '../model/layers.ts';

export type ImportFormat = 'csv' | 'geojson' | 'shapefile';

/** Canonical text encodings the importers read; other spellings are normalised to these. */
export type TextEncoding = 'utf8' | 'gbk' | 'gb18030';

export interface ImportOptions {
  readonly kind: LayerKind;
  /** One file, or the parts of one shapefile (.shp + .dbf, optionally .prj/.cpg), or a .zip. */
  readonly files: readonly string[];
  /** Taken from the file extension when absent. */
  readonly format?: ImportFormat | undefined;
  /** Text encoding of the CSV / GeoJSON / DBF; absent: .cpg if any, else UTF-8 when valid, else GBK. */
  readonly encoding?: string | undefined;
  /** Input field → column (or `lon` / `lat` for point coordinates), e.g. `{ '单位名称': 'name' }`. */
  readonly mapping?: Readonly<Record<string, string>> | undefined;
  /** Constant values for columns the file lacks or leaves empty, e.g. `{ source_type: 'industrial' }`. */
  readonly defaults?: Readonly<Record<string, string | number>> | undefined;
  /**
   * A column filled with `prefix` + the row's line / feature / record number when the file gives
   * no value, for files without their own identifiers (e.g. `{ column: 'census_id', prefix: 'gppd-' }`).
   */
  readonly rowNumberAs?: { readonly column: string; readonly prefix?: string | undefined } | undefined;
  /** Who imports; stored in import_batch.actor. */
  readonly actor: string;
  /** Name recorded in import_batch and the report; defaults to the files' base names. */
  readonly fileName?: string | undefined;
  /**
   * Repair polygons PostGIS finds invalid (ST_MakeValid, polygonal part kept) and list them in
   * the report, instead of rejecting the file. Off by default: an invalid polygon is an error.
   */
  readonly repairGeometry?: boolean | undefined;
  /** Rows per INSERT; a few thousand keeps statements fast and memory flat. */
  readonly batchSize?: number | undefined;
}

/** One rejected value or row. `line` is the CSV line (header = 1), feature or record number. */
export interface RowError {
  readonly line: number;
  /** "line 7", "feature 17" or "record 3": what `line` counts. */
  readonly at: string;
  readonly field: string;
  readonly reason: string;
  /** `at`, field and reason in one sentence, for people. */
  readonly message: string;
}

export interface ImportReport {
  readonly kind: LayerKind;
  readonly format: ImportFormat;
  readonly fileName: string;
  readonly encoding: TextEncoding | null;
  readonly rowsRead: number;
  /** Rows committed; 0 whenever anything was rejected, since a file is stored whole or not at all. */
  readonly rowsStored: number;
  /** Number of rows with at least one error. */
  readonly rejected: number;
  /** The first errors (at most MAX_REPORTED_ERRORS); `errorCount` tells how many there were. */
  readonly errors: readonly RowError[];
  readonly errorCount: number;
  /** The import_batch row of a committed import; null when the import was rolled back. */
  readonly batchId: number | null;
  /** Input fields that fed no column. */
  readonly ignoredFields: readonly string[];
  /** Polygons repaired because `repairGeometry` was set, with what PostGIS found wrong. */
  readonly repaired: readonly RepairedGeometry[];
  /** Most records read from the file but not yet written or rejected at any moment. */
  readonly peakBufferedRows: number;
  readonly elapsedMs: number;
}

export interface RepairedGeometry {
  readonly line: number;
  readonly at: string;
  readonly key: string;
  readonly reason: string;
}

export const MAX_REPORTED_ERRORS = 100;

/**
 * The file as a whole cannot be imported (wrong format, unreadable, a projected .prj, bad
 * options). Nothing is stored. `status` is the HTTP status a route should answer with.
 */
export class ImportFileError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** What a reader yields per row, before mapping and coercion. */
export interface SourceRecord {
  readonly line: number;
  readonly fields: Readonly<Record<string, unknown>>;
  /** The feature's geometry; undefined for formats that carry coordinates in fields (CSV). */
  readonly geometry?: Geometry | null | undefined;
  /** Problems found while reading (bad encoding, wrong field count), reported as row errors. */
  readonly problems: readonly FieldProblem[];
}

export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

export type LineUnit = 'line' | 'feature' | 'record';

/** Readers bump `parsed` when their parser produces a record, so buffering can be measured. */
export interface ReadCounter {
  parsed: number;
}

export interface OpenedReader {
  readonly unit: LineUnit;
  readonly encoding: TextEncoding | null;
  /** Known up front for CSV: the header cells. */
  readonly header?: readonly string[];
  readonly records: AsyncIterable<SourceRecord>;
  /** Frees temporary files (an unpacked zip). */
  close(): Promise<void>;
}
