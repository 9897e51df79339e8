/** The two UI languages: 简体中文 (default) and English. Map labels stay the data's own names. */
import {
  DIVISION_LEVEL_SPECS, MAP_LAYER_SPECS, POLLUTANT_SPECS, RECORD_KIND_SPECS, SOURCE_STATUS_SPECS, SOURCE_TYPE_SPECS,
  type MapLayerId, type Pollutant, type RecordKind, type SourceType,
} from '../../geodata/model/vocabulary.ts';

export type Lang = 'zh' | 'en';

const ZH_OWN = {
  title: '一张图 · 污染源普查', search: '搜索名称、普查编号、信用代码、小区代码、断面', langSwitch: 'English',
  layers: '图层', filters: '筛选', legend: '图例', statistics: '统计（当前视图）', opacity: '透明度',
  'layer.basemap': '在线底图',
  threshold: '排放量阈值',
  minimum: '不小于（吨）', sizeBy: '圆点大小按', none: '（无）', all: '全部', clearFilters: '清除筛选',
  count: '数量', sources: '个污染源', byType: '按类型', topIndustries: '行业（前10）', emissions: '排放量合计（吨）',
  byDivision: '按区县', tonnes: '吨', cell: '聚合网格', cellCount: '网格内污染源数', individual: '单个污染源',
  'class.ok': '达到目标', 'class.bad': '未达目标', 'class.none': '无监测数据',
  'aqi.1': '优 (0–50)', 'aqi.2': '良 (51–100)', 'aqi.3': '轻度污染 (101–150)', 'aqi.4': '中度污染 (151–200)',
  'aqi.5': '重度污染 (201–300)', 'aqi.6': '严重污染 (>300)', 'aqi.none': '无数据',
  streamOrder: '线宽 = 河流等级', tools: '工具', drawPolygon: '画多边形', drawCircle: '画圆', measure: '测距', clear: '清除',
  drawHint: '单击添加顶点，双击结束', circleHint: '单击圆心，再单击确定半径', measureHint: '单击添加点，双击结束',
  areaResult: '范围查询', exportAs: '导出', exportView: '导出当前视图',
  listTruncated: '仅列出前 {n} 个', distance: '距离', radius: '半径', areaSize: '面积', details: '详细信息',
  settings: '设置', basemapUrl: '在线底图 XYZ 地址（如天地图，需填写密钥）', save: '保存', noResults: '无结果',
  name: '名称', code: '代码', value: '数值', area: '面积',
  'layerName.source_id': '污染源',
  'nav.map': '地图', 'nav.review': '审核', 'nav.quality': '质量', 'nav.import': '导入', 'nav.battle': '挂图作战', 'nav.admin': '用户',
  'shell.loadFailed': '页面加载失败：{error}',
  'status.open': '待审核', 'status.accepted': '已接受', 'status.fixed': '已修正', 'status.field_check': '现场核实',
  'severity.error': '错误', 'severity.warning': '警告', 'severity.info': '提示',
  'review.title': '疑似错误清单', 'review.allChecks': '全部检查项', 'review.allSeverities': '全部严重程度', 'review.allStatuses': '全部状态',
  'review.division': '区划代码前缀', 'review.industry': '行业代码前缀', 'review.batch': '批次', 'review.assignee': '指派给',
  'review.sort': '排序', 'sort.severity': '按严重程度', 'sort.check': '按检查项', 'sort.census_id': '按普查编号', 'sort.distance': '按距离',
  'sort.division': '按区划', 'sort.status': '按状态', 'review.total': '共 {n} 条', 'review.run': '全量检查', 'review.running': '检查中 {done}/{total}，约剩 {eta}',
  'review.runDone': '检查完成', 'review.runFailed': '检查失败', 'review.exportAs': '导出',
  'review.districts': '区县', 'review.findings': '问题数', 'review.openCount': '待审核', 'review.censusId': '普查编号', 'review.check': '检查项',
  'review.severity': '严重程度', 'review.status': '状态', 'review.distanceM': '距离（米）', 'review.reason': '理由',
  'action.accept': '接受现状', 'action.apply_suggestion': '采用建议坐标', 'action.move': '保存拖动位置', 'action.field_check': '现场核实', 'action.undo': '撤销上一步',
  'review.saved': '已保存', 'review.needReviewer': '请先以审核员身份登录', 'review.dragFirst': '请先在地图上拖动点位', 'review.history': '修改记录',
  'review.position': '当前位置 {at}', 'review.dragged': '（已拖动，未保存）', 'review.noPosition': '无坐标', 'review.distanceToZone': '距所填区域 {m} 米',
  'review.candidates': '候选修正', 'review.batchPick': '同批次 {n} 条为此', 'review.ambiguous': '多解', 'review.pick': '采用此项', 'review.goto': '定位到坐标', 'review.gotoHint': '经度, 纬度（小数或度分秒）',
  'review.badCoordinate': '无法识别的坐标', 'review.keys': '键盘：J 下一条 · K 上一条 · A 接受 · S 采用建议 · F 现场核实 · U 撤销',
  'review.entered': '录入点位', 'review.suggested': '建议点位', 'review.zone': '所填普查小区', 'review.divisionOutline': '所填行政区划', 'review.nearby': '附近污染源',
  'review.noItem': '在左侧列表中选择一条', 'review.myQueue': '我的队列', 'review.assignDistrict': '按区县分派', 'review.assignTo': '审核员用户名', 'review.assigned': '已分派 {n} 条', 'review.comments': '评论', 'review.commentHint': '写下意见', 'review.commentPost': '发表评论', 'review.reasonNeeded': '接受现状需要填写理由',
  'quality.title': '质量指标', 'quality.target': '目标错误率 ≤ 2%', 'quality.level': '级别', 'quality.sources': '污染源', 'quality.withError': '有错误',
  'quality.errorRate': '错误率', 'quality.progress': '审核进度', 'quality.notRun': '尚未运行全量检查', 'quality.checkedAt': '最近全量检查 {at}',
  'level.city': '市', 'level.county': '区县',
  'admin.title': '用户管理', 'admin.create': '新建用户', 'admin.username': '用户名', 'admin.displayName': '姓名', 'admin.role': '角色',
  'admin.region': '区域（区划代码前缀）', 'admin.state': '状态', 'admin.password': '初始密码（至少10位）', 'admin.regionHint': '区域，如 4403；空为全国',
  'admin.submit': '创建', 'admin.disabled': '已停用', 'admin.enabled': '正常', 'admin.disable': '停用', 'admin.enable': '启用', 'admin.saved': '已保存', 'admin.created': '已创建 {user}',
  'admin.needAdmin': '请以管理员身份登录（右上角“登录”）', 'battle.title': '流域挂图作战', 'battle.basin': '流域', 'battle.month': '月份',
  'role.viewer': '浏览', 'role.reviewer': '审核', 'role.admin': '管理',
  'trace.title': '河网追溯', 'trace.upstream': '上游追溯', 'trace.downstream': '下游追溯', 'trace.ranked': '贡献源排名（按衰减后负荷）', 'trace.sectionsReached': '下游断面（由近及远）',
  'trace.summaryUp': '上游 {reaches} 个河段 · {sources} 个污染源', 'trace.summaryDown': '下游 {reaches} 个河段 · 经过 {sections} 个断面', 'trace.complete': '所用河网无疑点（出口已确认，无环路、无未判定分汊）',
  'trace.loading': '追溯中…', networkCheck: '河网校验',
  'png.export': '导出图片', 'png.title': '标题', 'png.width': '宽', 'png.height': '高', 'png.northArrow': '北', 'png.ownData': '底图与数据：本系统数据库',
} as const;

