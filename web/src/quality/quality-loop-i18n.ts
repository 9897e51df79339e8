/**
 * The words of the quality loop's three panels (名录比对, 抽样核查, 整改调度), zh first and en,
 * kept beside the panels rather than in the shell's dictionary so that the loop's codes
 * (match kinds, phone and field results, decisions) have their labels in one place. Values
 * the server sends as codes are always shown through {@link codeLabel}, never raw.
 */
import { lang } from '../i18n.ts';

const WORDS = {
  'lc.title': ['名录比对', 'List comparison'],
  'lc.name': ['名录名称', 'List name'],
  'lc.file': ['名录文件（CSV / XLSX）', 'List file (CSV / XLSX)'],
  'lc.upload': ['导入名录', 'Import list'],
  'lc.uploaded': ['已导入 {units} 个单位：匹配 {matched}，待确认 {ambiguous}，待核实 {unmatched}', 'Imported {units} units: {matched} matched, {ambiguous} to confirm, {unmatched} to verify'],
  'lc.lists': ['已导入名录', 'Imported lists'],
  'lc.noList': ['尚未导入名录', 'No list imported yet'],
  'lc.line': ['行号', 'Line'],
  'lc.unitName': ['单位名称', 'Unit name'],
  'lc.creditCode': ['信用代码', 'Credit code'],
  'lc.censusId': ['普查编号', 'Census id'],
  'lc.matchKind': ['匹配方式', 'Match kind'],
  'lc.score': ['得分', 'Score'],
  'lc.decision': ['处理结论', 'Decision'],
  'lc.phone': ['电话核实', 'Phone check'],
  'lc.field': ['现场核查', 'Field check'],
  'lc.note': ['说明', 'Note'],
  'lc.save': ['保存', 'Save'],
  'lc.saved': ['已保存', 'Saved'],
  'lc.assignee': ['责任人', 'Assignee'],
  'lc.deadline': ['整改期限', 'Deadline'],
  'lc.assign': ['分派此单位', 'Assign this unit'],
  'lc.assignShown': ['分派本页全部单位', 'Assign every unit shown'],
  'lc.assigned': ['已分派 {n} 个单位', 'Units assigned: {n}'],
  'lc.candidates': ['候选污染源（请确认）', 'Candidate sources (confirm one)'],
  'lc.confirm': ['确认为此', 'This one'],
  'lc.none': ['都不是', 'None of them'],
  'lc.distance': ['距离（米）', 'Distance (m)'],
  'lc.pick': ['在表中选择一个单位', 'Choose a unit in the table'],
  'lc.shown': ['显示 {n} / {total}', 'Showing {n} of {total}'],
  'xlsx': ['下载 XLSX', 'Download XLSX'],
  'unset': ['（未填）', '(not set)'],
  'outcome.matched': ['已匹配', 'Matched'],
  'outcome.ambiguous': ['待确认', 'To confirm'],
  'outcome.unmatched': ['待核实（普查未收录）', 'To verify (not in the census)'],
  'kind.credit_code': ['信用代码', 'Credit code'],
  'kind.org_code': ['组织机构代码', 'Organisation code'],
  'kind.name': ['名称', 'Name'],
  'phone.confirmed_operating': ['确认在产', 'Confirmed operating'],
  'phone.confirmed_closed': ['确认已关闭', 'Confirmed closed'],
  'phone.unreachable': ['无法联系', 'Unreachable'],
  'phone.not_ours': ['非本辖区', 'Not in our area'],
  'field.operating': ['在产', 'Operating'],
  'field.closed': ['已关闭', 'Closed'],
  'field.not_found': ['未找到', 'Not found'],
  'field.not_polluting': ['无污染工序', 'No polluting process'],
  'decision.include': ['纳入', 'Include'],
  'decision.exclude': ['不纳入', 'Exclude'],
  'decision.closed': ['已关闭', 'Closed'],
  'sp.title': ['抽样核查', 'Sampling checks'],
  'sp.method': ['抽样方式', 'Method'],
  'method.quota': ['按配额（每市：工业50、农业10、生活5、集中式1、移动源1）', 'By quota (per city: 50 industrial, 10 agricultural, 5 domestic, 1 centralized, 1 mobile)'],
  'method.share': ['按区县比例', 'By share per county'],
  'sp.name': ['名称', 'Name'],
  'sp.seed': ['随机种子（可留空）', 'Seed (optional)'],
  'sp.share': ['比例', 'Share'],
  'sp.draw': ['抽取样本', 'Draw sample'],
  'sp.plans': ['样本', 'Samples'],
  'sp.noPlan': ['尚未抽样', 'No sample drawn yet'],
  'sp.planInfo': ['种子 {seed} · {items} 个污染源 · {by} {at}', 'Seed {seed} · {items} sources · {by} {at}'],
  'sp.source': ['污染源', 'Source'],
  'sp.type': ['类型', 'Type'],
  'sp.division': ['区划', 'Division'],
  'sp.checkedBy': ['核查人', 'Checked by'],
  'sp.indicatorsHint': ['勾选 = 该指标正确', 'Ticked = the census had it right'],
  'sp.rates': ['各市差错率（95% Wilson 区间，目标 ≤ 2%）', 'Error rate per city (95 % Wilson interval, target ≤ 2 %)'],
  'sp.city': ['城市', 'City'],
  'sp.drawn': ['抽取', 'Drawn'],
  'sp.checked': ['已核查', 'Checked'],
  'sp.wrong': ['有误', 'Wrong'],
  'sp.errorRate': ['差错率', 'Error rate'],
  'sp.interval': ['95% 区间', '95 % interval'],
  'sp.omissions': ['漏查', 'Omissions'],
  'sp.omissionRate': ['漏查率', 'Omission rate'],
  'sp.meets': ['达标', 'Meets target'],
  'sp.omissionTitle': ['记录漏查单位（普查未收录、核查中发现）', 'Record a unit the census missed (found while checking)'],
  'sp.omissionDivision': ['区划代码', 'Division code'],
  'sp.omissionName': ['单位名称', 'Unit name'],
  'sp.omissionNote': ['说明', 'Note'],
  'sp.omissionSave': ['记录漏查', 'Record omission'],
  'sp.omissionSaved': ['已记录漏查 · {name}', 'Omission recorded · {name}'],
  'yes': ['是', 'yes'],
  'no': ['否', 'no'],
  'dp.title': ['整改调度', 'Rectification dispatch'],
  'dp.today': ['截至', 'As of'],
  'dp.refresh': ['刷新', 'Refresh'],
  'dp.level': ['级别', 'Level'],
  'dp.code': ['代码', 'Code'],
  'dp.name': ['名称', 'Name'],
  'dp.opened': ['累计', 'Raised'],
  'dp.closed': ['已整改', 'Closed'],
  'dp.open': ['未整改', 'Open'],
  'dp.overdue': ['超期', 'Overdue'],
  'dp.unassigned': ['未分派', 'Unassigned'],
  'dp.findings': ['疑似问题', 'Findings'],
  'dp.units': ['待核实单位', 'Units to verify'],
  'dp.weeks': ['周报', 'Weekly report'],
  'dp.week': ['周（周一）', 'Week (Monday)'],
  'dp.openAtEnd': ['周末未整改', 'Open at week end'],
  'dp.overdueAtEnd': ['周末超期', 'Overdue at week end'],
  'city': ['市', 'City'],
  'county': ['区县', 'District'],
} as const satisfies Record<string, readonly [zh: string, en: string]>;

export type LoopKey = keyof typeof WORDS;

export function tq(key: LoopKey, vars: Record<string, string | number> = {}): string {
  const text: string = WORDS[key][lang() === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

/** The label of a code the server sends (`decision.include`, `kind.org_code`…); — when absent. */
export function codeLabel(group: 'outcome' | 'kind' | 'phone' | 'field' | 'decision', code: string | null | undefined): string {
  if (!code) return '—';
  const key = `${group}.${code}`;
  return key in WORDS ? tq(key as LoopKey) : code;
}

/** A small DOM helper the panels share: an element with text and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const e = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...children);
  return e;
}

/** A table row of plain text cells. */
export function row(cells: readonly (string | number)[], tag: 'td' | 'th' = 'td'): HTMLTableRowElement {
  return el('tr', {}, ...cells.map((c) => el(tag, { textContent: String(c) })));
}
