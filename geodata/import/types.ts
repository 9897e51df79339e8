import type { Geometry } from 'geojson';
import type { LayerKind } from '../model/layers.ts';
import type { DeclaredCrs } from './source-crs.ts';
import { ON_EXISTING, type OnExisting, type TEXT_ENCODINGS } from '../model/api/import.ts';

export { ON_EXISTING, type OnExisting };
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export type ImportFormat = 'csv' | 'xlsx' | 'geojson' | 'shapefile';


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
  /** An .xlsx workbook's worksheet: its name, or its position counted from 1; absent, the first. */
  readonly sheet?: string | number | undefined;
  /** Who imports; stored in import_batch.actor. */
  readonly actor: string;
  /** Name recorded in import_batch and the report; defaults to the files' base names. */
  readonly fileName?: string | undefined;
  /**
   * Repair polygons PostGIS finds invalid (ST_MakeValid, polygonal part kept) and list them in
   * the report. On by default, since real boundaries are rarely valid (81 of 123 features of
   * the public Guangdong outlines self-intersect); false: an invalid polygon is an error.
   */
  readonly repairGeometry?: boolean | undefined;
  /**
   * The coordinate system as an EPSG code (4547, "EPSG:4526"), for a file that does not say
   * (no .prj, no GeoJSON crs) or says it wrongly; it wins over the file's own declaration.
   */
  readonly srid?: number | string | undefined;
  /** Xian 80 / Beijing 54 files: the 7-parameter transformation "dx,dy,dz,rx,ry,rz,ds" to WGS-84. */
  readonly towgs84?: string | undefined;
  /** Rows per INSERT; a few thousand keeps statements fast and memory flat. */
  readonly batchSize?: number | undefined;
  /**
   * Readings whose codes use another scheme: join each row to the stored station (section, air
   * station) nearest its lon/lat fields within this many metres, and store it under that
   * station's code. A row with no station within reach, or with two, is an error naming them.
   */
  readonly matchStationsWithinM?: number | undefined;
  /**
   * A row whose key is already stored: 'refuse' (the default) makes it an error; 'skip' leaves
   * the stored row as it is; 'replace' writes the file's row over it (same id, so findings and
   * the edit log stay attached), so a corrected boundary file is one import.
   */
  readonly onExisting?: OnExisting | undefined;
  /**
   * Store the valid rows of a file that has errors, and report the rest (default: a file with
   * errors stores nothing). Every kind; the census form has its own, with the same meaning.
   */
  readonly keepValidRows?: boolean | undefined;
  /** Told the rows read and stored so far, every thousand rows read: an import job's progress bar. */
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
}

export interface ImportProgress {
  readonly rowsRead: number;
  /** Rows checked and written to the import's stage so far. */
  readonly rowsStored: number;
  /** Once the file is read: rows moved from the stage into the layer so far. */
  readonly rowsMoved?: number;
}

/** A reading joined to a station by its position (matchStationsWithinM). */
export interface StationMatch {
  readonly line: number;
  /** The code the file gave. */
  readonly given: string;
  /** The stored station it was joined to, and how far the reading's position lies from it. */
  readonly station: string;
  readonly distanceM: number;
}

