import type { Geometry } from 'geojson';
import { basename } from 'node:path';
import { escapeIdentifier } from 'pg';
import type pg from 'pg';
import { refusalOf } from '../db/database-refusal.ts';
import { insertStagedRows } from '../db/bulk-insert.ts';
import { ImportStage } from './import-stage.ts';
import { isLayerKind, LAYERS, type LayerSpec, type Row } from '../model/layers.ts';
import { coerceRow, makeRowPlan, placeable, type RowPlan } from './coerce-row.ts';
import { CreditCodeReview } from './credit-code-review.ts';
import { formatOf } from './detect-format.ts';
import { checkMapping, mapFields, requiredTargets, type FieldMap } from './map-fields.ts';
import { openCsv } from './read-csv.ts';
import { openGeoJson } from './read-geojson.ts';
import { openShapefile } from './read-shapefile.ts';
import { openXlsx } from './read-xlsx.ts';
import { joinByPosition, unknownStationCodes } from './reading-stations.ts';
import { LONLAT, resolveCrs, type SourceCrs } from './source-crs.ts';
import {
  deleteBatchRows,
  emptyGeometries,
  invalidGeometries,
  keyColumns,
  keyOf,
  keyText,
  repairPolygons,
  storedKeys,
  type KeyColumns,
} from './stored-rows.ts';
import {
  ImportFileError,
  MAX_REPORTED_ERRORS,
  type CrsReport,
  type SourceRecord,
  type FieldProblem,
  type ImportFormat,
  type ImportOptions,
  type ImportReport,
  type LineUnit,
  type OnExisting,
  ON_EXISTING,
  type OpenedReader,
  type ReadCounter,
  type RepairedGeometry,
  type RowError,
  type StationMatch,
  type UnitConversion,
} from './types.ts';

const DEFAULT_BATCH = 2000;

/**
 * Imports one file (or one shapefile set) into a layer, all or nothing. Rows are checked and
 * written to a stage table in batches while the file streams (import-stage.ts); the first bad
 * row stops the writing but reading and checking go on, so the report lists the file's errors
 * (up to MAX_REPORTED_ERRORS) and then the stage is dropped. A file that passed has its
 * geometries checked in the stage, then its rows move into the layer in short transactions,
 * under an import_batch row marked 'loading', and its replacements and the batch's end commit
 * together; a row refused on the way (another region's, a key taken meanwhile) takes back what
 * moved. No transaction spans the file, so on the embedded engine, whose one session serves
 * every connection, the map answers between batches. Whole-file problems (wrong format,
 * missing columns, bad options) throw ImportFileError before anything is written.
 */
export async function runImport(pool: pg.Pool, options: ImportOptions): Promise<ImportReport> {
  const started = Date.now();
  if (!isLayerKind(options.kind)) throw new ImportFileError(`unknown layer kind "${String(options.kind)}"`);
  const layer = LAYERS[options.kind];
  const format = formatOf(options.files, options.format);
  if ((format === 'csv' || format === 'xlsx') && !layer.csv) {
    throw new ImportFileError(`layer ${layer.kind} cannot come from ${format === 'csv' ? 'CSV' : 'an .xlsx table'}: its ${layer.geometry ?? 'geometry'} is a polygon or line; use GeoJSON or a shapefile`);
  }
  checkMapping(layer, options.mapping);
  const plan = makeRowPlan(layer, options.defaults, options.rowNumberAs, await assignableAfter(pool, layer, options));
  const counter: ReadCounter = { parsed: 0 };
  const reader = await openReader(format, options, counter);
  try {
    const fileName = options.fileName ?? options.files.map((f) => basename(f)).join(', ');
    const headerFields = reader.header && mapFields(layer, reader.header, options.mapping);
    if (headerFields) checkHeaderCovers(layer, plan, headerFields, fileName);
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const run = new ImportRun(client, layer, plan, reader.unit, options, counter);
      await run.begin();
      try {
        await run.consume(reader, headerFields, fileName);
        const batchId = await run.finish(format, fileName, options.actor);
        return run.report({ format, fileName, encoding: reader.encoding, ...(reader.sheet !== undefined && { sheet: reader.sheet }), batchId, elapsedMs: Date.now() - started });
      } catch (err) {
        // A connection that cannot even take back what moved is discarded rather than returned
        // to the pool; its batch stays 'loading' for abandoned-imports.ts.
        await run.abandon().catch((undoError: Error) => (broken = undoError));
        throw err;
      } finally {
        if (!broken) await run.close().catch((closeError: Error) => (broken = closeError));
      }
    } finally {
      client.release(broken);
    }
  } finally {
    await reader.close();
  }
}

