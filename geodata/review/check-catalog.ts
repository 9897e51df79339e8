/**
 * The geolocation checks: a stable code, a severity and one sentence in Chinese and English
 * for each. Codes are part of the API (filters, exports, stored findings): never rename one.
 */
export type Severity = 'error' | 'warning' | 'info';

export type CheckCode =
  | 'coord_empty'
  | 'coord_zero'
  | 'coord_out_of_range'
  | 'outside_region'
  | 'swapped_lat_lon'
  | 'dms_slip'
  | 'gcj02_as_wgs84'
  | 'bd09_as_wgs84'
  | 'outside_declared_zone'
  | 'outside_declared_division'
  | 'in_no_zone'
  | 'declared_area_unknown'
  | 'stacked_point'
  | 'division_centroid'
  | 'low_precision'
  | 'source_far_from_outfall'
  | 'outfall_far_from_river'
  | 'datum_batch_pattern'
  | 'dms_batch_pattern'
  | ScreeningCode;

/** Attribute screening (疑似错误筛查 beyond coordinates): geodata/quality/screening.sql. */
export type ScreeningCode =
  | 'emission_peer_outlier'
  | 'intensity_peer_outlier'
  | 'missing_pollutant'
  | 'duplicate_credit_code'
  | 'duplicate_name_nearby'
  | 'credit_code_invalid'
  | 'org_code_names'
  | 'status_without_reason'
  | 'closed_with_emissions';

export interface CheckSpec {
  readonly code: CheckCode;
  /** A short name for lists and filters, in Chinese and English. */
  readonly nameZh: string;
  readonly nameEn: string;
  readonly severity: Severity;
  /** What the finding is about: one source, one outfall, or a whole batch / district. */
  readonly subject: 'source' | 'outfall' | 'group';
  /** Whether a finding carries a corrected point (review can apply it). */
  readonly suggests: boolean;
  readonly zh: string;
  readonly en: string;
}

