/**
 * The suspected-error list (疑似错误清单) and the review of one finding: a list with filters,
 * counts per district and exports; a small map of the finding (declared zone and division
 * outlined, the point, the suggested point, the distance) on which the point can be dragged;
 * the four review actions; the source's history; the quality figures.
 */
import { ensureSignedIn, mountAccount, type Me } from '../session.ts';
import { drawFindingMap, type FindingGeometry } from './finding-map.ts';

interface Item {
  id: number; sourceId: number | null; censusId: string | null; checkCode: string; severity: string; explanationZh: string;
  zoneCode: string | null; divisionCode: string | null; distanceM: number | null; suggestedLon: number | null; suggestedLat: number | null;
  lon: number | null; lat: number | null; status: string; rowVersion: number | null; subjectKind: string; subjectKey: string;
}
type Detail = Item & FindingGeometry;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const STATUS_ZH: Record<string, string> = { open: '待审核', accepted: '已接受', fixed: '已修正', field_check: '现场核实' };
let selected: Detail | null = null;
let dragged: [number, number] | null = null;

const API = '../../api';
// Acting needs a reviewer's sign-in; reading works for whoever the server lets in.
let me: Me = await ensureSignedIn(API);
const canReview = () => me.role === 'reviewer' || me.role === 'admin';
mountAccount($('account'), API, me, (next) => {
  if (next) me = next;
  void Promise.all([loadList(), loadQuality()]);
});

function query(): URLSearchParams {
  const q = new URLSearchParams();
  const put = (k: string, id: string) => { const v = $<HTMLInputElement>(id).value.trim(); if (v) q.set(k, v); };
  put('check', 'f-check'); put('severity', 'f-severity'); put('status', 'f-status'); put('division', 'f-division'); put('industry', 'f-industry'); put('sort', 'f-sort');
  return q;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`../../api/review${path}`, init);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? res.statusText);
  return body as T;
}

async function loadChecks(): Promise<void> {
  const { checks } = await api<{ checks: { code: string; zh: string }[] }>('/checks');
  const select = $<HTMLSelectElement>('f-check');
  for (const c of checks) select.append(new Option(`${c.code} ${c.zh.replace(/[。（].*$/, '')}`, c.code));
}

async function loadList(): Promise<void> {
  const q = query();
  for (const f of ['csv', 'xlsx']) {
    const e = new URLSearchParams(q);
    e.set('format', f);
    $<HTMLAnchorElement>(`export-${f}`).href = `../../api/review/items?${e}`;
    $<HTMLAnchorElement>(`export-${f}`).download = `review-items.${f}`;
  }
  q.set('limit', '500');
  const page = await api<{ total: number; items: Item[]; byDistrict: { code: string | null; name: string | null; findings: number; open: number }[] }>(`/items?${q}`);
  $('total').textContent = `共 ${page.total} 条`;
  const districts = $('districts').querySelector('tbody')!;
  districts.replaceChildren(...page.byDistrict.map((d) => row([`${d.code ?? '—'} ${d.name ?? ''}`, d.findings, d.open])));
  const body = $('items').querySelector('tbody')!;
  body.replaceChildren(...page.items.map((i) => {
    const tr = row([
      i.censusId ?? `${i.subjectKind}:${i.subjectKey}`, i.checkCode, i.severity, i.zoneCode ?? '', i.divisionCode ?? '',
      i.distanceM === null ? '' : Math.round(i.distanceM), i.suggestedLon === null ? '' : `${i.suggestedLon.toFixed(6)}, ${i.suggestedLat!.toFixed(6)}`,
      STATUS_ZH[i.status] ?? i.status,
    ]);
    tr.dataset.id = String(i.id);
    tr.dataset.census = i.censusId ?? '';
    tr.dataset.check = i.checkCode;
    tr.children[2]!.className = i.severity;
    if (selected?.id === i.id) tr.classList.add('selected');
    tr.addEventListener('click', () => void openItem(i.id));
    return tr;
  }));
}

async function openItem(id: number): Promise<void> {
  selected = await api<Detail>(`/items/${id}`);
  dragged = null;
  for (const tr of $('items').querySelectorAll('tbody tr')) tr.classList.toggle('selected', (tr as HTMLElement).dataset.id === String(id));
  $('detail').hidden = false;
  $('d-title').textContent = `${selected.censusId ?? selected.subjectKey} · ${selected.checkCode} · ${STATUS_ZH[selected.status] ?? selected.status}`;
  $('d-explain').textContent = selected.explanationZh;
  $('d-distance').textContent = selected.distanceM === null ? '' : `距所填区域 ${Math.round(selected.distanceM)} 米`;
  $('d-message').textContent = '';
  showPosition();
  drawFindingMap($<SVGSVGElement & HTMLElement>('map'), selected, (p) => { dragged = p; showPosition(); });
  await loadHistory();
}