interface PendingRow {
  readonly row: Row;
  readonly line: number;
  /** A reading's lon/lat, when it is to be joined to a station by position. */
  readonly position?: readonly [number, number];
}

/**
 * Rows moved from the stage into the layer per statement (its own transaction): about 270 ms of
 * the embedded engine's one session for sources, with their indexes and triggers. 500 rows held
 * it for 70 ms but halved the import's rate under tile load without bettering the tiles' p95
 * (npm run bench:import: 2.0 s either way, p50 54 ms at 2,000 against 127 ms at 500).
 */
const DEFAULT_MOVE = 2000;

/** The state of one import, from its stage to the layer. */
class ImportRun {
  private batchId = 0;
  private stage: ImportStage | null = null;
  /** Rows have started to move into the layer: a failure from here on must take them back. */
  private moving = false;
  private readonly pending: PendingRow[] = [];
  /** Key → line of every valid row so far: duplicates in the file, and DB results back to lines. */
  private readonly keyLines = new Map<string, number>();
  private readonly keys: KeyColumns;
  private readonly errors: RowError[] = [];
  private errorCount = 0;
  private rejectedRows = 0;
  private rowsRead = 0;
  private rowsStored = 0;
  private rowsReplaced = 0;
  private rowsSkipped = 0;
  /** Keys the import numbered (RowPlan.assignIds): how many, and the lowest and highest. */
  private assigned = { count: 0, from: Infinity, to: -Infinity };
  private readonly onExisting: OnExisting;
  private readonly keepValid: boolean;
  private toReview = 0;
  /** Source imports only: credit codes stored for review. */
  private readonly credit: CreditCodeReview | null;
  private settled = 0;
  private peakBuffered = 0;
  private failed = false;
  private tableWasEmpty = false;
  private repaired: RepairedGeometry[] = [];
  private readonly matches: StationMatch[] = [];
  private matchCount = 0;
  private readonly ignored = new Set<string>();
  /** Header units converted to the stored t/a, by header. */
  private readonly units = new Map<string, UnitConversion>();
  private readonly fieldMaps = new Map<string, FieldMap>();
  private readonly batchSize: number;
  /** Known from the first record on (a streamed GeoJSON's crs member is read by then). */
  private crs: SourceCrs | null = null;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly layer: LayerSpec,
    private readonly plan: RowPlan,
    private readonly unit: LineUnit,
    private readonly options: ImportOptions,
    private readonly counter: ReadCounter,
  ) {
    this.keys = keyColumns(layer);
    const onExisting = options.onExisting ?? 'refuse';
    if (!ON_EXISTING.includes(onExisting)) {
      throw new ImportFileError(`onExisting must be one of ${ON_EXISTING.join(', ')}; got "${String(onExisting)}"`);
    }
    this.onExisting = onExisting;
    this.keepValid = options.keepValidRows === true;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
    this.credit = layer.columns.some((c) => c.name === 'credit_code') ? new CreditCodeReview() : null;
    const tolerance = options.matchStationsWithinM;
    if (tolerance !== undefined) {
      if (!layer.references) throw new ImportFileError(`matchStationsWithinM joins readings to stations; layer ${layer.kind} has no station to join to`);
      if (!Number.isFinite(tolerance) || tolerance <= 0 || tolerance > 50_000) {
        throw new ImportFileError(`matchStationsWithinM must be a distance in metres above 0 and at most 50000; got ${tolerance}`);
      }
    }
  }

  async begin(): Promise<void> {
    this.stage = await ImportStage.open(this.client, this.layer, this.keys);
    this.batchId = this.stage.batchId;
    // Into an empty table only the file itself can repeat a key, and keyLines catches that;
    // skipping the per-batch lookup saves a fifth of a big first import.
    const any = await this.client.query(`SELECT 1 FROM ${escapeIdentifier(this.layer.table)} LIMIT 1`);
    this.tableWasEmpty = any.rowCount === 0;
  }

  async consume(reader: OpenedReader, headerFields: FieldMap | undefined, fileName: string): Promise<void> {
    for (const f of headerFields?.ignored ?? []) this.ignored.add(f);
    for (const u of headerFields?.units?.values() ?? []) this.units.set(u.field, u);
    for await (const record of reader.records) {
      this.notePeak();
      this.crs ??= this.resolveCrs(reader, record, fileName);
      if (record.line > 0 && ++this.rowsRead % 1000 === 0) this.options.onProgress?.({ rowsRead: this.rowsRead, rowsStored: this.rowsStored });
      const fields = headerFields ?? this.fieldMapFor(Object.keys(record.fields));
      const result = coerceRow(this.plan, fields, record, this.crs.proj === null);
      if ('problems' in result) {
        this.reject(record.line, result.problems);
        this.settled++;
        continue;
      }
      const assign = this.plan.assignIds;
      if (assign && result.row[assign.column] === assign.after + record.line) {
        const id = assign.after + record.line;
        this.assigned = { count: this.assigned.count + 1, from: Math.min(this.assigned.from, id), to: Math.max(this.assigned.to, id) };
      }
      const key = keyOf(this.keys, result.row);
      const earlier = this.keyLines.get(key);
      if (earlier !== undefined) {
        this.reject(record.line, [{ field: this.keys.join('+'), reason: `duplicate ${keyText(this.keys, result.row)}: also on ${this.at(earlier)}` }]);
        this.settled++;
        continue;
      }
      const misshapen = this.credit?.check(result.row, record.line, this.at(record.line), fields.byTarget.get('credit_code') ?? 'credit_code');
      if (misshapen) {
        this.reject(record.line, [misshapen]);
        this.settled++;
        continue;
      }
      this.keyLines.set(key, record.line);
      if (this.layer.kind === 'source' && this.crs.proj === null && !placeable(result.row.geom)) this.toReview++;
      let position: readonly [number, number] | undefined;
      if (this.options.matchStationsWithinM !== undefined) {
        const read = positionOf(fields, record.fields);
        if (typeof read === 'string') {
          this.reject(record.line, [{ field: 'lon/lat', reason: read }]);
          this.settled++;
          continue;
        }
        position = read;
      }
      // After a first error nothing more is written, but readings still have their station
      // codes checked, so the report names every reading that belongs to nothing.
      if (this.failed && !this.layer.references) {
        this.settled++;
        continue;
      }
      this.pending.push(position ? { row: result.row, line: record.line, position } : { row: result.row, line: record.line });
      if (this.pending.length >= this.batchSize) await this.flush();
    }
    await this.flush();
  }

  /**
   * An `srid` option, else what the file declares, else degrees if the coordinates are degrees
   * (the .shp header's extent, or the first feature's). CSV coordinates are longitude/latitude
   * in the row's own entered_crs unless an srid says otherwise.
   */
  private resolveCrs(reader: OpenedReader, first: SourceRecord, fileName: string): SourceCrs {
    if (!reader.declaredCrs && (this.options.srid === undefined || this.options.srid === '')) return LONLAT;
    const extent = reader.extent !== undefined ? reader.extent : extentOf(first.geometry);
    return resolveCrs(this.options, reader.declaredCrs?.() ?? null, extent, fileName, reader.missingCrs ?? 'no coordinate system');
  }

  /** Validity check in the stage, then the move into the layer; the batch id when stored. */
  async finish(format: ImportFormat, fileName: string, actor: string): Promise<number | null> {
    if (!this.failed && this.layer.geometry && this.rowsStored > 0) await this.checkGeometries();
    if (!this.failed) await this.move(format, fileName, actor);
    if (this.failed) {
      if (this.moving) await this.stage!.undoMove();
      this.moving = false;
      this.rowsStored = 0;
      return null;
    }
    return this.batchId;
  }

  /** After an error thrown on the way: what moved is taken back. */
  async abandon(): Promise<void> {
    if (this.moving) await this.stage!.undoMove();
    this.moving = false;
  }

  async close(): Promise<void> {
    await this.stage?.close();
  }

  /**
   * The stage's new rows into the layer, a range per statement (each its own transaction), then
   * the replacements and the batch's end in one transaction, so a stored row is never left
   * half-replaced. A range the database refuses goes row by row to name the lines at fault.
   */
  private async move(format: ImportFormat, fileName: string, actor: string): Promise<void> {
    const stage = this.stage!;
    await stage.beginMove(this.layer.kind, fileName, format, actor);
    this.moving = true;
    const last = await stage.lastSeq();
    const chunk = Math.max(1, this.options.batchSize ?? DEFAULT_MOVE);
    let moved = 0;
    for (let after = 0; after < last; after += chunk) {
      const upTo = Math.min(after + chunk, last);
      try {
        moved += await stage.moveNew(after, upTo);
      } catch (err) {
        moved += await this.locateMoveFailure(after, upTo, false, err);
        if (this.failed) return;
      }
      this.options.onProgress?.({ rowsRead: this.rowsRead, rowsStored: this.rowsStored, rowsMoved: moved });
    }
    await this.client.query('BEGIN');
    try {
      await this.client.query('SAVEPOINT import_replacements');
      let replaced: number;
      try {
        replaced = await stage.moveReplacements(0, last);
        await this.client.query('RELEASE SAVEPOINT import_replacements');
      } catch (err) {
        await this.client.query('ROLLBACK TO SAVEPOINT import_replacements');
        replaced = await this.locateMoveFailure(0, last, true, err);
      }
      if (this.failed) {
        await this.client.query('ROLLBACK');
        return;
      }
      this.rowsReplaced = replaced;
      this.rowsStored = moved + replaced;
      await stage.finishBatch(this.rowsStored);
      await this.client.query('COMMIT');
      this.moving = false;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * A range of the stage the layer refused: its rows one by one, naming the lines at fault.
   * Replacements run inside the final transaction, so each gets a savepoint; a new row is a
   * statement of its own. Without keepValidRows the first ten bad rows are named and the
   * import fails (finish takes back what moved).
   */
  private async locateMoveFailure(after: number, upTo: number, replace: boolean, rangeError: unknown): Promise<number> {
    const stage = this.stage!;
    const rows = await stage.rowsIn(after, upTo, replace);
    let moved = 0, found = 0;
    for (const { seq, line } of rows) {
      if (replace) await this.client.query('SAVEPOINT import_one_row');
      try {
        moved += replace ? await stage.moveReplacements(seq - 1, seq) : await stage.moveNew(seq - 1, seq);
        if (replace) await this.client.query('RELEASE SAVEPOINT import_one_row');
      } catch (err) {
        if (replace) await this.client.query('ROLLBACK TO SAVEPOINT import_one_row');
        this.reject(line, [databaseProblem(this.layer, err)]);
        if (++found >= 10 && !this.keepValid) break;
      }
    }
    if (found === 0 && !this.keepValid) this.reject(rows[0]?.line ?? 0, [databaseProblem(this.layer, rangeError)]);
    return moved;
  }

  private async checkGeometries(): Promise<void> {
    const column = this.layer.columns.find((c) => c.name === this.layer.geometry)!;
    if (column.type === 'point') return;
    const lineOf = (key: string) => this.keyLines.get(key) ?? 0;
    // The checks read and repair the stage, which has the layer's columns under another name.
    const staged: LayerSpec = { ...this.layer, table: this.stage!.table };
    if (column.type === 'polygon' && this.options.repairGeometry !== false) {
      const repaired = await repairPolygons(this.client, staged, this.keys, this.batchId);
      this.repaired = repaired
        .map((r) => ({ line: lineOf(r.key), at: this.at(lineOf(r.key)), key: keyText(this.keys, r.row), reason: r.reason }))
        .sort((a, b) => a.line - b.line);
      const empty = await emptyGeometries(this.client, staged, this.keys, this.batchId);
      for (const key of empty) {
        this.reject(lineOf(key), [{ field: column.name, reason: `the invalid polygon has no area left after repair (${this.keys[0]} ${key})` }]);
      }
      await this.dropBadRows(staged, empty);
    }
    // With keepValidRows every bad geometry must be found and dropped, not only the first ones.
    const invalid = await invalidGeometries(this.client, staged, this.keys, this.batchId, this.keepValid ? Number.MAX_SAFE_INTEGER : MAX_REPORTED_ERRORS);
    for (const bad of invalid.sort((a, b) => lineOf(a.key) - lineOf(b.key))) {
      const hint = column.type === 'polygon' && this.options.repairGeometry === false ? '; leave out repairGeometry=false to have it repaired (ST_MakeValid)' : '';
      this.reject(lineOf(bad.key), [{ field: column.name, reason: `invalid ${column.type}: ${bad.reason} (${keyText(this.keys, bad.row)})${hint}` }]);
    }
    await this.dropBadRows(staged, invalid.map((b) => b.key));
  }

  /**
   * keepValidRows: rows whose geometry proved bad leave the stage. A replacement among them
   * leaves too, and the stored row it was to replace stays as it was.
   */
  private async dropBadRows(staged: LayerSpec, keys: readonly string[]): Promise<void> {
    if (!this.keepValid || keys.length === 0) return;
    this.rowsStored -= await deleteBatchRows(this.client, staged, this.keys, this.batchId, keys);
  }

  report(about: Pick<ImportReport, 'format' | 'fileName' | 'encoding' | 'sheet' | 'batchId' | 'elapsedMs'>): ImportReport {
    return {
      kind: this.layer.kind,
      ...about,
      rowsRead: this.rowsRead,
      rowsStored: this.rowsStored,
      rowsReplaced: this.failed ? 0 : this.rowsReplaced,
      rowsSkipped: this.rowsSkipped,
      ...(this.plan.assignIds && this.assigned.count > 0 && !this.failed && {
        idsAssigned: { column: this.plan.assignIds.column, count: this.assigned.count, from: this.assigned.from, to: this.assigned.to },
      }),
      coordinatesToReview: this.failed ? 0 : this.toReview,
      ...(this.credit && { creditCodesToReview: this.credit.summary(this.failed) }),
      rejected: this.rejectedRows,
      errors: this.errors,
      errorCount: this.errorCount,
      ignoredFields: [...this.ignored],
      ...(this.units.size > 0 && { unitsConverted: [...this.units.values()] }),
      crs: crsReport(this.crs ?? LONLAT),
      repaired: this.repaired,
      peakBufferedRows: this.peakBuffered,
      ...(this.options.matchStationsWithinM !== undefined && { stationMatches: { count: this.matchCount, first: this.matches } }),
    };
  }

  private async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    await this.checkStations(batch);
    if (this.failed) {
      this.settled += batch.length;
      return;
    }
    // Everything this batch sends may be refused (a value out of range); the write is one
    // statement, so a refused batch leaves nothing in the stage and its rows can be named.
    const { fresh, stored } = await this.splitStored(batch);
    if (stored.length > 0 && this.onExisting === 'refuse') {
      for (const p of stored) {
        this.reject(p.line, [{ field: this.keys.join('+'), reason: `${keyText(this.keys, p.row)} is already stored; import with onExisting=replace to write over it or onExisting=skip to leave it` }]);
      }
    }
    try {
      if (!this.failed) await this.write(fresh, this.onExisting === 'replace' ? stored : []);
    } catch (err) {
      await this.locateFailure(batch, stored, err);
    }
    this.settled += batch.length;
  }

  /** The batch's rows whose key is not stored yet, and those whose key is (skipped ones counted). */
  private async splitStored(batch: readonly PendingRow[]): Promise<{ fresh: PendingRow[]; stored: PendingRow[] }> {
    if (this.tableWasEmpty) return { fresh: [...batch], stored: [] };
    const clashes = await storedKeys(this.client, this.layer, this.keys, batch.map((p) => p.row));
    const fresh: PendingRow[] = [], stored: PendingRow[] = [];
    for (const p of batch) (clashes.has(keyOf(this.keys, p.row)) ? stored : fresh).push(p);
    if (this.onExisting === 'skip') this.rowsSkipped += stored.length;
    return { fresh, stored };
  }

  /** New rows and replacements into the stage, in one statement. */
  private async write(fresh: readonly PendingRow[], replace: readonly PendingRow[]): Promise<void> {
    const rows = [...fresh, ...replace];
    this.rowsStored += await insertStagedRows(
      this.client, this.layer, this.stage!.table,
      rows.map((p) => p.row), rows.map((p) => p.line), rows.map((_, i) => i >= fresh.length),
      this.batchId, this.crs?.proj ?? null,
    );
  }

  /**
   * Readings belong to stored stations: joined by position when asked (the row then carries the
   * station's code), else a code that is not stored is an error naming the line and the fix.
   */
  private async checkStations(batch: readonly PendingRow[]): Promise<void> {
    const ref = this.layer.references;
    if (!ref) return;
    const tolerance = this.options.matchStationsWithinM;
    if (tolerance !== undefined) {
      const joins = await joinByPosition(this.client, this.layer, batch.map((p) => p.position!), tolerance);
      batch.forEach((p, i) => {
        const join = joins[i]!;
        const given = String(p.row[ref.column]);
        if ('problem' in join) {
          this.reject(p.line, [{ field: 'lon/lat', reason: `${ref.column} ${given}: ${join.problem}` }]);
          return;
        }
        this.matchCount++;
        if (this.matches.length < MAX_REPORTED_ERRORS) this.matches.push({ line: p.line, given, station: join.station, distanceM: Math.round(join.distanceM * 10) / 10 });
        p.row[ref.column] = join.station;
      });
      return;
    }
    const unknown = await unknownStationCodes(this.client, this.layer, batch.map((p) => String(p.row[ref.column])));
    for (const p of batch) {
      const code = String(p.row[ref.column]);
      if (!unknown.has(code)) continue;
      this.reject(p.line, [{
        field: ref.column,
        reason: `"${code}" is not a stored ${ref.noun}: import the ${ref.noun}s first, correct the code, or join the readings to ${ref.noun}s by position (matchStationsWithinM with lon/lat columns)`,
      }]);
    }
  }

  /**
   * A batch the stage refused (nothing of it was written): its rows one by one, each a
   * statement of its own, to name the lines at fault. With keepValidRows every good row is
   * kept; otherwise the first ten bad ones are named and the stage is dropped anyway.
   */
  private async locateFailure(batch: readonly PendingRow[], stored: readonly PendingRow[], batchError: unknown): Promise<void> {
    let found = 0;
    for (const p of batch) {
      const isStored = stored.includes(p);
      if (isStored && this.onExisting !== 'replace') continue;
      try {
        await this.write(isStored ? [] : [p], isStored ? [p] : []);
      } catch (err) {
        this.reject(p.line, [databaseProblem(this.layer, err)]);
        if (++found >= 10 && !this.keepValid) break;
      }
    }
    if (found === 0 && !this.keepValid) this.reject(batch[0]!.line, [databaseProblem(this.layer, batchError)]);
  }

  private reject(line: number, problems: readonly FieldProblem[]): void {
    if (!this.keepValid) this.failed = true;
    if (line > 0) this.rejectedRows++;
    for (const p of problems) {
      this.errorCount++;
      if (this.errors.length >= MAX_REPORTED_ERRORS) continue;
      const at = this.at(line);
      this.errors.push({ line, at, field: p.field, reason: p.reason, message: `${at}, ${p.field}: ${p.reason}` });
    }
  }

  private at(line: number): string {
    return line > 0 ? `${this.unit} ${line}` : 'the file';
  }

  private fieldMapFor(fieldNames: string[]): FieldMap {
    const signature = fieldNames.join('\u0000');
    let map = this.fieldMaps.get(signature);
    if (!map) {
      map = mapFields(this.layer, fieldNames, this.options.mapping);
      for (const f of map.ignored) this.ignored.add(f);
      for (const u of map.units?.values() ?? []) this.units.set(u.field, u);
      // Files with per-feature key sets could make this grow; a few hundred shapes is plenty.
      if (this.fieldMaps.size < 1000) this.fieldMaps.set(signature, map);
    }
    return map;
  }

  private notePeak(): void {
    const buffered = this.counter.parsed - this.settled;
    if (buffered > this.peakBuffered) this.peakBuffered = buffered;
  }
}