type VocabularyKey = `layer.${MapLayerId}` | `layerName.${RecordKind}` | `type.${SourceType}` | `pol.${Pollutant}`;
export type MessageKey = keyof typeof ZH_OWN | VocabularyKey;

/** Names of layers, source types and pollutants, from the shared vocabulary. */
function vocabulary(lang: Lang): Record<VocabularyKey, string> {
  return Object.fromEntries([
    ...MAP_LAYER_SPECS.map((l) => [`layer.${l.code}`, l[lang]]),
    ...RECORD_KIND_SPECS.map((r) => [`layerName.${r.code}`, r[lang]]),
    ...SOURCE_TYPE_SPECS.map((s) => [`type.${s.code}`, s[lang]]),
    ...POLLUTANT_SPECS.map((p) => [`pol.${p.code}`, p[lang]]),
  ]) as Record<VocabularyKey, string>;
}

const ZH: Record<MessageKey, string> = { ...ZH_OWN, ...vocabulary('zh') };

const EN: Record<MessageKey, string> = {
  ...vocabulary('en'),
  title: 'Yizhangtu · Pollution source census', search: 'Search name, census id, credit code, zone code, section', langSwitch: '中文',
  layers: 'Layers', filters: 'Filters', legend: 'Legend', statistics: 'Statistics (current view)', opacity: 'Opacity',
  'layer.basemap': 'Online base map',
  threshold: 'Emission threshold',
  minimum: 'At least (t)', sizeBy: 'Size points by', none: '(none)', all: 'All', clearFilters: 'Clear filters',
  count: 'Count', sources: 'sources', byType: 'By type', topIndustries: 'Industries (top 10)', emissions: 'Emission totals (t)',
  byDivision: 'By county', tonnes: 't', cell: 'Aggregated cell', cellCount: 'Sources in cell', individual: 'Single source',
  'class.ok': 'Meets target', 'class.bad': 'Misses target', 'class.none': 'No readings',
  'aqi.1': 'Good (0–50)', 'aqi.2': 'Moderate (51–100)', 'aqi.3': 'Unhealthy for sensitive (101–150)', 'aqi.4': 'Unhealthy (151–200)',
  'aqi.5': 'Very unhealthy (201–300)', 'aqi.6': 'Hazardous (>300)', 'aqi.none': 'No data',
  streamOrder: 'Line width = stream order', tools: 'Tools', drawPolygon: 'Polygon', drawCircle: 'Circle', measure: 'Measure', clear: 'Clear',
  drawHint: 'Click to add vertices, double-click to finish', circleHint: 'Click the centre, then click the radius', measureHint: 'Click to add points, double-click to finish',
  areaResult: 'Area query', exportAs: 'Export', exportView: 'Export current view',
  listTruncated: 'First {n} listed', distance: 'Distance', radius: 'Radius', areaSize: 'Area', details: 'Details',
  settings: 'Settings', basemapUrl: 'Online base map XYZ URL (e.g. Tianditu with your key)', save: 'Save', noResults: 'No results',
  name: 'Name', code: 'Code', value: 'Value', area: 'Area',
  'layerName.source_id': 'Source',
  'nav.map': 'Map', 'nav.review': 'Review', 'nav.quality': 'Quality', 'nav.import': 'Import', 'nav.battle': 'Battle map', 'nav.admin': 'Users',
  'shell.loadFailed': 'The page failed to load: {error}',
  'status.open': 'Open', 'status.accepted': 'Accepted', 'status.fixed': 'Fixed', 'status.field_check': 'Field check',
  'severity.error': 'Error', 'severity.warning': 'Warning', 'severity.info': 'Info',
  'review.title': 'Suspected errors', 'review.allChecks': 'All checks', 'review.allSeverities': 'All severities', 'review.allStatuses': 'All statuses',
  'review.division': 'Division code prefix', 'review.industry': 'Industry code prefix', 'review.batch': 'Batch', 'review.assignee': 'Assigned to',
  'review.sort': 'Sort', 'sort.severity': 'By severity', 'sort.check': 'By check', 'sort.census_id': 'By census id', 'sort.distance': 'By distance',
  'sort.division': 'By division', 'sort.status': 'By status', 'review.total': '{n} in all', 'review.run': 'Run all checks', 'review.running': 'Checking {done}/{total}, about {eta} left',
  'review.runDone': 'Checks done', 'review.runFailed': 'Check run failed', 'review.exportAs': 'Export',
  'review.districts': 'District', 'review.findings': 'Findings', 'review.openCount': 'Open', 'review.censusId': 'Census id', 'review.check': 'Check',
  'review.severity': 'Severity', 'review.status': 'Status', 'review.distanceM': 'Distance (m)', 'review.reason': 'Reason',
  'action.accept': 'Accept as is', 'action.apply_suggestion': 'Apply suggestion', 'action.move': 'Save dragged position', 'action.field_check': 'Field check', 'action.undo': 'Undo last',
  'review.saved': 'Saved', 'review.needReviewer': 'Sign in as a reviewer first', 'review.dragFirst': 'Drag the point on the map first', 'review.history': 'History',
  'review.position': 'Position {at}', 'review.dragged': ' (dragged, not saved)', 'review.noPosition': 'No coordinates', 'review.distanceToZone': '{m} m from the declared area',
  'review.candidates': 'Candidate corrections', 'review.batchPick': '{n} of its batch needed this', 'review.ambiguous': 'ambiguous', 'review.pick': 'Apply this', 'review.goto': 'Go to coordinate', 'review.gotoHint': 'lon, lat (decimal or DMS)',
  'review.badCoordinate': 'Coordinate not understood', 'review.keys': 'Keys: J next · K previous · A accept · S apply suggestion · F field check · U undo',
  'review.entered': 'Entered point', 'review.suggested': 'Suggested point', 'review.zone': 'Declared census zone', 'review.divisionOutline': 'Declared division', 'review.nearby': 'Nearby sources',
  'review.noItem': 'Pick an item in the list', 'review.myQueue': 'My queue', 'review.assignDistrict': 'Assign by district', 'review.assignTo': 'Reviewer user name', 'review.assigned': '{n} assigned', 'review.comments': 'Comments', 'review.commentHint': 'Write a comment', 'review.commentPost': 'Post comment', 'review.reasonNeeded': 'Accepting needs a reason',
  'quality.title': 'Quality figures', 'quality.target': 'target error rate ≤ 2%', 'quality.level': 'Level', 'quality.sources': 'Sources', 'quality.withError': 'With errors',
  'quality.errorRate': 'Error rate', 'quality.progress': 'Reviewed', 'quality.notRun': 'No full check run yet', 'quality.checkedAt': 'Last full run {at}',
  'level.city': 'City', 'level.county': 'County',
  'admin.title': 'Users', 'admin.create': 'New user', 'admin.username': 'User name', 'admin.displayName': 'Name', 'admin.role': 'Role',
  'admin.region': 'Region (division code prefix)', 'admin.state': 'State', 'admin.password': 'Initial password (10 or more)', 'admin.regionHint': 'Region, e.g. 4403; empty: national',
  'admin.submit': 'Create', 'admin.disabled': 'Disabled', 'admin.enabled': 'Active', 'admin.disable': 'Disable', 'admin.enable': 'Enable', 'admin.saved': 'Saved', 'admin.created': 'Created {user}',
  'admin.needAdmin': 'Sign in as an admin (top right)', 'battle.title': 'Basin battle map', 'battle.basin': 'Basin', 'battle.month': 'Month',
  'role.viewer': 'Viewer', 'role.reviewer': 'Reviewer', 'role.admin': 'Admin',
  'trace.title': 'River trace', 'trace.upstream': 'Trace upstream', 'trace.downstream': 'Trace downstream', 'trace.ranked': 'Contributors (by decayed load)', 'trace.sectionsReached': 'Sections downstream (nearest first)',
  'trace.summaryUp': '{reaches} reaches upstream · {sources} sources', 'trace.summaryDown': '{reaches} reaches downstream · {sections} sections passed', 'trace.complete': 'No doubt found in the network used (outlet confirmed, no loops, no unresolved forks)',
  'trace.loading': 'Tracing…', networkCheck: 'Network check',
  'png.export': 'Export PNG', 'png.title': 'Title', 'png.width': 'Width', 'png.height': 'Height', 'png.northArrow': 'N', 'png.ownData': 'base map and data: this system\'s database',
};