/** The geolocation checks (geodata/review/check-sql.ts). */
export const COORDINATE_CHECKS: readonly CheckSpec[] = [
  { code: 'coord_empty', nameZh: '坐标为空', nameEn: 'Empty coordinates', severity: 'error', subject: 'source', suggests: false, zh: '坐标为空，无法定位。', en: 'The coordinates are empty, so the source cannot be placed.' },
  { code: 'coord_zero', nameZh: '坐标为零', nameEn: 'Zero coordinates', severity: 'error', subject: 'source', suggests: false, zh: '坐标为零值，是未填写的占位数。', en: 'A coordinate is zero, a placeholder for a missing value.' },
  { code: 'coord_out_of_range', nameZh: '坐标超出范围', nameEn: 'Coordinates out of range', severity: 'error', subject: 'source', suggests: false, zh: '经度或纬度超出有效范围（经度±180，纬度±90）。', en: 'The longitude or latitude is outside its valid range (±180, ±90).' },
  { code: 'outside_region', nameZh: '超出普查区域', nameEn: 'Outside the census region', severity: 'error', subject: 'source', suggests: false, zh: '点位在本次普查配置的区域范围之外。', en: 'The point lies outside the region this census is configured for.' },
  { code: 'swapped_lat_lon', nameZh: '经纬度填反', nameEn: 'Latitude and longitude swapped', severity: 'error', subject: 'source', suggests: true, zh: '经纬度填反：交换后点位落入所填普查小区。', en: 'Latitude and longitude are swapped: swapped back, the point lands in the declared zone.' },
  { code: 'dms_slip', nameZh: '度分秒误作小数', nameEn: 'Degrees-minutes-seconds read as decimals', severity: 'error', subject: 'source', suggests: true, zh: '度分秒被当作小数填写：按度分秒重读后落入所填普查小区。', en: 'Degrees-minutes-seconds were typed as decimals: re-read as such, the point lands in the declared zone.' },
  { code: 'gcj02_as_wgs84', nameZh: 'GCJ-02误作WGS-84', nameEn: 'GCJ-02 stored as WGS-84', severity: 'error', subject: 'source', suggests: true, zh: 'GCJ-02（火星坐标）被当作WGS-84录入：转换后落入所填普查小区。', en: 'A GCJ-02 coordinate was stored as WGS-84: converted, it lands in the declared zone.' },
  { code: 'bd09_as_wgs84', nameZh: 'BD-09误作WGS-84', nameEn: 'BD-09 stored as WGS-84', severity: 'error', subject: 'source', suggests: true, zh: 'BD-09（百度坐标）被当作WGS-84录入：转换后落入所填普查小区。', en: 'A BD-09 coordinate was stored as WGS-84: converted, it lands in the declared zone.' },
  { code: 'outside_declared_zone', nameZh: '不在所填普查小区', nameEn: 'Outside the declared census zone', severity: 'error', subject: 'source', suggests: false, zh: '点位不在所填普查小区内（附距离）。', en: 'The point is outside its declared census zone (distance given).' },
  { code: 'outside_declared_division', nameZh: '不在所填行政区划', nameEn: 'Outside the declared division', severity: 'error', subject: 'source', suggests: false, zh: '点位不在所填行政区划内（附距离）。', en: 'The point is outside its declared administrative division (distance given).' },
  { code: 'in_no_zone', nameZh: '不在任何普查小区', nameEn: 'In no census zone', severity: 'warning', subject: 'source', suggests: false, zh: '点位不在任何普查小区内（可能是缺少的新设区域）。', en: 'The point lies in no census zone at all (possibly an area missing from the boundaries).' },
  { code: 'declared_area_unknown', nameZh: '所填区域不存在', nameEn: 'Declared area unknown', severity: 'warning', subject: 'source', suggests: false, zh: '所填普查小区或行政区划代码在边界数据中不存在。', en: 'The declared zone or division code does not exist in the boundary data.' },
  { code: 'stacked_point', nameZh: '多源同点', nameEn: 'Stacked on one point', severity: 'warning', subject: 'source', suggests: false, zh: '多个不相关的污染源堆叠在同一坐标点上。', en: 'Several unrelated sources are stacked on exactly one point.' },
  { code: 'division_centroid', nameZh: '位于区划中心点', nameEn: 'On a division centroid', severity: 'warning', subject: 'source', suggests: false, zh: '点位位于乡镇或区县的中心点，疑为占位坐标。', en: 'The point sits on the centroid of its township or district, likely a placeholder.' },
  { code: 'low_precision', nameZh: '坐标精度过低', nameEn: 'Coordinates too coarse', severity: 'info', subject: 'source', suggests: false, zh: '坐标精度过低（小数不超过两位，约一公里）。', en: 'The coordinates are too coarse (two decimals or fewer, about a kilometre).' },
  { code: 'source_far_from_outfall', nameZh: '距排污口过远', nameEn: 'Far from its outfall', severity: 'warning', subject: 'source', suggests: false, zh: '污染源距其排入的排污口过远。', en: 'The source is far from the outfall it drains to.' },
  { code: 'outfall_far_from_river', nameZh: '排污口距河流过远', nameEn: 'Outfall far from any river', severity: 'warning', subject: 'outfall', suggests: false, zh: '排污口距最近河流过远。', en: 'The outfall is far from any river.' },
  { code: 'datum_batch_pattern', nameZh: '整批坐标系偏移', nameEn: 'Batch with a datum offset', severity: 'error', subject: 'group', suggests: false, zh: '同一批次或区县中大量点位呈GCJ-02/BD-09偏移，疑为整批坐标系错误。', en: 'Many points of one batch or district show a GCJ-02/BD-09 offset: the whole batch likely has the wrong datum.' },
  { code: 'dms_batch_pattern', nameZh: '整批度分秒误读', nameEn: 'Batch read as decimals from DMS', severity: 'error', subject: 'group', suggests: false, zh: '整批坐标小数部分均不超过.59，疑为度分秒被当作小数录入。', en: 'No decimal part in the batch exceeds .59: degree-minute values were likely read as decimals.' },
];

