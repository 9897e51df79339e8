/**
 * The import page's words, zh first and en. Layer names come from the vocabulary
 * (MAP_LAYER_SPECS), so only the readings, which have no map layer, are named here.
 */
import { mapLayerOf, MAP_LAYER_SPECS } from '../../../geodata/model/vocabulary.ts';
import { lang, phrasebook } from '../i18n.ts';

const WORDS = {
  'im.title': ['数据导入', 'Import data'],
  'im.files': ['文件（CSV、XLSX、GeoJSON、Shapefile 全套或 ZIP）', 'File (CSV, XLSX, GeoJSON, a shapefile set or ZIP)'],
  'im.inspect': ['读取文件', 'Read the file'],
  'im.reading': ['正在读取文件头…', 'Reading the file head…'],
  'im.format': ['格式', 'Format'],
  'im.encoding': ['编码', 'Encoding'],
  'im.sheet': ['工作表', 'Sheet'],
  'im.crs': ['坐标系', 'Coordinate system'],
  'im.crsAssumed': ['（未声明，按经纬度读取）', '(not declared, read as longitude/latitude)'],
  'im.kind': ['导入为', 'Import as'],
  'im.missing': ['缺少：{fields}', 'missing: {fields}'],
  'im.field': ['文件字段', 'File field'],
  'im.sample': ['示例值', 'Sample value'],
  'im.target': ['导入到', 'Imports into'],
  'im.drop': ['（不导入）', '(not imported)'],
  'im.lon': ['经度', 'Longitude'],
  'im.lat': ['纬度', 'Latitude'],
  'im.repair': ['修复无效多边形', 'Repair invalid polygons'],
  'im.srid': ['EPSG 代码（文件未声明时）', 'EPSG code (when the file declares none)'],
  'im.encodingDetected': ['按识别结果读取', 'read as detected'],
  'im.onExisting': ['编码已入库的记录：', 'Rows whose key is already stored:'],
  'im.onExisting.refuse': ['报错，整个文件不导入', 'refuse the file'],
  'im.onExisting.skip': ['跳过，保留已入库的', 'skip them, keep the stored rows'],
  'im.onExisting.replace': ['用文件中的替换', "replace them with the file's"],
  'im.keepValid': ['只导入无错误的行，其余列入错误清单', 'store the valid rows, list the others'],
  'im.skipped': ['跳过已入库：{n} 行', 'Skipped, already stored: {n} rows'],
  'im.replaced': ['替换已入库：{n} 行', 'Replaced stored rows: {n}'],
  'im.partly': ['已入库 {stored} 行；{n} 行有错误未入库，见下表。', '{stored} rows stored; {n} rows with errors were left out, as listed.'],
  'im.start': ['开始导入', 'Start the import'],
  'im.progress': ['已读 {read} 行，已检查 {stored} 行，{rate} 行/秒', '{read} rows read, {stored} checked, {rate} rows/s'],
  'im.moving': ['文件已读完，写入图层：{moved} / {stored} 行', 'file read; into the layer: {moved} of {stored} rows'],
  'im.done': ['导入完成：入库 {stored} 行，用时 {seconds} 秒', 'Imported: {stored} rows stored in {seconds} s'],
  'im.rejected': ['未入库：{n} 行有错误，整个文件未写入。请按下表修改后重新导入。', 'Not stored: {n} rows have errors, so nothing of the file was written. Fix them as listed and import again.'],
  'im.failed': ['文件未能导入：{error}', 'The file could not be imported: {error}'],
  'im.errors': ['错误清单', 'Errors'],
  'im.line': ['位置', 'Where'],
  'im.reason': ['原因', 'Reason'],
  'im.errorsCsv': ['下载错误行（CSV）', 'Download the rejected rows (CSV)'],
  'im.repaired': ['已修复的几何：{n} 个', 'Geometries repaired: {n}'],
  'im.review': ['坐标待审核：{n} 行（见审核页）', 'Coordinates to review: {n} rows (see the review page)'],
  'im.units': ['单位换算：{list}', 'Units converted: {list}'],
  'im.adminOnly': ['只有管理员可以导入数据，请以管理员身份登录。', 'Only administrators import data: sign in as one.'],
  'kind.section_reading': ['断面监测数据', 'Section readings'],
  'kind.air_reading': ['空气站监测数据', 'Air station readings'],
} as const satisfies Record<string, readonly [zh: string, en: string]>;

export type ImportKey = keyof typeof WORDS;

export const ti = phrasebook<ImportKey>(WORDS);

/** A layer kind's name: the map layer's (vocabulary), or the readings' own. */
export function kindLabel(kind: string): string {
  const zh = lang() === 'zh';
  if (kind === 'section_reading' || kind === 'air_reading') return ti(`kind.${kind}`);
  const spec = MAP_LAYER_SPECS.find((l) => l.record === kind) ? mapLayerOf(kind as Parameters<typeof mapLayerOf>[0]) : null;
  return spec ? (zh ? spec.zh : spec.en) : kind;
}
