import type { LayerSpec } from '../model/layers.ts';
import { POLLUTANT_SPECS } from '../model/vocabulary.ts';
import { headerUnit, MASS_UNITS, splitHeader } from './header-unit.ts';
import { ImportFileError, type UnitConversion } from './types.ts';

/** Which input field feeds each target (a column, or `lon` / `lat` of a point layer). */
export interface FieldMap {
  readonly byTarget: ReadonlyMap<string, string>;
  /** Input fields that feed nothing. */
  readonly ignored: readonly string[];
  /** Emission columns whose header gives a unit other than the stored t/a: target → conversion. */
  readonly units?: ReadonlyMap<string, UnitConversion>;
}

/** Words a header puts after a pollutant's name: `COD排放量`, `化学需氧量年排放量` (not 产生量, which is another amount). */
const EMISSION_SUFFIXES = ['年排放总量', '年排放量', '排放总量', '排放量'];

const COORDINATE_ALIASES: Readonly<Record<'lon' | 'lat', readonly string[]>> = {
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度', 'x坐标', '经度坐标'],
  lat: ['lat', 'latitude', 'y', '纬度', 'y坐标', '纬度坐标'],
};

/** Columns the importer fills itself, never from a same-named field. */
const FILLED_BY_IMPORTER = new Set(['entered_x', 'entered_y']);

/** The names a caller may map fields to, in the order fields are matched. */
export function mappingTargets(layer: LayerSpec): string[] {
  const targets: string[] = [];
  for (const column of layer.columns) {
    if (FILLED_BY_IMPORTER.has(column.name)) continue;
    if (column.type === 'point') targets.push('lon', 'lat');
    else if (column.type !== 'polygon' && column.type !== 'line') targets.push(column.name);
  }
  // A reading's position, read only to join it to a station by position (matchStationsWithinM).
  if (layer.references) targets.push('lon', 'lat');
  return targets;
}

/** The targets a row cannot do without: required columns, and lon/lat when the point is required. */
export function requiredTargets(layer: LayerSpec): string[] {
  return mappingTargets(layer).filter((target) => {
    const column = layer.columns.find((c) => c.name === target);
    return column ? column.required === true : layer.columns.some((c) => c.type === 'point' && c.required);
  });
}

/** Throws when a mapping names a target the layer does not have. */
export function checkMapping(layer: LayerSpec, mapping: Readonly<Record<string, string>> | undefined): void {
  const targets = new Set(mappingTargets(layer));
  for (const [field, target] of Object.entries(mapping ?? {})) {
    // "" drops the field: it feeds nothing, though its name would match a column.
    if (target !== '' && !targets.has(target)) {
      throw new ImportFileError(
        `mapping "${field}" → "${target}": layer ${layer.kind} has no column "${target}" (columns: ${[...targets].join(', ')})`,
      );
    }
  }
}

/**
 * Matches input fields to targets: an explicit mapping first, then a field named like the
 * column, then the column's aliases; names compare case-insensitively after trimming. A field
 * feeds at most one target, and an explicitly mapped field feeds only its mapped target; one
 * mapped to "" feeds nothing (dropped: DataV's `parent` object, a column meant for another layer).
 */
export function mapFields(
  layer: LayerSpec,
  inputFields: readonly string[],
  mapping: Readonly<Record<string, string>> = {},
): FieldMap {
  const byTarget = new Map<string, string>();
  const used = new Set<string>();
  const norm = (s: string) => s.trim().toLowerCase();
  const byName = new Map<string, string>();
  for (const field of inputFields) if (!byName.has(norm(field))) byName.set(norm(field), field);

  const explicit = new Map<string, string>();
  for (const [from, target] of Object.entries(mapping)) explicit.set(norm(from), target);
  const units = new Map<string, UnitConversion>();
  const withUnits = unitTargets(layer);
  const noteUnit = (target: string, field: string) => {
    const split = splitHeader(field);
    if (!split || !withUnits.has(target)) return;
    const unit = headerUnit(field);
    if (!unit) {
      throw new ImportFileError(`column "${field}" feeds ${target}, stored in t/a, but its unit "${split.unit}" is not one that converts to tonnes `
        + `(${MASS_UNITS.join(', ')}): rename the header with one of those units, or convert the values to 吨 and drop the unit`);
    }
    if (unit.factor !== 1) units.set(target, { field, column: target, unit: unit.unit, factor: unit.factor });
  };
  for (const field of inputFields) {
    const target = explicit.get(norm(field));
    if (target !== undefined && target !== '' && !byTarget.has(target)) {
      byTarget.set(target, field);
      used.add(field);
      noteUnit(target, field);
    }
    if (target !== undefined) used.add(field);
  }
  for (const target of mappingTargets(layer)) {
    if (byTarget.has(target)) continue;
    for (const candidate of namesOf(layer, target)) {
      const field = byName.get(norm(candidate));
      if (field !== undefined && !used.has(field)) {
        byTarget.set(target, field);
        used.add(field);
        break;
      }
    }
  }
  // Emissions under headers as people write them: `化学需氧量(吨)`, `COD排放量（千克）`.
  for (const target of withUnits) {
    if (byTarget.has(target)) continue;
    const names = new Set(namesOf(layer, target).map(norm));
    const field = inputFields.find((f) => !used.has(f) && names.has(norm(emissionName(f))));
    if (field === undefined) continue;
    byTarget.set(target, field);
    used.add(field);
    noteUnit(target, field);
  }
  const dropped = (f: string) => explicit.get(norm(f)) === '';
  return { byTarget, ignored: inputFields.filter((f) => !used.has(f) || dropped(f)), ...(units.size > 0 && { units }) };
}

/** The emission columns of a source, stored in t/a (POLLUTANT_SPECS): the ones a header may give a unit for. */
function unitTargets(layer: LayerSpec): ReadonlySet<string> {
  return new Set(layer.kind === 'source' ? POLLUTANT_SPECS.filter((p) => p.unit === 't/a').map((p) => p.code) : []);
}

/** A header without its bracketed unit and an emission suffix: `COD排放量（千克）` → `COD`. */
function emissionName(header: string): string {
  const name = splitHeader(header)?.name ?? header.normalize('NFKC').trim();
  const suffix = EMISSION_SUFFIXES.find((s) => name.endsWith(s) && name.length > s.length);
  return suffix ? name.slice(0, -suffix.length).trim() : name;
}

function namesOf(layer: LayerSpec, target: string): readonly string[] {
  if (target === 'lon' || target === 'lat') return COORDINATE_ALIASES[target];
  const column = layer.columns.find((c) => c.name === target);
  return [target, ...(column?.aliases ?? [])];
}
