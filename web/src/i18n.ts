/** The two UI languages: 简体中文 (default) and English. Map labels stay the data's own names. */
export type Lang = 'zh' | 'en';

const ZH = {
  title: '一张图 · 污染源普查', search: '搜索名称、普查编号、信用代码、小区代码、断面', langSwitch: 'English',
  layers: '图层', filters: '筛选', legend: '图例', statistics: '统计（当前视图）', opacity: '透明度',
  'layer.sources': '污染源', 'layer.census_zones': '普查小区', 'layer.divisions': '行政区划', 'layer.outfalls': '入河排污口',
  'layer.rivers': '河流', 'layer.basins': '流域', 'layer.sections': '水质断面', 'layer.air_stations': '空气站',
  'layer.basemap': '在线底图',
  'type.industrial': '工业源', 'type.agricultural': '农业源', 'type.domestic': '生活源', 'type.centralized': '集中式治理设施',
  'type.mobile': '移动源', 'type.other': '其他',
  'pol.cod': '化学需氧量', 'pol.nh3n': '氨氮', 'pol.tn': '总氮', 'pol.tp': '总磷', 'pol.so2': '二氧化硫', 'pol.nox': '氮氧化物',
  'pol.pm': '颗粒物', 'pol.vocs': '挥发性有机物',
  sourceType: '污染源类型', industry: '行业代码（前缀）', division: '行政区划', basin: '流域', threshold: '排放量阈值',
  pollutant: '污染物', minimum: '不小于（吨）', sizeBy: '圆点大小按', none: '（无）', all: '全部', clearFilters: '清除筛选',
  count: '数量', sources: '个污染源', byType: '按类型', topIndustries: '行业（前10）', emissions: '排放量合计（吨）',
  byDivision: '按区县', tonnes: '吨', cell: '聚合网格', cellCount: '网格内污染源数', individual: '单个污染源',
  'class.ok': '达到目标', 'class.bad': '未达目标', 'class.none': '无监测数据',
  'aqi.1': '优 (0–50)', 'aqi.2': '良 (51–100)', 'aqi.3': '轻度污染 (101–150)', 'aqi.4': '中度污染 (151–200)',
  'aqi.5': '重度污染 (201–300)', 'aqi.6': '严重污染 (>300)', 'aqi.none': '无数据',
  streamOrder: '线宽 = 河流等级', tools: '工具', drawPolygon: '画多边形', drawCircle: '画圆', measure: '测距', clear: '清除',
  drawHint: '单击添加顶点，双击结束', circleHint: '单击圆心，再单击确定半径', measureHint: '单击添加点，双击结束',
  areaResult: '范围查询', exportCsv: '导出 CSV', exportGeojson: '导出 GeoJSON', exportView: '导出当前视图',
  listTruncated: '仅列出前 {n} 个', distance: '距离', radius: '半径', details: '详细信息',
  settings: '设置', basemapUrl: '在线底图 XYZ 地址（如天地图，需填写密钥）', save: '保存', noResults: '无结果',
  name: '名称', code: '代码', value: '数值', area: '面积',
  'layerName.source': '污染源', 'layerName.source_id': '污染源', 'layerName.census_zone': '普查小区', 'layerName.division': '行政区划',
  'layerName.outfall': '入河排污口', 'layerName.river_reach': '河段', 'layerName.basin': '流域', 'layerName.section': '水质断面',
  'layerName.air_station': '空气站',
} as const;

export type MessageKey = keyof typeof ZH;

