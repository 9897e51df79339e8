import type { Geometry } from 'geojson';
import { DIVISION_LEVEL_SPECS, inputWords, POLLUTANT_SPECS, SECTION_READING_POLLUTANTS, SOURCE_STATUS_SPECS, SOURCE_TYPE_SPECS } from './vocabulary.ts';

/**
 * One definition per stored layer: its table, its columns, how a value is coerced and which
 * header names (the census exports use Chinese ones) map to it. Importers, the demo loader and
 * the bulk writer all read these, so a column is described once.
 */
export type ColumnType = 'text' | 'integer' | 'number' | 'month' | 'point' | 'polygon' | 'line';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly required?: boolean;
  /** Other header names accepted for this column (matched case-insensitively, trimmed). */
  readonly aliases?: readonly string[];
  /** Accepted values; keys of `values` map input words (中文 or English) to the stored word. */
  readonly values?: Readonly<Record<string, string>>;
  readonly pattern?: RegExp;
  readonly patternHint?: string;
  readonly min?: number;
  readonly max?: number;
  /** The column's SQL type where it differs from the one `type` implies. */
  readonly sqlType?: 'smallint';
}

export type LayerKind =
  | 'division'
  | 'census_zone'
  | 'basin'
  | 'river_reach'
  | 'outfall'
  | 'source'
  | 'section'
  | 'section_reading'
  | 'air_station'
  | 'air_reading';

export interface LayerSpec {
  readonly kind: LayerKind;
  readonly table: string;
  /** Natural key, used in messages and to detect duplicates within a file. */
  readonly key: string;
  readonly columns: readonly ColumnSpec[];
  /** The geometry column, if the layer has one. */
  readonly geometry?: string;
  /** Whether the layer can come from CSV (points as lon/lat columns, or no geometry). */
  readonly csv: boolean;
  /**
   * Readings belong to a stored station: `column` holds the code of a `layer` row. An import
   * refuses codes that are not stored (issue #15: a reading of nothing is reported, not kept),
   * or, asked to, joins a reading to the station at its position (lon/lat fields).
   */
  readonly references?: { readonly column: string; readonly layer: LayerKind; readonly noun: string };
}

export type Value = string | number | null | Geometry;
export type Row = Record<string, Value>;

const emission = (name: string, zh: readonly string[]): ColumnSpec => ({ name, type: 'number', min: 0, aliases: zh });

/** Input words for a source type (工业源, 工业, industrial…) → its code. */
export const SOURCE_TYPES: Readonly<Record<string, string>> = inputWords(SOURCE_TYPE_SPECS);

export const CRS_NAMES: Readonly<Record<string, string>> = {
  wgs84: 'wgs84', 'wgs-84': 'wgs84', 'epsg:4326': 'wgs84',
  cgcs2000: 'cgcs2000', 'epsg:4490': 'cgcs2000', 国家2000: 'cgcs2000',
  gcj02: 'gcj02', 'gcj-02': 'gcj02', 火星坐标: 'gcj02',
  bd09: 'bd09', 'bd-09': 'bd09', 百度坐标: 'bd09',
};

const DIVISION_LEVELS = inputWords(DIVISION_LEVEL_SPECS);

const SECTION_LEVELS = { national: 'national', 国控: 'national', 国考: 'national', provincial: 'provincial', 省控: 'provincial', 省考: 'provincial' };

/** Water-quality classes: I..V and 劣V (6). */
export const WATER_CLASSES: Readonly<Record<string, string>> = {
  '1': '1', I: '1', Ⅰ: '1', '2': '2', II: '2', Ⅱ: '2', '3': '3', III: '3', Ⅲ: '3',
  '4': '4', IV: '4', Ⅳ: '4', '5': '5', V: '5', Ⅴ: '5', '6': '6', 劣V: '6', 劣Ⅴ: '6',
};

/** A section's target is one of I..V; 劣V is a reading, never a target. */
export const TARGET_CLASSES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(WATER_CLASSES).filter(([, v]) => v !== '6'),
);