function showPosition(): void {
  if (!selected) return;
  const at = dragged ?? (selected.lon === null ? null : [selected.lon, selected.lat!]);
  $('d-position').textContent = at ? `当前位置 ${at[0].toFixed(6)}, ${at[1]!.toFixed(6)}${dragged ? '（已拖动，未保存）' : ''}` : '无坐标';
}

async function loadHistory(): Promise<void> {
  const list = $('history');
  if (!selected?.sourceId) { list.replaceChildren(); return; }
  const { history } = await api<{ history: { at: string; actor: string; action: string; reason: string | null; before: { lon?: number; lat?: number }; after: { lon?: number; lat?: number } }[] }>(`/sources/${selected.sourceId}/history`);
  list.replaceChildren(...history.map((h) => {
    const li = document.createElement('li');
    const moved = h.before.lon !== h.after.lon || h.before.lat !== h.after.lat ? ` (${h.before.lon}, ${h.before.lat}) → (${h.after.lon}, ${h.after.lat})` : '';
    li.textContent = `${new Date(h.at).toLocaleString('zh-CN')} ${h.actor} ${h.action}${moved}${h.reason ? ` 理由：${h.reason}` : ''}`;
    return li;
  }));
}

async function act(action: string): Promise<void> {
  if (!selected) return;
  const message = $('d-message');
  if (!canReview()) { message.textContent = '请先以审核员身份登录'; message.className = 'bad'; return; }
  const body: Record<string, unknown> = { action, reason: $<HTMLInputElement>('reason').value.trim() || undefined };
  if (selected.rowVersion !== null) body.rowVersion = selected.rowVersion;
  if (action === 'move') {
    if (!dragged) { message.textContent = '请先在地图上拖动点位'; message.className = 'bad'; return; }
    body.lon = dragged[0]; body.lat = dragged[1];
  }
  try {
    await api(`/items/${selected.id}/actions`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    $<HTMLInputElement>('reason').value = '';
    await openItem(selected.id);
    await Promise.all([loadList(), loadQuality()]);
    message.textContent = '已保存'; message.className = '';
  } catch (err) {
    message.textContent = (err as Error).message; message.className = 'bad';
  }
}

async function loadQuality(): Promise<void> {
  const { rows, checkedAt } = await api<{ checkedAt: string | null; rows: { level: string; code: string; name: string | null; sources: number; withOpenError: number; errorRate: number; meetsTarget: boolean; reviewProgress: number }[] }>('/quality');
  // Before the first full run there is nothing to count: say so rather than show 0% and 100%.
  $('quality-checked').textContent = checkedAt ? `最近全量检查 ${new Date(checkedAt).toLocaleString('zh-CN')}` : '尚未运行全量检查，点击“全量检查”';
  $('quality').querySelector('tbody')!.replaceChildren(...rows.map((r) => {
    const tr = row([r.level === 'city' ? '市' : '区县', r.code, r.name ?? '', r.sources,
      checkedAt ? r.withOpenError : '—', checkedAt ? `${(r.errorRate * 100).toFixed(2)}%` : '—', checkedAt ? `${(r.reviewProgress * 100).toFixed(0)}%` : '—']);
    if (checkedAt && !r.meetsTarget) tr.children[5]!.className = 'bad';
    return tr;
  }));
}

async function runAll(): Promise<void> {
  const status = $('run-status');
  try {
    let run = await api<{ runId: number; status: string; doneUnits: number; totalUnits: number }>('/run', { method: 'POST' });
    while (run.status === 'running') {
      status.textContent = `检查中 ${run.doneUnits}/${run.totalUnits}`;
      await new Promise((r) => setTimeout(r, 500));
      run = await api(`/runs/${run.runId}`);
    }
    status.textContent = run.status === 'done' ? '检查完成' : `检查失败`;
    await Promise.all([loadList(), loadQuality()]);
  } catch (err) {
    status.textContent = (err as Error).message;
  }
}

function row(cells: (string | number)[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
  return tr;
}

$('filters').addEventListener('submit', (e) => { e.preventDefault(); void loadList(); });
$('run').addEventListener('click', () => void runAll());
for (const b of $('actions').querySelectorAll('button')) b.addEventListener('click', () => void act((b as HTMLElement).dataset.action!));
await loadChecks();
await Promise.all([loadList(), loadQuality()]);
document.body.dataset.ready = 'true';
