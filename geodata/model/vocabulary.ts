/**
 * The census vocabulary, declared once: pollutants, source types, statuses, review states,
 * division levels and the map's layers, each with its Chinese and English name. The importers,
 * the tile service, the analyses, the routes and the web app all read these lists; a second
 * literal copy anywhere in the tree fails `vocabulary.test.ts`.
 *
 * Pure data and types (no Node, no server code), so the web app imports it too. GB/T 4754-2017
 * names live beside it in `industry-classes.ts`, the review checks in `check-catalog.ts`.
 */

type Named<C extends string> = { readonly code: C; readonly zh: string; readonly en: string };

/** The first element's code and the rest, for z.enum and friends (a non-empty tuple). */
type Codes<C extends string> = readonly [C, ...C[]];
const codesOf = <C extends string>(list: readonly { readonly code: C }[]): Codes<C> => list.map((x) => x.code) as unknown as Codes<C>;

// ---------------------------------------------------------------------------------------------
// Pollutants (the census's eight emission columns, tonnes per year)

export interface PollutantSpec extends Named<Pollutant> {
  /** `en` is the short label the UI shows (COD, NH₃-N); this is the full English name. */
  readonly enName: string;
  readonly unit: 't/a';
  /** Discharged to water (the river network carries it) or emitted to air. */
  readonly medium: 'water' | 'air';
  /** Header names the census exports use for the column. */
  readonly aliases: readonly string[];
}

export type Pollutant = 'cod' | 'nh3n' | 'tn' | 'tp' | 'so2' | 'nox' | 'pm' | 'vocs';

export const POLLUTANT_SPECS: readonly PollutantSpec[] = [
  { code: 'cod', zh: '化学需氧量', en: 'COD', enName: 'Chemical oxygen demand', unit: 't/a', medium: 'water', aliases: ['化学需氧量', 'COD'] },
  { code: 'nh3n', zh: '氨氮', en: 'NH₃-N', enName: 'Ammonia nitrogen', unit: 't/a', medium: 'water', aliases: ['氨氮', 'NH3-N'] },
  { code: 'tn', zh: '总氮', en: 'TN', enName: 'Total nitrogen', unit: 't/a', medium: 'water', aliases: ['总氮', 'TN'] },
  { code: 'tp', zh: '总磷', en: 'TP', enName: 'Total phosphorus', unit: 't/a', medium: 'water', aliases: ['总磷', 'TP'] },
  { code: 'so2', zh: '二氧化硫', en: 'SO₂', enName: 'Sulphur dioxide', unit: 't/a', medium: 'air', aliases: ['二氧化硫', 'SO2'] },
  { code: 'nox', zh: '氮氧化物', en: 'NOx', enName: 'Nitrogen oxides', unit: 't/a', medium: 'air', aliases: ['氮氧化物', 'NOx'] },
  { code: 'pm', zh: '颗粒物', en: 'PM', enName: 'Particulate matter', unit: 't/a', medium: 'air', aliases: ['颗粒物', 'PM'] },
  { code: 'vocs', zh: '挥发性有机物', en: 'VOCs', enName: 'Volatile organic compounds', unit: 't/a', medium: 'air', aliases: ['挥发性有机物', 'VOCs'] },
];

/** The eight emission columns of a source, in the census order. */
export const POLLUTANTS: Codes<Pollutant> = codesOf(POLLUTANT_SPECS);

export type WaterPollutant = 'cod' | 'nh3n' | 'tn' | 'tp';
export type AirPollutant = 'so2' | 'nox' | 'pm' | 'vocs';
/** Pollutants carried by the river network (traces, section loads). */
export const WATER_POLLUTANTS = POLLUTANTS.filter((p) => specOf(p).medium === 'water') as unknown as Codes<WaterPollutant>;
/** Pollutants emitted to air (air-station contributors). */
export const AIR_POLLUTANTS = POLLUTANTS.filter((p) => specOf(p).medium === 'air') as unknown as Codes<AirPollutant>;
/** The water pollutants a section reading measures as a concentration (the load–concentration indicator). */
export const SECTION_READING_POLLUTANTS = ['cod', 'nh3n', 'tp'] as const satisfies readonly WaterPollutant[];
export type SectionReadingPollutant = (typeof SECTION_READING_POLLUTANTS)[number];

function specOf(p: Pollutant): PollutantSpec {
  return POLLUTANT_SPECS.find((s) => s.code === p)!;
}

