import type { Point } from 'geojson';
import gcoordModule from 'gcoord';
import type { ColumnSpec, LayerSpec, Row, Value } from '../model/layers.ts';
import { checkGeometry, coordinateProblem } from './check-geometry.ts';
import { coerceValue, parseDecimal, scalarText } from './coerce-value.ts';
import { completeRow } from './complete-row.ts';
import { parseDms } from './dms.ts';
import { convertUnit } from './header-unit.ts';
import type { FieldMap } from './map-fields.ts';
import { ImportFileError, type FieldProblem, type SourceRecord } from './types.ts';

/** What applies to every row of one import: the layer, coerced defaults, a row-number column. */
export interface RowPlan {
  readonly layer: LayerSpec;
  readonly defaults: ReadonlyMap<string, Value>;
  readonly rowNumberAs?: { readonly column: string; readonly prefix: string } | undefined;
  /**
   * A layer keyed by a number (river reaches) whose file leaves the key empty: the row gets
   * `after` + its line, `after` being the largest key stored when the import began, so an
   * assigned id never collides with a stored row (rowNumberAs alone did).
   */
  readonly assignIds?: { readonly column: string; readonly after: number } | undefined;
}

export type RowResult = { readonly row: Row } | { readonly problems: readonly FieldProblem[] };

/** Validates the caller's defaults and row-number column once, before any row is read. */
export function makeRowPlan(
  layer: LayerSpec,
  defaults: Readonly<Record<string, string | number>> = {},
  rowNumberAs?: { column: string; prefix?: string | undefined },
  assignIdsAfter?: number,
): RowPlan {
  const coerced = new Map<string, Value>();
  for (const [name, input] of Object.entries(defaults)) {
    const column = fieldColumn(layer, name, 'default');
    const result = coerceValue(column, input);
    if ('error' in result) throw new ImportFileError(`default ${name}=${String(input)}: ${result.error}`);
    coerced.set(name, result.value);
  }
  if (rowNumberAs) {
    const column = fieldColumn(layer, rowNumberAs.column, 'row-number column');
    if (column.type !== 'text' && (column.type !== 'integer' || rowNumberAs.prefix)) {
      throw new ImportFileError(`row-number column ${column.name} is ${column.type}; a prefix needs a text column`);
    }
  }
  return {
    layer,
    defaults: coerced,
    rowNumberAs: rowNumberAs && { column: rowNumberAs.column, prefix: rowNumberAs.prefix ?? '' },
    assignIds: assignIdsAfter === undefined || rowNumberAs ? undefined : { column: layer.key, after: assignIdsAfter },
  };
}

/**
 * Maps, coerces and checks one record into a row ready for insertRows, or lists what is wrong.
 * `degrees: false`: the coordinates are in a projected CRS that the insert transforms, so only
 * their being numbers is checked here.
 */
export function coerceRow(plan: RowPlan, fields: FieldMap, record: SourceRecord, degrees = true): RowResult {
  // A record the reader could not split properly ("(row)", "(feature)"): its fields would only add noise.
  if (record.problems.some((p) => p.field.startsWith('('))) return { problems: record.problems };
  const problems: FieldProblem[] = [...record.problems];
  const row: Row = {};
  const { layer } = plan;
  for (const column of layer.columns) {
    if (column.type === 'point' || column.type === 'polygon' || column.type === 'line') continue;
    if (column.name === 'entered_x' || column.name === 'entered_y') continue;
    const source = fields.byTarget.get(column.name);
    let input: unknown = source === undefined ? undefined : record.fields[source];
    // Stream order 0 is how river files mark lakes and unclassified arcs: unknown, not an error.
    if (layer.kind === 'river_reach' && column.name === 'stream_order' && Number(scalarText(input)) === 0) input = undefined;
    if (scalarText(input) === null) input = fallback(plan, column, record.line) ?? impliedByCode(layer.kind, column.name, row);
    const result = coerceValue(column, input);
    if ('error' in result) problems.push({ field: source ?? column.name, reason: result.error + numberTypedHint(column, source, record) });
    else {
      const unit = fields.units?.get(column.name);
      // A default stands in the stored unit already; only the file's own values are converted.
      const fromFile = source !== undefined && scalarText(record.fields[source]) !== null;
      row[column.name] = unit && fromFile && typeof result.value === 'number' ? convertUnit(result.value, unit.factor) : result.value;
    }
  }
  if (layer.geometry) {
    const column = layer.columns.find((c) => c.name === layer.geometry)!;
    const geometry = readGeometry(column, fields, record, row, problems, degrees, layer.kind === 'source');
    row[column.name] = geometry;
    if (geometry === null && column.required && !problems.some((p) => p.field === column.name || isCoordinateField(fields, p.field))) {
      problems.push({ field: column.name, reason: record.geometry === undefined ? 'has no coordinates (longitude/latitude are empty)' : 'has no geometry' });
    }
  }
  if (problems.length > 0) return { problems };
  if (layer.kind === 'source' && degrees && placeable(row.geom)) toWgs84(row);
  completeRow(layer.kind, row);
  return { row };
}