export async function openReader(format: ImportFormat, options: ImportOptions, counter: ReadCounter): Promise<OpenedReader> {
  if (format === 'shapefile') return openShapefile(options.files, options.encoding, counter);
  if (options.files.length !== 1) throw new ImportFileError(`a ${format} import takes one file; got ${options.files.length}`);
  const file = options.files[0]!;
  if (format === 'xlsx') return openXlsx(file, options.sheet, counter);
  return format === 'csv' ? openCsv(file, options.encoding, counter) : openGeoJson(file, options.encoding, counter);
}

/**
 * For a layer keyed by a number (river reaches), the largest key stored now: rows the file
 * leaves without one are numbered after it (RowPlan.assignIds). Undefined for other layers, or
 * when the user numbers the rows (rowNumberAs) or gives the key a default.
 */
async function assignableAfter(pool: pg.Pool, layer: LayerSpec, options: ImportOptions): Promise<number | undefined> {
  const key = layer.columns.find((c) => c.name === layer.key);
  if (key?.type !== 'integer' || options.rowNumberAs || options.defaults?.[layer.key] !== undefined) return undefined;
  const { rows } = await pool.query<{ n: string | null }>(`SELECT max(${escapeIdentifier(layer.key)}) AS n FROM ${escapeIdentifier(layer.table)}`);
  return Number(rows[0]?.n ?? 0);
}

