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
  | 'dms_batch_pattern';

export interface CheckSpec {
  readonly code: CheckCode;
  readonly severity: Severity;
  /** What the finding is about: one source, one outfall, or a whole batch / district. */
  readonly subject: 'source' | 'outfall' | 'group';
  /** Whether a finding carries a corrected point (review can apply it). */
  readonly suggests: boolean;
  readonly zh: string;
  readonly en: string;
}

export const CHECKS: readonly CheckSpec[] = [
  { code: 'coord_empty', severity: 'error', subject: 'source', suggests: false, zh: '坐标为空，无法定位。', en: 'The coordinates are empty, so the source cannot be placed.' },
  { code: 'coord_zero', severity: 'error', subject: 'source', suggests: false, zh: '坐标为零值，是未填写的占位数。', en: 'A coordinate is zero, a placeholder for a missing value.' },
  { code: 'coord_out_of_range', severity: 'error', subject: 'source', suggests: false, zh: '经度或纬度超出有效范围（经度±180，纬度±90）。', en: 'The longitude or latitude is outside its valid range (±180, ±90).' },
  { code: 'outside_region', severity: 'error', subject: 'source', suggests: false, zh: '点位在本次普查配置的区域范围之外。', en: 'The point lies outside the region this census is configured for.' },
  { code: 'swapped_lat_lon', severity: 'error', subject: 'source', suggests: true, zh: '经纬度填反：交换后点位落入所填普查小区。', en: 'Latitude and longitude are swapped: swapped back, the point lands in the declared zone.' },
  { code: 'dms_slip', severity: 'error', subject: 'source', suggests: true, zh: '度分秒被当作小数填写：按度分秒重读后落入所填普查小区。', en: 'Degrees-minutes-seconds were typed as decimals: re-read as such, the point lands in the declared zone.' },
  { code: 'gcj02_as_wgs84', severity: 'error', subject: 'source', suggests: true, zh: 'GCJ-02（火星坐标）被当作WGS-84录入：转换后落入所填普查小区。', en: 'A GCJ-02 coordinate was stored as WGS-84: converted, it lands in the declared zone.' },
  { code: 'bd09_as_wgs84', severity: 'error', subject: 'source', suggests: true, zh: 'BD-09（百度坐标）被当作WGS-84录入：转换后落入所填普查小区。', en: 'A BD-09 coordinate was stored as WGS-84: converted, it lands in the declared zone.' },
  { code: 'outside_declared_zone', severity: 'error', subject: 'source', suggests: false, zh: '点位不在所填普查小区内（附距离）。', en: 'The point is outside its declared census zone (distance given).' },
  { code: 'outside_declared_division', severity: 'error', subject: 'source', suggests: false, zh: '点位不在所填行政区划内（附距离）。', en: 'The point is outside its declared administrative division (distance given).' },
  { code: 'in_no_zone', severity: 'warning', subject: 'source', suggests: false, zh: '点位不在任何普查小区内（可能是缺少的新设区域）。', en: 'The point lies in no census zone at all (possibly an area missing from the boundaries).' },
  { code: 'declared_area_unknown', severity: 'warning', subject: 'source', suggests: false, zh: '所填普查小区或行政区划代码在边界数据中不存在。', en: 'The declared zone or division code does not exist in the boundary data.' },
  { code: 'stacked_point', severity: 'warning', subject: 'source', suggests: false, zh: '多个不相关的污染源堆叠在同一坐标点上。', en: 'Several unrelated sources are stacked on exactly one point.' },
  { code: 'division_centroid', severity: 'warning', subject: 'source', suggests: false, zh: '点位位于乡镇或区县的中心点，疑为占位坐标。', en: 'The point sits on the centroid of its township or district, likely a placeholder.' },
  { code: 'low_precision', severity: 'info', subject: 'source', suggests: false, zh: '坐标精度过低（小数不超过两位，约一公里）。', en: 'The coordinates are too coarse (two decimals or fewer, about a kilometre).' },
  { code: 'source_far_from_outfall', severity: 'warning', subject: 'source', suggests: false, zh: '污染源距其排入的排污口过远。', en: 'The source is far from the outfall it drains to.' },
  { code: 'outfall_far_from_river', severity: 'warning', subject: 'outfall', suggests: false, zh: '排污口距最近河流过远。', en: 'The outfall is far from any river.' },
  { code: 'datum_batch_pattern', severity: 'error', subject: 'group', suggests: false, zh: '同一批次或区县中大量点位呈GCJ-02/BD-09偏移，疑为整批坐标系错误。', en: 'Many points of one batch or district show a GCJ-02/BD-09 offset: the whole batch likely has the wrong datum.' },
  { code: 'dms_batch_pattern', severity: 'error', subject: 'group', suggests: false, zh: '整批坐标小数部分均不超过.59，疑为度分秒被当作小数录入。', en: 'No decimal part in the batch exceeds .59: degree-minute values were likely read as decimals.' },
];

export const CHECK_BY_CODE: ReadonlyMap<CheckCode, CheckSpec> = new Map(CHECKS.map((c) => [c.code, c]));

export const CHECK_CODES = CHECKS.map((c) => c.code) as readonly CheckCode[];

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type ReviewStatus = 'open' | 'accepted' | 'fixed' | 'field_check';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['open', 'accepted', 'fixed', 'field_check'];