export const LAYERS: Readonly<Record<LayerKind, LayerSpec>> = {
  division: {
    kind: 'division', table: 'division', key: 'code', geometry: 'geom', csv: false,
    columns: [
      { name: 'code', type: 'text', required: true, pattern: /^[0-9]{6}([0-9]{3})?$/, patternHint: '6 or 9 digits', aliases: ['行政区划代码', '区划代码', 'adcode', 'gb'] },
      { name: 'name', type: 'text', required: true, aliases: ['名称', '行政区划名称'] },
      { name: 'level', type: 'text', values: DIVISION_LEVELS, aliases: ['级别', '层级'] },
      { name: 'parent_code', type: 'text', pattern: /^[0-9]{6}([0-9]{3})?$/, patternHint: '6 or 9 digits', aliases: ['上级代码', 'parent'] },
      { name: 'geom', type: 'polygon', required: true },
    ],
  },
  census_zone: {
    kind: 'census_zone', table: 'census_zone', key: 'code', geometry: 'geom', csv: false,
    columns: [
      { name: 'code', type: 'text', required: true, aliases: ['普查小区代码', '小区代码', 'zone_code'] },
      { name: 'name', type: 'text', aliases: ['普查小区名称', '名称'] },
      { name: 'township_code', type: 'text', pattern: /^[0-9]{9}$/, patternHint: '9 digits', aliases: ['乡镇代码', '乡镇街道代码'] },
      { name: 'county_code', type: 'text', required: true, pattern: /^[0-9]{6}$/, patternHint: '6 digits', aliases: ['区县代码', '县级代码'] },
      { name: 'geom', type: 'polygon', required: true },
    ],
  },
  basin: {
    kind: 'basin', table: 'basin', key: 'code', geometry: 'geom', csv: false,
    columns: [
      { name: 'code', type: 'text', required: true, aliases: ['流域代码', '关键字', 'id'] },
      { name: 'name', type: 'text', required: true, aliases: ['流域名称', '名称'] },
      { name: 'level', type: 'integer', min: 1, max: 9, aliases: ['级别'] },
      { name: 'parent_code', type: 'text', aliases: ['上级流域代码'] },
      { name: 'geom', type: 'polygon', required: true },
    ],
  },
  river_reach: {
    kind: 'river_reach', table: 'river_reach', key: 'id', geometry: 'geom', csv: false,
    columns: [
      { name: 'id', type: 'integer', required: true, min: 1, aliases: ['河段编号', 'reach_id', 'fid'] },
      { name: 'name', type: 'text', aliases: ['河流名称', '名称'] },
      { name: 'stream_order', type: 'integer', min: 1, max: 12, aliases: ['河流等级', '级别', 'order'] },
      { name: 'downstream_id', type: 'integer', min: 1, aliases: ['下游河段编号'] },
      { name: 'basin_code', type: 'text', aliases: ['流域代码'] },
      { name: 'from_node', type: 'text', aliases: ['起点', 'fnode', 'fnode_'] },
      { name: 'to_node', type: 'text', aliases: ['终点', 'tnode', 'tnode_'] },
      { name: 'geom', type: 'line', required: true },
    ],
  },
  outfall: {
    kind: 'outfall', table: 'outfall', key: 'code', geometry: 'geom', csv: true,
    columns: [
      { name: 'code', type: 'text', required: true, aliases: ['排污口编码', '排污口代码', '编码'] },
      { name: 'name', type: 'text', aliases: ['排污口名称', '名称'] },
      { name: 'receiving_water', type: 'text', aliases: ['受纳水体', '受纳水体名称'] },
      { name: 'reach_id', type: 'integer', min: 1, aliases: ['河段编号'] },
      { name: 'geom', type: 'point', required: true },
    ],
  },
  source: {
    kind: 'source', table: 'source', key: 'census_id', geometry: 'geom', csv: true,
    columns: [
      { name: 'census_id', type: 'text', required: true, aliases: ['普查编号', '普查对象编码', '源编号'] },
      { name: 'name', type: 'text', required: true, aliases: ['单位名称', '名称', '普查对象名称'] },
      // Checked by the import after normalising (geodata/import/credit-code-review.ts): a wrong
      // check character is stored and listed by the review (credit_code_invalid), not refused.
      { name: 'credit_code', type: 'text', aliases: ['统一社会信用代码', '信用代码', '社会信用代码'] },
      { name: 'source_type', type: 'text', required: true, values: SOURCE_TYPES, aliases: ['污染源类型', '源类型', '类型'] },
      { name: 'industry_code', type: 'text', pattern: /^[0-9]{4}$/, patternHint: '4-digit GB/T 4754 code', aliases: ['行业代码', '行业类别代码'] },
      { name: 'zone_code', type: 'text', aliases: ['普查小区代码', '小区代码'] },
      { name: 'division_code', type: 'text', pattern: /^[0-9]{6}([0-9]{3})?$/, patternHint: '6 or 9 digits', aliases: ['行政区划代码', '区划代码'] },
      { name: 'geom', type: 'point' },
      // The coordinate exactly as typed; the importer fills these from the lon/lat fields.
      { name: 'entered_x', type: 'text' },
      { name: 'entered_y', type: 'text' },
      { name: 'entered_crs', type: 'text', values: CRS_NAMES, aliases: ['坐标系'] },
      { name: 'outfall_code', type: 'text', aliases: ['排污口编码'] },
      { name: 'facility_census_id', type: 'text', aliases: ['集中式治理设施编号'] },
      ...POLLUTANT_SPECS.map((p) => emission(p.code, p.aliases)),
      { name: 'status', type: 'text', values: inputWords(SOURCE_STATUS_SPECS, false), aliases: ['状态', '运行状态'] },
      { name: 'status_reason', type: 'text', aliases: ['状态原因', '停产原因', '关闭原因'] },
      // 工业总产值 (万元): the denominator of emission intensity in the screening.
      { name: 'output_value', type: 'number', min: 0, aliases: ['工业总产值', '产值'] },
      { name: 'address', type: 'text', aliases: ['详细地址', '单位地址', '地址'] },
    ],
  },
  section: {
    kind: 'section', table: 'section', key: 'code', geometry: 'geom', csv: true,
    columns: [
      { name: 'code', type: 'text', required: true, aliases: ['断面编码', '断面代码', '编码'] },
      { name: 'name', type: 'text', required: true, aliases: ['断面名称', '名称'] },
      { name: 'level', type: 'text', required: true, values: SECTION_LEVELS, aliases: ['断面级别', '级别'] },
      { name: 'target_class', type: 'text', sqlType: 'smallint', required: true, values: TARGET_CLASSES, aliases: ['目标水质', '水质目标'] },
      { name: 'river_name', type: 'text', aliases: ['所在河流', '河流名称'] },
      { name: 'reach_id', type: 'integer', min: 1, aliases: ['河段编号'] },
      { name: 'geom', type: 'point', required: true },
    ],
  },
  section_reading: {
    kind: 'section_reading', table: 'section_reading', key: 'section_code', csv: true,
    references: { column: 'section_code', layer: 'section', noun: 'section' },
    columns: [
      { name: 'section_code', type: 'text', required: true, aliases: ['断面编码', '断面代码'] },
      { name: 'month', type: 'month', required: true, aliases: ['月份', '监测月份'] },
      { name: 'water_class', type: 'text', sqlType: 'smallint', values: WATER_CLASSES, aliases: ['水质类别'] },
      // Concentrations (mg/L) under the emission columns' names.
      ...SECTION_READING_POLLUTANTS.map((p): ColumnSpec => ({ name: p, type: 'number', min: 0, aliases: POLLUTANT_SPECS.find((s) => s.code === p)!.aliases })),
      { name: 'do_mgl', type: 'number', min: 0, aliases: ['溶解氧', 'DO'] },
    ],
  },
  air_station: {
    kind: 'air_station', table: 'air_station', key: 'code', geometry: 'geom', csv: true,
    columns: [
      { name: 'code', type: 'text', required: true, aliases: ['站点编码', '监测点编码'] },
      { name: 'name', type: 'text', required: true, aliases: ['站点名称', '监测点名称', '名称'] },
      { name: 'city', type: 'text', aliases: ['城市', '所在城市'] },
      { name: 'geom', type: 'point', required: true },
    ],
  },
  air_reading: {
    kind: 'air_reading', table: 'air_reading', key: 'station_code', csv: true,
    references: { column: 'station_code', layer: 'air_station', noun: 'air station' },
    columns: [
      { name: 'station_code', type: 'text', required: true, aliases: ['站点编码', '监测点编码'] },
      { name: 'month', type: 'month', required: true, aliases: ['月份'] },
      { name: 'pm25', type: 'number', min: 0, aliases: ['PM2.5'] },
      { name: 'pm10', type: 'number', min: 0, aliases: ['PM10'] },
      { name: 'o3', type: 'number', min: 0, aliases: ['O3', '臭氧'] },
      { name: 'no2', type: 'number', min: 0, aliases: ['NO2', '二氧化氮'] },
      { name: 'so2', type: 'number', min: 0, aliases: ['SO2', '二氧化硫'] },
      { name: 'aqi', type: 'number', min: 0, aliases: ['AQI'] },
    ],
  },
};

export function isLayerKind(kind: string): kind is LayerKind {
  return Object.hasOwn(LAYERS, kind);
}