/**
 * A code column fed by a cell Excel typed as a number has lost its leading zeros (industry
 * `0511` becomes 511): say so, and how to keep them, rather than only that 511 is no code.
 */
function numberTypedHint(column: ColumnSpec, source: string | undefined, record: SourceRecord): string {
  if (column.type !== 'text' || source === undefined || !record.numericFields?.includes(source)) return '';
  return '; the cell is typed as a number in Excel, which drops leading zeros: format the column as Text (文本) and enter the codes again, or give it a number format of zeros such as 0000';
}

function fallback(plan: RowPlan, column: ColumnSpec, line: number): unknown {
  if (plan.defaults.has(column.name)) return plan.defaults.get(column.name);
  if (plan.rowNumberAs?.column === column.name) {
    return plan.rowNumberAs.prefix ? `${plan.rowNumberAs.prefix}${line}` : line;
  }
  if (plan.assignIds?.column === column.name) return plan.assignIds.after + line;
  return undefined;
}

/**
 * What a census zone's 12-digit code (GB/T 2260 county + 3-digit township + 3-digit zone) already
 * says, so zone files need no county or township column; the code column comes first.
 */
function impliedByCode(kind: string, column: string, row: Row): string | undefined {
  if (kind !== 'census_zone' || typeof row.code !== 'string' || !/^\d{12}$/.test(row.code)) return undefined;
  if (column === 'county_code') return row.code.slice(0, 6);
  if (column === 'township_code') return row.code.slice(0, 9);
  return undefined;
}

/**
 * `census`: the layer is the census's sources, whose wrong coordinates are the review's
 * business (issue 14): a swapped, out-of-range, zero, half-empty or unreadable position is
 * stored with its entered text and whatever point it can be (none when it cannot be read), so
 * the review's swap, range, zero and empty checks see it; other point layers stay strict.
 */
function readGeometry(column: ColumnSpec, fields: FieldMap, record: SourceRecord, row: Row, problems: FieldProblem[], degrees: boolean, census: boolean): Value {
  if (record.geometry) {
    if (column.type === 'polygon' || column.type === 'line' || column.type === 'point') {
      const point = census && column.type === 'point' ? numericPoint(record.geometry) : null;
      const checked = point ? { geometry: point } : checkGeometry(column.type, record.geometry, degrees);
      if ('error' in checked) {
        problems.push({ field: column.name, reason: `geometry ${checked.error}` });
        return null;
      }
      if (checked.geometry.type === 'Point') {
        row.entered_x = String(checked.geometry.coordinates[0]);
        row.entered_y = String(checked.geometry.coordinates[1]);
      }
      return checked.geometry;
    }
  }
  if (column.type !== 'point') return null;
  return census ? censusPointFromFields(fields, record, row, problems) : pointFromFields(fields, record, row, problems, degrees);
}

/** A GeoJSON Point with two finite numbers, whatever their range; null otherwise. */
function numericPoint(geometry: unknown): Point | null {
  const g = geometry as { type?: unknown; coordinates?: unknown };
  const c = g.coordinates;
  if (g.type !== 'Point' || !Array.isArray(c) || c.length < 2) return null;
  const [x, y] = c as unknown[];
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y) ? { type: 'Point', coordinates: [x, y] } : null;
}

/** A point inside longitude/latitude range and off the zero placeholder: one a datum shift applies to. */
export function placeable(geometry: Value | undefined): boolean {
  if (!geometry || typeof geometry !== 'object' || geometry.type !== 'Point') return false;
  const [x, y] = geometry.coordinates as [number, number];
  return coordinateProblem(x, y) === null && x !== 0 && y !== 0;
}

/**
 * A census source's position from its lon/lat fields. The entered text is always kept; the
 * point is what the text can be read as, in any range (a latitude of 113.93 is the review's
 * swapped_lat_lon, not an import error), and none when either value is empty or unreadable
 * (the review's coord_empty, which shows the entered text). Only a NUL byte, which no text
 * column can hold, refuses the row.
 */
function censusPointFromFields(fields: FieldMap, record: SourceRecord, row: Row, problems: FieldProblem[]): Point | null {
  const lonField = fields.byTarget.get('lon');
  const latField = fields.byTarget.get('lat');
  const lonRaw = lonField === undefined ? undefined : record.fields[lonField];
  const latRaw = latField === undefined ? undefined : record.fields[latField];
  const lonText = scalarText(lonRaw);
  const latText = scalarText(latRaw);
  for (const [field, text] of [[lonField, lonText], [latField, latText]] as const) {
    if (text?.includes('\u0000')) problems.push({ field: field ?? 'lon', reason: 'contains a NUL character' });
  }
  if (problems.length > 0) return null;
  row.entered_x = lonText == null ? null : typeof lonRaw === 'string' ? lonRaw : lonText;
  row.entered_y = latText == null ? null : typeof latRaw === 'string' ? latRaw : latText;
  if (lonText == null || latText == null) return null;
  const lon = readCoordinate(lonText);
  const lat = readCoordinate(latText);
  if (lon === null || lat === null) return null;
  return { type: 'Point', coordinates: [lon, lat] };
}