/** Attribute labels for the detail panel, with the unit each value is in. */
const ATTRS: Record<string, [zh: string, en: string, unit?: string]> = {
  census_id: ['普查编号', 'Census id'], name: ['名称', 'Name'], credit_code: ['统一社会信用代码', 'Credit code'],
  source_type: ['污染源类型', 'Source type'], industry_code: ['行业代码', 'Industry code'], zone_code: ['普查小区代码', 'Census zone'],
  division_code: ['行政区划代码', 'Division code'], division_name: ['行政区划', 'Division'], entered_crs: ['录入坐标系', 'Entered CRS'],
  outfall_code: ['排污口编码', 'Outfall code'], facility_census_id: ['集中式治理设施编号', 'Facility census id'],
  ...Object.fromEntries(POLLUTANT_SPECS.map((p) => [p.code, [p.zh, p.en, 't'] as [string, string, string]])),
  status: ['状态', 'Status'], status_reason: ['状态原因', 'Status reason'], output_value: ['工业总产值', 'Output value', '万元'],
  address: ['详细地址', 'Address'], updated_at: ['更新时间', 'Updated'], id: ['编号', 'Id'], code: ['代码', 'Code'],
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

const UNIT_EN: Record<string, string> = { '万元': '×10⁴ CNY', t: 't', 'km²': 'km²', km: 'km', 'mg/L': 'mg/L', 'μg/m³': 'μg/m³' };
const UNIT_ZH: Record<string, string> = { '万元': '万元', t: '吨', 'km²': '平方公里', km: '公里', 'mg/L': '毫克/升', 'μg/m³': '微克/立方米' };

/** Attribute names in the order the panel lists them (unknown names last, as stored). */
export function attributeOrder(names: string[]): string[] {
  const order = Object.keys(ATTRS);
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  return [...names].sort((a, b) => rank(a) - rank(b));
}

const STATUS: Record<string, [string, string]> = Object.fromEntries(SOURCE_STATUS_SPECS.map((s) => [s.code, [s.zh, s.en]]));

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

/** Calls `fn` after every language change; returns what stops it (a screen calls that on unmount). */
export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A message with its `{name}` placeholders filled. */
function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return fill(current === 'zh' ? ZH[key] : EN[key], vars);
}

/**
 * A screen's own words, kept beside it as key → [zh, en]: the translator of those keys, in the
 * current language, with `{name}` placeholders as in {@link t}.
 */
export function phrasebook<K extends string>(words: Readonly<Record<K, readonly [zh: string, en: string]>>): (key: K, vars?: Record<string, string | number>) => string {
  return (key, vars = {}) => fill(words[key][current === 'zh' ? 0 : 1], vars);
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
    const levels: Record<string, [string, string]> = {
      ...Object.fromEntries(DIVISION_LEVEL_SPECS.map((l) => [l.code, [l.zh, l.en]])),
      national: ['国控', 'National'], provincial: ['省控', 'Provincial'],
    };
    if (levels[value]) return { label, text: levels[value]![current === 'zh' ? 0 : 1] };
  }
  if (name === 'updated_at') return { label, text: new Date(String(value)).toLocaleString(locale()) };
  return { label, text: String(value) };
}