const EN: Record<MessageKey, string> = {
  title: 'Yizhangtu · Pollution source census', search: 'Search name, census id, credit code, zone code, section', langSwitch: '中文',
  layers: 'Layers', filters: 'Filters', legend: 'Legend', statistics: 'Statistics (current view)', opacity: 'Opacity',
  'layer.sources': 'Sources', 'layer.census_zones': 'Census zones', 'layer.divisions': 'Divisions', 'layer.outfalls': 'Outfalls',
  'layer.rivers': 'Rivers', 'layer.basins': 'Basins', 'layer.sections': 'Water sections', 'layer.air_stations': 'Air stations',
  'layer.basemap': 'Online base map',
  'type.industrial': 'Industrial', 'type.agricultural': 'Agricultural', 'type.domestic': 'Domestic', 'type.centralized': 'Centralized treatment',
  'type.mobile': 'Mobile', 'type.other': 'Other',
  'pol.cod': 'COD', 'pol.nh3n': 'NH₃-N', 'pol.tn': 'TN', 'pol.tp': 'TP', 'pol.so2': 'SO₂', 'pol.nox': 'NOx', 'pol.pm': 'PM', 'pol.vocs': 'VOCs',
  sourceType: 'Source type', industry: 'Industry code (prefix)', division: 'Division', basin: 'Basin', threshold: 'Emission threshold',
  pollutant: 'Pollutant', minimum: 'At least (t)', sizeBy: 'Size points by', none: '(none)', all: 'All', clearFilters: 'Clear filters',
  count: 'Count', sources: 'sources', byType: 'By type', topIndustries: 'Industries (top 10)', emissions: 'Emission totals (t)',
  byDivision: 'By county', tonnes: 't', cell: 'Aggregated cell', cellCount: 'Sources in cell', individual: 'Single source',
  'class.ok': 'Meets target', 'class.bad': 'Misses target', 'class.none': 'No readings',
  'aqi.1': 'Good (0–50)', 'aqi.2': 'Moderate (51–100)', 'aqi.3': 'Unhealthy for sensitive (101–150)', 'aqi.4': 'Unhealthy (151–200)',
  'aqi.5': 'Very unhealthy (201–300)', 'aqi.6': 'Hazardous (>300)', 'aqi.none': 'No data',
  streamOrder: 'Line width = stream order', tools: 'Tools', drawPolygon: 'Polygon', drawCircle: 'Circle', measure: 'Measure', clear: 'Clear',
  drawHint: 'Click to add vertices, double-click to finish', circleHint: 'Click the centre, then click the radius', measureHint: 'Click to add points, double-click to finish',
  areaResult: 'Area query', exportCsv: 'Export CSV', exportGeojson: 'Export GeoJSON', exportView: 'Export current view',
  listTruncated: 'First {n} listed', distance: 'Distance', radius: 'Radius', details: 'Details',
  settings: 'Settings', basemapUrl: 'Online base map XYZ URL (e.g. Tianditu with your key)', save: 'Save', noResults: 'No results',
  name: 'Name', code: 'Code', value: 'Value', area: 'Area',
  'layerName.source': 'Source', 'layerName.source_id': 'Source', 'layerName.census_zone': 'Census zone', 'layerName.division': 'Division',
  'layerName.outfall': 'Outfall', 'layerName.river_reach': 'River reach', 'layerName.basin': 'Basin', 'layerName.section': 'Water section',
  'layerName.air_station': 'Air station',
};

/** Attribute labels for the detail panel, with the unit each value is in. */
const ATTRS: Record<string, [zh: string, en: string, unit?: string]> = {
  census_id: ['普查编号', 'Census id'], name: ['名称', 'Name'], credit_code: ['统一社会信用代码', 'Credit code'],
  source_type: ['污染源类型', 'Source type'], industry_code: ['行业代码', 'Industry code'], zone_code: ['普查小区代码', 'Census zone'],
  division_code: ['行政区划代码', 'Division code'], division_name: ['行政区划', 'Division'], entered_crs: ['录入坐标系', 'Entered CRS'],
  outfall_code: ['排污口编码', 'Outfall code'], facility_census_id: ['集中式治理设施编号', 'Facility census id'],
  cod: ['化学需氧量', 'COD', 't'], nh3n: ['氨氮', 'NH₃-N', 't'], tn: ['总氮', 'TN', 't'], tp: ['总磷', 'TP', 't'],
  so2: ['二氧化硫', 'SO₂', 't'], nox: ['氮氧化物', 'NOx', 't'], pm: ['颗粒物', 'PM', 't'], vocs: ['挥发性有机物', 'VOCs', 't'],
  status: ['状态', 'Status'], updated_at: ['更新时间', 'Updated'], id: ['编号', 'Id'], code: ['代码', 'Code'],
  level: ['级别', 'Level'], parent_code: ['上级代码', 'Parent code'], township_code: ['乡镇代码', 'Township code'],
  county_code: ['区县代码', 'County code'], receiving_water: ['受纳水体', 'Receiving water'], reach_id: ['河段编号', 'Reach id'],
  stream_order: ['河流等级', 'Stream order'], downstream_id: ['下游河段', 'Downstream reach'], basin_code: ['流域代码', 'Basin code'],
  from_node: ['起点', 'From node'], to_node: ['终点', 'To node'], target_class: ['目标水质', 'Target class'],
  river_name: ['所在河流', 'River'], city: ['城市', 'City'], source_count: ['污染源数量', 'Sources'],
  area_km2: ['面积', 'Area', 'km²'], length_km: ['长度', 'Length', 'km'],
  latest_month: ['最近监测月份', 'Latest month'], latest_water_class: ['最近水质类别', 'Latest class'],
  latest_cod: ['化学需氧量', 'COD', 'mg/L'], latest_nh3n: ['氨氮', 'NH₃-N', 'mg/L'], latest_tp: ['总磷', 'TP', 'mg/L'],
  latest_do_mgl: ['溶解氧', 'DO', 'mg/L'], latest_pm25: ['PM2.5', 'PM2.5', 'μg/m³'], latest_pm10: ['PM10', 'PM10', 'μg/m³'],
  latest_o3: ['臭氧', 'O₃', 'μg/m³'], latest_no2: ['二氧化氮', 'NO₂', 'μg/m³'], latest_so2: ['二氧化硫', 'SO₂', 'μg/m³'], latest_aqi: ['AQI', 'AQI'],
};