// ---------------------------------------------------------------------------------------------
// Source types and statuses

export type SourceType = 'industrial' | 'agricultural' | 'domestic' | 'centralized' | 'mobile' | 'other';

export interface SourceTypeSpec extends Named<SourceType> {
  /** Words an import file may use for the type (the code and the names are always accepted). */
  readonly aliases: readonly string[];
}

export const SOURCE_TYPE_SPECS: readonly SourceTypeSpec[] = [
  { code: 'industrial', zh: '工业源', en: 'Industrial', aliases: ['工业'] },
  { code: 'agricultural', zh: '农业源', en: 'Agricultural', aliases: ['农业'] },
  { code: 'domestic', zh: '生活源', en: 'Domestic', aliases: ['生活'] },
  { code: 'centralized', zh: '集中式治理设施', en: 'Centralized treatment', aliases: ['集中式污染治理设施', '集中式'] },
  { code: 'mobile', zh: '移动源', en: 'Mobile', aliases: ['移动'] },
  { code: 'other', zh: '其他', en: 'Other', aliases: [] },
];

export const SOURCE_TYPES: Codes<SourceType> = codesOf(SOURCE_TYPE_SPECS);

export type SourceStatus = 'active' | 'stopped' | 'closed' | 'merged' | 'deleted' | 'other';

/** `zh` is what the UI shows; `aliases` what an import file may write (the codes always work). */
export const SOURCE_STATUS_SPECS: readonly (Named<SourceStatus> & { readonly aliases: readonly string[] })[] = [
  { code: 'active', zh: '在产/运行', en: 'Active', aliases: ['运行', '正常'] },
  { code: 'stopped', zh: '停产', en: 'Stopped', aliases: ['停产'] },
  { code: 'closed', zh: '关停', en: 'Closed', aliases: ['关停', '关闭'] },
  { code: 'merged', zh: '合并', en: 'Merged', aliases: [] },
  { code: 'deleted', zh: '已删除', en: 'Deleted', aliases: [] },
  { code: 'other', zh: '其他', en: 'Other', aliases: ['其他'] },
];

export const SOURCE_STATUSES: Codes<SourceStatus> = codesOf(SOURCE_STATUS_SPECS);

/** Input word (code, Chinese name or alias) → code, for importers: `{ 工业源: 'industrial', … }`. */
export function inputWords<C extends string>(specs: readonly (Named<C> & { readonly aliases: readonly string[] })[], withNames = true): Readonly<Record<string, C>> {
  const words: Record<string, C> = {};
  for (const s of specs) {
    words[s.code] = s.code;
    if (withNames) words[s.zh] = s.code;
    for (const a of s.aliases) words[a] = s.code;
  }
  return words;
}

// ---------------------------------------------------------------------------------------------
// Review

export type ReviewStatus = 'open' | 'accepted' | 'fixed' | 'field_check';

/** The state of one review finding. `open` and `field_check` still await a decision. */
export const REVIEW_STATUS_SPECS: readonly Named<ReviewStatus>[] = [
  { code: 'open', zh: '待审核', en: 'Open' },
  { code: 'accepted', zh: '已接受', en: 'Accepted' },
  { code: 'fixed', zh: '已修正', en: 'Fixed' },
  { code: 'field_check', zh: '现场核实', en: 'Field check' },
];

export const REVIEW_STATUSES: Codes<ReviewStatus> = codesOf(REVIEW_STATUS_SPECS);

/** Review flag of a source: `open` has a finding awaiting a decision (open or field check), `clean` has none. */
export type ReviewFlag = 'open' | 'clean';
export const REVIEW_FLAG_SPECS: readonly Named<ReviewFlag>[] = [
  { code: 'open', zh: '待审核', en: 'Awaiting review' },
  { code: 'clean', zh: '无待审问题', en: 'Nothing to review' },
];
export const REVIEW_FLAGS: Codes<ReviewFlag> = codesOf(REVIEW_FLAG_SPECS);

// ---------------------------------------------------------------------------------------------
// Divisions

export type DivisionLevel = 'province' | 'city' | 'county' | 'township';

export interface DivisionLevelSpec extends Named<DivisionLevel> {
  /** Digits of a division code at this level (440000, 440300, 440305, 440305001). */
  readonly digits: 6 | 9;
  readonly aliases: readonly string[];
}