/** One rejected value or row. `line` is the CSV line or worksheet row (header = 1), feature or record number. */
export interface RowError {
  readonly line: number;
  /** "line 7", "row 7", "feature 17" or "record 3": what `line` counts. */
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
  /** The worksheet an .xlsx import read. */
  readonly sheet?: string | undefined;
  readonly rowsRead: number;
  /**
   * Rows committed (inserted or replaced); 0 whenever anything was rejected, since a file is
   * stored whole or not at all, unless keepValidRows asked for the valid rows.
   */
  readonly rowsStored: number;
  /** onExisting 'replace': stored rows the file's rows were written over (counted in rowsStored). */
  readonly rowsReplaced: number;
  /** onExisting 'skip': rows left out because their key was already stored. */
  readonly rowsSkipped: number;
  /** Rows the file left without a numeric key, numbered after the largest stored one (river reaches). */
  readonly idsAssigned?: { readonly column: string; readonly count: number; readonly from: number; readonly to: number };
  /**
   * Sources stored with empty, unreadable, zero or out-of-range coordinates (0 for other
   * layers): not refused, since a wrong coordinate is the census's to correct; the review run
   * lists each (coord_empty, coord_zero, coord_out_of_range or swapped_lat_lon with its fix).
   */
  readonly coordinatesToReview: number;
  /**
   * Sources stored with a credit code that fails GB 32100-2015 (wrong check character, length
   * or character): not refused; the review run lists each as credit_code_invalid. `first` holds
   * at most MAX_REPORTED_ERRORS of them. Absent for layers without credit codes.
   */
  /** Emission columns whose header gave a unit other than t/a, converted on the way in. */
  readonly unitsConverted?: readonly UnitConversion[];
  readonly creditCodesToReview?: { readonly count: number; readonly first: readonly CreditCodeToReview[] };
  /** Number of rows with at least one error. */
  readonly rejected: number;
  /** The first errors (at most MAX_REPORTED_ERRORS); `errorCount` tells how many there were. */
  readonly errors: readonly RowError[];
  readonly errorCount: number;
  /** The import_batch row of a committed import; null when the import was rolled back. */
  readonly batchId: number | null;
  /** Input fields that fed no column. */
  readonly ignoredFields: readonly string[];
  /** The coordinate system the geometry was read in and whether it was transformed or assumed. */
  readonly crs: CrsReport;
  /** Polygons repaired (unless `repairGeometry` is false), with what PostGIS found wrong. */
  readonly repaired: readonly RepairedGeometry[];
  /** Most records read from the file but not yet written or rejected at any moment. */
  readonly peakBufferedRows: number;
  /** With matchStationsWithinM: how each reading was joined (the first MAX_REPORTED_ERRORS), and how many were. */
  readonly stationMatches?: { readonly count: number; readonly first: readonly StationMatch[] };
  readonly elapsedMs: number;
}

/** An emission column read in its header's unit and converted to the stored t/a. */
export interface UnitConversion {
  /** The file's header, e.g. `COD排放量（千克）`. */
  readonly field: string;
  readonly column: string;
  /** The unit as written, e.g. `千克`. */
  readonly unit: string;
  /** Stored value = entered value × factor (千克 → 0.001). */
  readonly factor: number;
}

/** A stored credit code whose check failed, for the import report. */
export interface CreditCodeToReview {
  readonly line: number;
  readonly at: string;
  /** The code as stored (normalised: half-width, upper case, no spaces). */
  readonly creditCode: string;
  /** The check character its first 17 characters call for; null when it is not shaped like a code. */
  readonly expected: string | null;
  readonly reason: string;
  readonly message: string;
}

export interface CrsReport {
  /** "EPSG:4547 CGCS2000_3_Degree_GK_CM_114E (from districts.prj)". */
  readonly label: string;
  readonly epsg: number | null;
  /** Coordinates were transformed to WGS-84 longitude/latitude on the way in. */
  readonly transformed: boolean;
  /** Nothing declared a CRS; the coordinates are degrees and were read as WGS-84/CGCS2000. */
  readonly assumed: boolean;
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
 * options). Nothing is stored. server/http-errors.ts answers it with 400.
 */
export class ImportFileError extends Error {
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
  /** .xlsx: the fields whose cells Excel typed as numbers (a code there has lost its leading zeros). */
  readonly numericFields?: readonly string[] | undefined;
}

export interface FieldProblem {
  readonly field: string;
  readonly reason: string;
}

export type LineUnit = 'line' | 'row' | 'feature' | 'record';

/** Readers bump `parsed` when their parser produces a record, so buffering can be measured. */
export interface ReadCounter {
  parsed: number;
}

export interface OpenedReader {
  readonly unit: LineUnit;
  readonly encoding: TextEncoding | null;
  /** .xlsx: the worksheet being read. */
  readonly sheet?: string | undefined;
  /** .xlsx: every worksheet of the workbook, in tab order (the import page offers them). */
  readonly sheets?: readonly string[];
  /** Known up front for CSV and .xlsx: the header cells. */
  readonly header?: readonly string[];
  readonly records: AsyncIterable<SourceRecord>;
  /**
   * Formats that carry geometry: the CRS the file declares (.prj, GeoJSON crs), asked when the
   * first record arrives (a streamed GeoJSON's crs member is read by then); null when none.
   */
  readonly declaredCrs?: (() => DeclaredCrs | null) | undefined;
  /** What the file lacks when it declares nothing: "no .prj", "no crs member". */
  readonly missingCrs?: string | undefined;
  /** The file's coordinate extent [xmin, ymin, xmax, ymax] when its header states it (.shp). */
  readonly extent?: readonly [number, number, number, number] | null | undefined;
  /** Frees temporary files (an unpacked zip). */
  close(): Promise<void>;
}