/** A CSV header without a column for a required field fails the file once, not every row. */
function checkHeaderCovers(layer: LayerSpec, plan: RowPlan, fields: FieldMap, fileName: string): void {
  const missing: string[] = [];
  for (const target of requiredTargets(layer)) {
    if (fields.byTarget.has(target) || plan.defaults.has(target) || plan.rowNumberAs?.column === target || plan.assignIds?.column === target) continue;
    missing.push(target);
  }
  if (missing.length > 0) {
    const header = [...fields.byTarget.values(), ...fields.ignored].join(', ');
    throw new ImportFileError(
      `${fileName} line 1: no column for ${missing.join(', ')} (header: ${header}); map a column to it or give a default`,
    );
  }
}

/** A reading's position from its lon/lat fields (decimal degrees), or what is wrong with them. */
function positionOf(fields: FieldMap, values: Readonly<Record<string, unknown>>): readonly [number, number] | string {
  const lonField = fields.byTarget.get('lon'), latField = fields.byTarget.get('lat');
  if (lonField === undefined || latField === undefined) return 'joining readings to stations by position needs lon and lat columns (经度, 纬度)';
  const lon = Number(String(values[lonField] ?? '').trim()), lat = Number(String(values[latField] ?? '').trim());
  const empty = String(values[lonField] ?? '').trim() === '' || String(values[latField] ?? '').trim() === '';
  if (empty || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    return `"${String(values[lonField] ?? '')}", "${String(values[latField] ?? '')}" is not a position in decimal degrees, needed to join the reading to a station`;
  }
  return [lon, lat];
}