export const DIVISION_LEVEL_SPECS: readonly DivisionLevelSpec[] = [
  { code: 'province', zh: '省', en: 'Province', digits: 6, aliases: [] },
  { code: 'city', zh: '市', en: 'City', digits: 6, aliases: ['地级市'] },
  { code: 'county', zh: '区县', en: 'County', digits: 6, aliases: ['县', '区'] },
  { code: 'township', zh: '乡镇', en: 'Township', digits: 9, aliases: ['街道'] },
];

export const DIVISION_LEVELS: Codes<DivisionLevel> = codesOf(DIVISION_LEVEL_SPECS);

// ---------------------------------------------------------------------------------------------
// Map layers: one id per layer in the tiles, the API, the UI and the URL

/** A stored record kind: the table and the feature-detail / import kind (`/api/explore/feature/river_reach/7`). */
export type RecordKind = 'source' | 'census_zone' | 'division' | 'basin' | 'river_reach' | 'outfall' | 'section' | 'air_station';

export interface RecordKindSpec extends Named<RecordKind> {
  /** Whether storing such records moves the river network or what sits on it (a refresh follows the import). */
  readonly onNetwork: boolean;
}

/** One feature's kind by name (a search hit, a popup's title): singular, where a map layer's name is plural. */
export const RECORD_KIND_SPECS: readonly RecordKindSpec[] = [
  { code: 'source', zh: '污染源', en: 'Source', onNetwork: true },
  { code: 'census_zone', zh: '普查小区', en: 'Census zone', onNetwork: false },
  { code: 'division', zh: '行政区划', en: 'Division', onNetwork: false },
  { code: 'outfall', zh: '入河排污口', en: 'Outfall', onNetwork: true },
  { code: 'river_reach', zh: '河段', en: 'River reach', onNetwork: true },
  { code: 'basin', zh: '流域', en: 'Basin', onNetwork: false },
  { code: 'section', zh: '水质断面', en: 'Water section', onNetwork: true },
  { code: 'air_station', zh: '空气站', en: 'Air station', onNetwork: false },
];

export const RECORD_KINDS: Codes<RecordKind> = codesOf(RECORD_KIND_SPECS);

export type MapLayerId = 'sources' | 'census_zones' | 'divisions' | 'outfalls' | 'river_reaches' | 'basins' | 'sections' | 'air_stations';

export interface MapLayerSpec extends Named<MapLayerId> {
  /** What one feature of the layer is. */
  readonly record: RecordKind;
  /** The vector-tile layers (URL names) that draw it: one per layer, one per level for divisions. */
  readonly tiles: readonly string[];
}

export const MAP_LAYER_SPECS: readonly MapLayerSpec[] = [
  { code: 'sources', zh: '污染源', en: 'Sources', record: 'source', tiles: ['sources'] },
  { code: 'census_zones', zh: '普查小区', en: 'Census zones', record: 'census_zone', tiles: ['census_zones'] },
  { code: 'divisions', zh: '行政区划', en: 'Divisions', record: 'division', tiles: DIVISION_LEVELS.map((l) => divisionTileLayer(l)) },
  { code: 'outfalls', zh: '入河排污口', en: 'Outfalls', record: 'outfall', tiles: ['outfalls'] },
  { code: 'river_reaches', zh: '河流', en: 'Rivers', record: 'river_reach', tiles: ['river_reaches'] },
  { code: 'basins', zh: '流域', en: 'Basins', record: 'basin', tiles: ['basins'] },
  { code: 'sections', zh: '水质断面', en: 'Water sections', record: 'section', tiles: ['sections'] },
  { code: 'air_stations', zh: '空气站', en: 'Air stations', record: 'air_station', tiles: ['air_stations'] },
];

export const MAP_LAYER_IDS: Codes<MapLayerId> = codesOf(MAP_LAYER_SPECS);

/** The tile layer of one division level: `divisions_county`. */
export function divisionTileLayer(level: DivisionLevel): string {
  return `divisions_${level}`;
}

/** The map layer a record kind is drawn in. */
export function mapLayerOf(record: RecordKind): MapLayerSpec {
  return MAP_LAYER_SPECS.find((l) => l.record === record)!;
}

/** Chinese or English name of a vocabulary code, e.g. `nameOf(SOURCE_TYPE_SPECS, 'mobile', 'zh')`. */
export function nameOf<C extends string>(specs: readonly Named<C>[], code: C, lang: 'zh' | 'en'): string {
  return specs.find((s) => s.code === code)?.[lang] ?? code;
}