/** Decimal or 度分秒 text as a number, in any range and ignoring which axis a hemisphere names; null when unreadable. */
function readCoordinate(text: string): number | null {
  const decimal = parseDecimal(text);
  if (decimal !== null) return decimal;
  const dms = parseDms(text);
  return dms === null || 'error' in dms ? null : dms.value;
}

/** A point from lon/lat fields; both empty is no point, garbage in either is an error. */
function pointFromFields(fields: FieldMap, record: SourceRecord, row: Row, problems: FieldProblem[], degrees: boolean): Point | null {
  const lonField = fields.byTarget.get('lon');
  const latField = fields.byTarget.get('lat');
  const lonRaw = lonField === undefined ? undefined : record.fields[lonField];
  const latRaw = latField === undefined ? undefined : record.fields[latField];
  const lonText = scalarText(lonRaw);
  const latText = scalarText(latRaw);
  if (lonText === null && latText === null) return null;
  const before = problems.length;
  if (lonText === null || latText === null) {
    const missing = lonText === null ? lonField ?? 'lon' : latField ?? 'lat';
    problems.push({ field: missing, reason: 'is empty while the other coordinate is given' });
    return null;
  }
  const lon = parseCoordinate(lonText ?? '', 'lon', lonField ?? 'lon', problems);
  const lat = parseCoordinate(latText ?? '', 'lat', latField ?? 'lat', problems);
  if (problems.length > before || lon === null || lat === null) return null;
  const problem = degrees ? coordinateProblem(lon, lat) : null;
  if (problem) {
    problems.push({ field: `${lonField}/${latField}`, reason: problem });
    return null;
  }
  // Kept exactly as entered so a review can always go back to the form.
  row.entered_x = typeof lonRaw === 'string' ? lonRaw : lonText ?? null;
  row.entered_y = typeof latRaw === 'string' ? latRaw : latText ?? null;
  return { type: 'Point', coordinates: [lon, lat] };
}

function parseCoordinate(text: string, axis: 'lon' | 'lat', field: string, problems: FieldProblem[]): number | null {
  const decimal = parseDecimal(text);
  if (decimal !== null) return decimal;
  const dms = parseDms(text);
  if (dms === null) {
    problems.push({ field, reason: `"${text}" is not a ${axis === 'lon' ? 'longitude' : 'latitude'} (decimal degrees or 度分秒)` });
    return null;
  }
  if ('error' in dms) {
    problems.push({ field, reason: dms.error });
    return null;
  }
  if (dms.axis && dms.axis !== axis) {
    problems.push({ field, reason: `"${text}" names a ${dms.axis === 'lon' ? 'longitude' : 'latitude'} hemisphere in the ${axis === 'lon' ? 'longitude' : 'latitude'} field` });
    return null;
  }
  return dms.value;
}

// gcoord is CommonJS whose typings declare an ES default export; at run time the default
// import is the exports object itself, under NodeNext typing it is `{ default }`.
type Gcoord = typeof gcoordModule.default;
const gcoord: Gcoord = (gcoordModule as unknown as { default?: Gcoord }).default ?? (gcoordModule as unknown as Gcoord);
const GCOORD_CRS = { gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** Sources entered in GCJ-02 or BD-09 are stored in WGS-84; CGCS2000 equals WGS-84 at this precision. */
function toWgs84(row: Row): void {
  const crs = (row.entered_crs ?? 'wgs84') as string;
  const point = row.geom as Point | null;
  if (!point || (crs !== 'gcj02' && crs !== 'bd09')) return;
  const [lon, lat] = gcoord.transform([point.coordinates[0]!, point.coordinates[1]!], GCOORD_CRS[crs], gcoord.WGS84);
  row.geom = { type: 'Point', coordinates: [lon, lat] };
}

function fieldColumn(layer: LayerSpec, name: string, what: string): ColumnSpec {
  const column = layer.columns.find((c) => c.name === name);
  if (!column || column.type === 'point' || column.type === 'polygon' || column.type === 'line' || name === 'entered_x' || name === 'entered_y') {
    throw new ImportFileError(`${what} ${name}: layer ${layer.kind} has no such field column`);
  }
  return column;
}

function isCoordinateField(fields: FieldMap, field: string): boolean {
  const lon = fields.byTarget.get('lon'), lat = fields.byTarget.get('lat');
  return field === lon || field === lat || field === `${lon}/${lat}`;
}