function crsReport(crs: SourceCrs): CrsReport {
  return { label: crs.label, epsg: crs.epsg, transformed: crs.proj !== null, assumed: crs.assumed };
}

/** The bounding box of one GeoJSON geometry's positions; null when it has none. */
export function extentOf(geometry: Geometry | null | undefined): [number, number, number, number] | null {
  if (!geometry) return null;
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
      return;
    }
    for (const inner of c) visit(inner);
  };
  if (geometry.type === 'GeometryCollection') geometry.geometries.forEach((g) => visit((g as { coordinates?: unknown }).coordinates));
  else visit(geometry.coordinates);
  return Number.isFinite(box[0]) ? box : null;
}

/**
 * A row the database refused, in the words of geodata/db/database-refusal.ts: the field at
 * fault and a reason that names no constraint and, for a taken key, not where it is taken
 * (a census id of another district says "already registered", nothing more).
 */
function databaseProblem(layer: LayerSpec, err: unknown): FieldProblem {
  const columnOf = (constraint: string) =>
    layer.columns.find((c) => constraint === `${layer.table}_${c.name}_check` || constraint === `${layer.table}_${c.name}_key`)?.name;
  const refusal = refusalOf(err, columnOf);
  const code = (err as { code?: string }).code;
  if (!refusal) return { field: '(row)', reason: `the database refused the row${code ? ` (SQLSTATE ${code})` : ''}` };
  return { field: refusal.column ?? '(row)', reason: refusal.reason };
}