const UNIT_EN: Record<string, string> = { t: 't', 'km²': 'km²', km: 'km', 'mg/L': 'mg/L', 'μg/m³': 'μg/m³' };
const UNIT_ZH: Record<string, string> = { t: '吨', 'km²': '平方公里', km: '公里', 'mg/L': '毫克/升', 'μg/m³': '微克/立方米' };

/** Attribute names in the order the panel lists them (unknown names last, as stored). */
export function attributeOrder(names: string[]): string[] {
  const order = Object.keys(ATTRS);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

const STATUS: Record<string, [string, string]> = { active: ['在产/运行', 'Active'], closed: ['关停', 'Closed'], merged: ['合并', 'Merged'], deleted: ['已删除', 'Deleted'] };

let current: Lang = 'zh';
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  for (const l of listeners) l();
}

export function onLangChange(fn: () => void): void {
  listeners.add(fn);
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = current === 'zh' ? ZH[key] : EN[key];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function locale(): string {
  return current === 'zh' ? 'zh-CN' : 'en-US';
}

/** Numbers in the locale's grouping; emissions keep two decimals at most. */
export function fmt(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

export function fmtTonnes(value: number | null | undefined): string {
  return `${fmt(value)} ${current === 'zh' ? '吨' : 't'}`;
}

const ROMAN = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ', '劣Ⅴ'];
export function waterClass(c: number | null | undefined): string {
  if (!c) return '—';
  const r = ROMAN[c] ?? String(c);
  return current === 'zh' ? `${r}类` : `Class ${r.replace('劣', '>')}`;
}

/** A label and a formatted value (with unit) for one stored attribute. */
export function attribute(name: string, value: unknown): { label: string; text: string } {
  const spec = ATTRS[name];
  const label = spec ? (current === 'zh' ? spec[0] : spec[1]) : name;
  if (value === null || value === undefined || value === '') return { label, text: '—' };
  if (name === 'source_type') return { label, text: t(`type.${value}` as MessageKey) ?? String(value) };
  if (name === 'target_class' || name === 'latest_water_class') return { label, text: waterClass(Number(value)) };
  if (typeof value === 'number') {
    const unit = spec?.[2];
    const u = unit ? ` ${(current === 'zh' ? UNIT_ZH : UNIT_EN)[unit]}` : '';
    return { label, text: `${fmt(value, 4)}${u}` };
  }
  if (name === 'status' && STATUS[String(value)]) return { label, text: STATUS[String(value)]![current === 'zh' ? 0 : 1] };
  if (name === 'level' && typeof value === 'string') {
    const levels: Record<string, [string, string]> = { province: ['省', 'Province'], city: ['市', 'City'], county: ['区县', 'County'], township: ['乡镇', 'Township'], national: ['国控', 'National'], provincial: ['省控', 'Provincial'] };
    if (levels[value]) return { label, text: levels[value]![current === 'zh' ? 0 : 1] };
  }
  if (name === 'updated_at') return { label, text: new Date(String(value)).toLocaleString(locale()) };
  return { label, text: String(value) };
}