/** The attribute screening checks, run after the coordinate checks in a full run. */
export const SCREENING_CHECKS: readonly (CheckSpec & { readonly code: ScreeningCode })[] = [
  { code: 'emission_peer_outlier', nameZh: '排放量偏离同行', nameEn: 'Emission far from its peers', severity: 'warning', subject: 'source', suggests: false, zh: '排放量与本省同行业（4位，不足时2位）企业相比异常偏高或偏低（稳健Z值，附同行中位数与倍数）。', en: 'An emission is far above or below its industry peers in the province (4-digit industry, else 2-digit; robust z-score, with the peer median and the ratio).' },
  { code: 'intensity_peer_outlier', nameZh: '排放强度偏离同行', nameEn: 'Emission intensity far from its peers', severity: 'warning', subject: 'source', suggests: false, zh: '排放强度（排放量/工业总产值）与本省同行业企业相比异常（稳健Z值）。', en: 'The emission intensity (emission per output value) is far from its industry peers in the province (robust z-score).' },
  { code: 'missing_pollutant', nameZh: '应报污染物未报', nameEn: 'Required pollutant not reported', severity: 'warning', subject: 'source', suggests: false, zh: '该行业应填报的污染物（如VOCs、化学需氧量）未填报。', en: 'A pollutant this industry must report (such as VOCs or COD) is not reported.' },
  { code: 'duplicate_credit_code', nameZh: '信用代码重复', nameEn: 'Credit code used twice', severity: 'error', subject: 'source', suggests: false, zh: '多个普查编号使用同一统一社会信用代码，疑为重复填报。', en: 'Several census ids share one credit code: likely the same unit registered twice.' },
  { code: 'duplicate_name_nearby', nameZh: '近处同名单位', nameEn: 'Same name nearby', severity: 'warning', subject: 'source', suggests: false, zh: '200米内有名称相同（规范化后）的另一普查对象，疑为重复。', en: 'Another census unit with the same name (normalised) lies within 200 m: a likely duplicate.' },
  { code: 'credit_code_invalid', nameZh: '信用代码校验位错误', nameEn: 'Wrong credit-code check character', severity: 'error', subject: 'source', suggests: false, zh: '统一社会信用代码校验位错误（GB 32100-2015）。', en: 'The credit code\'s check character is wrong (GB 32100-2015).' },
  { code: 'org_code_names', nameZh: '机构代码多名称', nameEn: 'One organisation code, several names', severity: 'warning', subject: 'source', suggests: false, zh: '同一组织机构代码对应不同的单位名称。', en: 'One organisation code appears under different unit names.' },
  { code: 'status_without_reason', nameZh: '状态缺少原因', nameEn: 'Status without a reason', severity: 'warning', subject: 'source', suggests: false, zh: '状态为关闭、停产或其他，但未填写原因。', en: 'The status is closed, stopped or other, but no reason is given.' },
  { code: 'closed_with_emissions', nameZh: '关闭仍有排放', nameEn: 'Closed but emitting', severity: 'error', subject: 'source', suggests: false, zh: '已关闭的普查对象仍填报了排放量。', en: 'A closed unit still reports emissions.' },
];

export const CHECKS: readonly CheckSpec[] = [...COORDINATE_CHECKS, ...SCREENING_CHECKS];

export const CHECK_BY_CODE: ReadonlyMap<CheckCode, CheckSpec> = new Map(CHECKS.map((c) => [c.code, c]));

export const CHECK_CODES = CHECKS.map((c) => c.code) as readonly CheckCode[];

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export { REVIEW_STATUSES, type ReviewStatus } from '../model/vocabulary.ts';
