/**
 * The reviewer's workbench (审核): the suspected-error list (server pages, virtual scrolling,
 * filters, counts per district) beside a MapLibre map of the open finding, with its candidate
 * corrections, the review actions (also by keyboard), batch actions, undo and the source's
 * history. State changes go through the updaters of review-state.ts; the URL holds them.
 */
import { EXPORT_CHOICES } from '../../../geodata/model/export-formats.ts';
import 'maplibre-gl/dist/maplibre-gl.css';
import * as maplibregl from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection } from 'geojson';
import { API } from '../../../geodata/model/api/index.ts';
import { exportCredit, loadBasemap } from '../basemap-tianditu.ts';
import { ApiError, http } from '../http.ts';
import { REVIEW_STATUSES } from '../../../geodata/model/vocabulary.ts';
import { fmt, lang, locale, onLangChange, t, type MessageKey } from '../i18n.ts';
import { whoAmI, type Me } from '../session.ts';
import type { Screen } from '../shell/screen.ts';
import { createStore, type Store } from '../shell/store.ts';
import { parseCoordinatePair } from './coordinates.ts';
import { reviewApi, type ActionBody, type Candidate, type Check, type Comment, type Detail, type HistoryEntry, type Item, type Page } from './review-api.ts';
import { exportMapPng, saveBlob } from '../map-export.ts';
import { REVIEW_COLORS, ReviewMap, type FindingOnMap } from './review-map.ts';
import { VirtualList } from './virtual-list.ts';
import {
  clearSelection, decodeReview, encodeReview, listChanged, listLoaded, listQuery, openItem, setFilter, setSort, SORTS, stepIndex, toggleSelected,
  type ReviewFilters, type ReviewState, type Sort,
} from './review-state.ts';
import './review.css';

maplibregl.setWorkerUrl(workerUrl);

const ROW = 30;
const PAGE = 100;
const STATUSES = REVIEW_STATUSES;
const SEVERITIES = ['error', 'warning', 'info'] as const;
/** How long the next item's prefetched reads stay good to show. */
const PREFETCH_MS = 30_000;

/** One item's reads, in flight or done. */
interface ItemReads {
  readonly at: number;
  /** The list reading (listReads) they were started under: a later one follows a change. */
  readonly list: number;
  readonly item: Promise<Detail>;
  readonly outlines: Promise<FeatureCollection>;
  readonly comments: Promise<Comment[]>;
  readonly history: Promise<HistoryEntry[]>;
}

const TEMPLATE = `
  <form class="rv-filters" id="filters">
    <select id="f-check" data-filter="check"></select>
    <select id="f-severity" data-filter="severity"></select>
    <select id="f-status" data-filter="status"></select>
    <input id="f-division" data-filter="division" size="10" />
    <input id="f-industry" data-filter="industry" size="8" />
    <input id="f-batch" data-filter="batch" size="6" />
    <label class="rv-mine"><input id="f-mine" type="checkbox" /> <span data-t="review.myQueue"></span></label>
    <select id="f-sort"></select>
    <span class="spacer"></span>
    <button id="run" type="button"></button>
    <span id="run-status"><progress id="run-progress" max="1" value="0" hidden></progress><span id="run-text"></span></span>
    <span id="exports"><span data-t="review.exportAs"></span> ${EXPORT_CHOICES.map((c) => `<a id="export-${c.id}" href="#">${c.label}</a>`).join(' ')}</span>
  </form>
  <div class="rv-body">
    <aside class="rv-left">
      <table id="districts"><thead><tr><th data-t="review.districts"></th><th data-t="review.findings"></th><th data-t="review.openCount"></th></tr></thead><tbody></tbody></table>
      <form id="assign" class="rv-assign"><input id="assign-division" size="7" /><input id="assign-to" size="10" /><button type="submit" data-t="review.assignDistrict"></button> <span id="assign-message" role="status"></span></form>
      <p id="total"></p>
      <div class="rv-batchbar"><span id="selected-count"></span><button id="batch-apply" type="button" data-t="action.apply_suggestion"></button></div>
      <div class="rv-head"><span></span><span data-t="review.censusId"></span><span data-t="review.check"></span><span data-t="review.status"></span><span data-t="review.distanceM"></span></div>
      <div id="items" class="rv-list" tabindex="0"></div>
    </aside>
    <div class="rv-mapwrap">
      <div id="review-map"></div>
      <div class="rv-readout"><span id="readout"></span>
        <form id="goto"><input id="goto-input" size="26" /><button type="submit" data-t="review.goto"></button></form>
        <form id="png"><input id="png-w" type="number" value="1600" min="200" max="8000" /> × <input id="png-h" type="number" value="1200" min="200" max="8000" />
          <button type="submit" data-t="png.export"></button></form></div>
    </div>
    <aside class="rv-detail" id="detail">
      <p id="d-empty" data-t="review.noItem"></p>
      <div id="d-body" hidden>
        <h2 id="d-title"></h2>
        <p id="d-explain"></p>
        <p id="d-distance"></p>
        <div id="d-candidates"></div>
        <p id="d-position"></p>
        <label><span data-t="review.reason"></span> <input id="reason" size="26" /></label>
        <div id="actions">
          <button data-action="accept" type="button" data-t="action.accept"></button>
          <button data-action="apply_suggestion" type="button" data-t="action.apply_suggestion"></button>
          <button data-action="move" type="button" data-t="action.move"></button>
          <button data-action="field_check" type="button" data-t="action.field_check"></button>
          <button data-action="undo" type="button" data-t="action.undo"></button>
        </div>
        <p id="d-message" role="status"></p>
        <div id="d-batch"></div>
        <h3 data-t="review.comments"></h3>
        <ol id="comments"></ol>
        <form id="comment-form"><input id="comment-input" size="26" maxlength="2000" /><button type="submit" data-t="review.commentPost"></button></form>
        <h3 data-t="review.history"></h3>
        <ol id="history"></ol>
        <h3 data-t="review.nearby"></h3>
        <ul id="nearby"></ul>
      </div>
      <p class="hint" data-t="review.keys"></p>
    </aside>
  </div>`;

export default function createReviewScreen(): Screen {
  let teardown: (() => void) | null = null;
  let gone = false;
  return {
    async mount(container) {
      const stop = await mountReview(container, () => gone);
      if (gone) stop();
      else teardown = stop;
    },
    unmount() {
      gone = true;
      teardown?.();
    },
  };
}

async function mountReview(container: HTMLElement, disposed: () => boolean): Promise<() => void> {
  container.classList.add('screen-review');
  container.innerHTML = TEMPLATE;
  const q = <T extends HTMLElement = HTMLElement>(sel: string) => container.querySelector(sel) as T;
  const store: Store<ReviewState> = createStore(decodeReview(location.search));
  const [checks, catalog, me, basemap] = await Promise.all([
    reviewApi.checks(),
    http.call(API.tiles.catalog).catch(() => null),
    whoAmI().catch(() => null),
    loadBasemap(),
  ]);
  if (disposed()) return () => {};
  const checkBy = new Map<string, Check>(checks.map((c) => [c.code, c]));
  const canReview = (m: Me | null) => m?.role === 'reviewer' || m?.role === 'admin';

  let detail: Detail | null = null;
  /** The next item's reads (prefetchNext). */
  const prefetched = new Map<number, ItemReads>();
  /** Counts the list's readings: every save, batch, assignment and check run reads it again. */
  let listReads = 0;
  /** Stops the tiles prefetchNext is asking for. */
  let tileAbort: AbortController | null = null;
  let outlines: FeatureCollection = { type: 'FeatureCollection', features: [] };
  let dragged: [number, number] | null = null;
  let picked: string | null = null;
  /** The edit-log entries of this session's actions, newest last: what "undo" takes back. */
  const done: { editLogId: number; findingId: number }[] = [];
  let page: Page | null = null;

  const checkName = (code: string) => { const c = checkBy.get(code); return c ? (lang() === 'zh' ? c.nameZh : c.nameEn) : code; };
  const checkText = (code: string) => { const c = checkBy.get(code); return c ? (lang() === 'zh' ? c.zh : c.en) : ''; };
  const say = (text: string, bad = false) => { const m = q('#d-message'); m.textContent = text; m.className = bad ? 'bad' : 'ok'; };

  const reviewMap = new ReviewMap(q('#review-map'), catalog, basemap, {
    onDrag: (p) => { dragged = p; showPosition(); },
    onPointer: (p) => { q('#readout').textContent = ReviewMap.readout(p); },
  });

  let listAbort: AbortController | null = null;
  const list = new VirtualList<Item>(q('#items'), {
    rowHeight: ROW,
    pageSize: PAGE,
    load: async (offset, limit, count) => {
      const p = await reviewApi.page(listQuery(store.get()), offset, limit, count, listAbort?.signal);
      if (p.byDistrict) page = p;
      return { total: p.total, rows: p.items };
    },
    render: (item, index) => renderRow(item, index),
    placeholder: (i) => { const d = document.createElement('div'); d.className = 'rv-row loading'; d.textContent = '…'; d.dataset.placeholder = String(i); return d; },
  });

  // ---------- rendering ----------

  function renderChrome(): void {
    for (const el of container.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t(el.dataset.t as MessageKey);
    const s = store.get();
    const options = (id: string, all: MessageKey | null, values: readonly string[], label: (v: string) => string, current: string) => {
      const select = q<HTMLSelectElement>(id);
      select.replaceChildren(...(all ? [new Option(t(all), '')] : []), ...values.map((v) => new Option(label(v), v)));
      select.value = current;
    };
    options('#f-check', 'review.allChecks', checks.map((c) => c.code), checkName, s.filters.check);
    options('#f-severity', 'review.allSeverities', SEVERITIES, (v) => t(`severity.${v}` as MessageKey), s.filters.severity);
    options('#f-status', 'review.allStatuses', STATUSES, (v) => t(`status.${v}` as MessageKey), s.filters.status);
    options('#f-sort', null, SORTS, (v) => t(`sort.${v}` as MessageKey), s.sort);
    for (const [id, key, ph] of [['#f-division', 'division', 'review.division'], ['#f-industry', 'industry', 'review.industry'], ['#f-batch', 'batch', 'review.batch']] as const) {
      const input = q<HTMLInputElement>(id);
      input.placeholder = t(ph);
      input.value = s.filters[key];
    }
    q('#run').textContent = t('review.run');
    q<HTMLInputElement>('#goto-input').placeholder = t('review.gotoHint');
    q<HTMLInputElement>('#f-mine').checked = s.filters.assignee === 'me';
    q<HTMLInputElement>('#assign-division').placeholder = t('review.division');
    q<HTMLInputElement>('#assign-to').placeholder = t('review.assignTo');
    q<HTMLInputElement>('#comment-input').placeholder = t('review.commentHint');
    q('#readout').textContent = ReviewMap.readout(null);
    renderCounts();
    list.redraw();
    if (detail) renderDetail();
  }

  function renderCounts(): void {
    const s = store.get();
    q('#total').textContent = t('review.total', { n: fmt(s.total, 0) });
    q('#selected-count').textContent = s.selection.length ? `${s.selection.length} ✓` : '';
    q('#batch-apply').hidden = s.selection.length === 0;
    q('#districts tbody').replaceChildren(...(page?.byDistrict ?? []).map((d) => {
      const tr = row([`${d.code ?? '—'} ${d.name ?? ''}`, fmt(d.findings, 0), fmt(d.open, 0)]);
      tr.dataset.district = d.code ?? '';
      tr.className = 'clickable';
      if (d.code) tr.addEventListener('click', () => store.dispatch(setFilter, 'division', d.code!));
      return tr;
    }));
    for (const c of EXPORT_CHOICES) {
      const a = q<HTMLAnchorElement>(`#export-${c.id}`);
      a.href = reviewApi.exportUrl(listQuery(store.get()), c);
      // The server names the file (Content-Disposition), the shapefile's encoding included.
      a.download = '';
    }
  }

  function renderRow(i: Item, index: number): HTMLElement {
    const div = document.createElement('div');
    div.className = `rv-row ${i.severity}`;
    div.dataset.id = String(i.id);
    div.dataset.census = i.censusId ?? `${i.subjectKind}:${i.subjectKey}`;
    div.dataset.check = i.checkCode;
    div.dataset.status = i.status;
    const s = store.get();
    if (s.item === i.id) div.classList.add('selected');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = s.selection.includes(i.id);
    box.tabIndex = -1;
    box.addEventListener('click', (e) => { e.stopPropagation(); store.dispatch(toggleSelected, i.id); });
    const ambiguous = (i.details.candidates?.length ?? 0) > 1;
    const cells = [
      i.censusId ?? `${i.subjectKind}:${i.subjectKey}`,
      `${checkName(i.checkCode)}${ambiguous ? ` · ${t('review.ambiguous')}` : ''}`,
      t(`status.${i.status}` as MessageKey),
      i.distanceM === null ? '' : fmt(i.distanceM, 0),
    ];
    div.append(box, ...cells.map((c, k) => { const span = document.createElement('span'); span.textContent = c; if (k === 1 && ambiguous) span.className = 'ambiguous'; return span; }));
    div.title = `${t(`severity.${i.severity}` as MessageKey)} · ${checkText(i.checkCode)}`;
    div.addEventListener('click', () => store.dispatch(openItem, i.id, index));
    return div;
  }

  function candidatesOf(d: Detail): (Candidate & { label: string })[] {
    const list = d.details.candidates?.length ? d.details.candidates
      : d.suggestedLon !== null && d.suggestedLat !== null ? [{ code: d.checkCode, lon: d.suggestedLon, lat: d.suggestedLat, shift_m: d.details.shift_m ?? null }] : [];
    // The batch pattern ranks: the correction most of the same batch needed comes first.
    const pick = typeof d.details.batch_pick === 'string' ? d.details.batch_pick : null;
    return [...list].sort((a, b) => Number(b.code === pick) - Number(a.code === pick))
      .map((c) => ({ ...c, label: `${checkName(c.code)}${c.code === pick ? ` (${t('review.batchPick', { n: Number(d.details.batch_votes ?? 0) })})` : ''}` }));
  }

  function renderDetail(): void {
    const d = detail;
    q('#d-empty').hidden = !!d;
    q('#d-body').hidden = !d;
    if (!d) return;
    q('#d-title').textContent = `${d.censusId ?? d.subjectKey} · ${checkName(d.checkCode)} · ${t(`status.${d.status}` as MessageKey)}`;
    q('#d-title').dataset.item = String(d.id);
    q('#d-explain').textContent = checkText(d.checkCode);
    q('#d-distance').textContent = d.distanceM === null ? '' : t('review.distanceToZone', { m: fmt(d.distanceM, 0) });
    const cands = candidatesOf(d);
    const box = q('#d-candidates');
    box.replaceChildren();
    if (cands.length) {
      const h = document.createElement('h3');
      h.textContent = `${t('review.candidates')}${cands.length > 1 ? ` (${t('review.ambiguous')})` : ''}`;
      const ol = document.createElement('ol');
      ol.id = 'candidates';
      for (const c of cands) {
        const li = document.createElement('li');
        li.dataset.code = c.code;
        li.textContent = `${c.label} · ${c.lon.toFixed(6)}, ${c.lat.toFixed(6)}${c.shift_m === null || c.shift_m === undefined ? '' : ` · ${fmt(c.shift_m, 0)} m`} `;
        if (picked === c.code) li.classList.add('picked');
        if (cands.length > 1) {
          const b = document.createElement('button');
          b.type = 'button';
          b.dataset.pick = c.code;
          b.textContent = t('review.pick');
          b.addEventListener('click', () => { picked = c.code; void act('apply_suggestion'); });
          li.append(b);
        }
        ol.append(li);
      }
      box.append(h, ol);
    }
    const apply = q<HTMLButtonElement>('button[data-action=apply_suggestion]');
    // An ambiguous finding is applied only through one of its candidates' own buttons.
    apply.disabled = cands.length !== 1;
    q<HTMLButtonElement>('button[data-action=undo]').disabled = done.length === 0;
    const batch = q('#d-batch');
    batch.replaceChildren();
    if (d.checkCode === 'datum_batch_pattern' && d.subjectKind === 'import_batch') {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = 'apply-batch';
      b.textContent = `${t('action.apply_suggestion')} · ${t('review.batch')} ${d.subjectKey}`;
      b.addEventListener('click', () => void applyBatch({ importBatch: Number(d.subjectKey) }));
      batch.append(b);
    }
    showPosition();
    q('#nearby').replaceChildren(...d.nearby.map((n) => {
      const li = document.createElement('li');
      li.textContent = `${n.censusId} ${n.name} · ${fmt(n.distanceM, 0)} m${n.checks.length ? ` · ${n.checks.map(checkName).join('、')}` : ''}`;
      return li;
    }));
  }

  function showPosition(): void {
    if (!detail) return;
    const at = dragged ?? (detail.lon === null || detail.lat === null ? null : [detail.lon, detail.lat]);
    q('#d-position').textContent = at ? `${t('review.position', { at: `${at[0]!.toFixed(6)}, ${at[1]!.toFixed(6)}` })}${dragged ? t('review.dragged') : ''}` : t('review.noPosition');
  }

  async function renderHistory(read?: Promise<HistoryEntry[]>): Promise<void> {
    const ol = q('#history');
    const of = detail;
    if (!of?.sourceId) { ol.replaceChildren(); return; }
    const history: HistoryEntry[] = await (read ?? reviewApi.history(of.sourceId));
    // Another item was opened while this history was on its way: it is not this one's to show.
    if (detail !== of || disposed()) return;
    ol.replaceChildren(...history.map((h) => {
      const li = document.createElement('li');
      li.dataset.action = h.action;
      // The edit log keeps what changed; a move holds lon/lat before and after.
      const before = (h.before ?? {}) as { lon?: number; lat?: number };
      const after = (h.after ?? {}) as { lon?: number; lat?: number };
      const moved = before.lon !== after.lon || before.lat !== after.lat ? ` (${before.lon}, ${before.lat}) → (${after.lon}, ${after.lat})` : '';
      const action = t(`action.${h.action.replace(/^review\./, '')}` as MessageKey) || h.action;
      li.textContent = `${new Date(h.at).toLocaleString(locale())} ${h.actor} ${action}${moved}${h.reason ? ` · ${h.reason}` : ''}`;
      return li;
    }));
  }

  async function renderComments(read?: Promise<Comment[]>): Promise<void> {
    const of = detail;
    if (!of) return;
    const comments = await (read ?? reviewApi.comments(of.id));
    if (detail !== of || disposed()) return;
    q('#comments').replaceChildren(...comments.map((c) => {
      const li = document.createElement('li');
      li.dataset.author = c.author;
      li.textContent = `${new Date(c.at).toLocaleString(locale())} ${c.author}：${c.body}`;
      return li;
    }));
  }

  async function postComment(): Promise<void> {
    const d = detail;
    const input = q<HTMLInputElement>('#comment-input');
    const body = input.value.trim();
    if (!d || !body) return;
    if (!canReview(me)) { say(t('review.needReviewer'), true); return; }
    try {
      await reviewApi.comment(d.id, body);
      input.value = '';
      await renderComments();
      say(t('review.saved'));
    } catch (err) {
      say((err as Error).message, true);
    }
  }

  // The last assignment's count, so its message follows a language switch.
  let assigned: number | null = null;
  function sayAssigned(): void {
    if (assigned === null) return;
    const msg = q('#assign-message');
    msg.textContent = t('review.assigned', { n: fmt(assigned, 0) });
    msg.className = 'ok';
  }

  async function assign(): Promise<void> {
    const division = q<HTMLInputElement>('#assign-division').value.trim();
    const to = q<HTMLInputElement>('#assign-to').value.trim();
    const msg = q('#assign-message');
    try {
      const r = await reviewApi.assignDistrict(division, to);
      assigned = r.assigned;
      sayAssigned();
      store.dispatch(listChanged);
      await loadList(true);
    } catch (err) {
      assigned = null;
      msg.textContent = (err as Error).message;
      msg.className = 'bad';
    }
  }

  // ---------- loading ----------

  async function loadList(keepScroll = false): Promise<void> {
    listReads++;
    listAbort?.abort();
    listAbort = new AbortController();
    const total = await list.reset(keepScroll);
    store.dispatch(listLoaded, total);
    renderCounts();
  }

  /** Work started by a key, a click or a state change and not yet finished (tests wait on it: settled()). */
  const working = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    working.add(p);
    void p.finally(() => working.delete(p)).catch(() => {});
  };
  const settled = async (): Promise<void> => { while (working.size) await Promise.allSettled([...working]); };

  /**
   * An item's four reads, started together (the history as soon as the item names its source):
   * after the first, each waited behind the map's tiles on the embedded engine's one session.
   */
  const readsOf = (id: number): ItemReads => {
    const item = reviewApi.item(id);
    return {
      at: Date.now(), list: listReads, item, outlines: reviewApi.outlines(id), comments: reviewApi.comments(id),
      history: item.then((d) => (d.sourceId ? reviewApi.history(d.sourceId) : [])),
    };
  };
  /**
   * The next item's reads, started once an item is shown: a reviewer stepping through the list
   * finds them done. Not taken once the list has been read again since they started (a save,
   * even one still on its way when they started, may postdate them) or when older than PREFETCH_MS.
   */
  const takeReads = (id: number): ItemReads => {
    const r = prefetched.get(id);
    prefetched.delete(id);
    return r && r.list === listReads && Date.now() - r.at < PREFETCH_MS ? r : readsOf(id);
  };
  async function prefetchNext(): Promise<void> {
    const index = stepIndex(store.get(), 1);
    if (index === null || index === store.get().index) return;
    const next = await list.at(index);
    if (!next || prefetched.has(next.id) || next.id === store.get().item) return;
    const r = readsOf(next.id);
    // Nobody may ever take these: a failure shows when the item is opened, not as an unhandled rejection.
    for (const p of [r.item, r.outlines, r.comments, r.history]) p.catch(() => undefined);
    prefetched.clear();
    prefetched.set(next.id, r);
    // And the tiles its map will ask for, once its reads say where it lies; the next open stops them.
    tileAbort?.abort();
    const abort = (tileAbort = new AbortController());
    const [d, o] = await Promise.all([r.item, r.outlines]);
    if (!abort.signal.aborted && !disposed()) await reviewMap.prefetch(onMap(d), o, abort.signal);
  }

  let opening = 0;
  /**
   * Shows a finding. Only the latest call may draw: one that a newer open overtook stops at its
   * next step, so an item the reviewer has already left never comes back on screen.
   */
  async function open(id: number): Promise<void> {
    const ticket = ++opening;
    tileAbort?.abort();
    const current = () => ticket === opening && !disposed();
    const reads = takeReads(id);
    const [d, o] = await Promise.all([reads.item, reads.outlines]);
    if (!current()) return;
    detail = d;
    outlines = o;
    dragged = null;
    picked = null;
    say('');
    renderDetail();
    list.redraw();
    // The map, the edit history and the comments side by side: each checks on its own that the
    // item is still the open one before it draws (bench:workbench times this path).
    await Promise.all([drawMap(), renderHistory(reads.history), renderComments(reads.comments)]);
    if (!current()) return;
    container.dataset.shown = String(id);
    void prefetchNext().catch(() => undefined);
  }

  /** The open finding on the map, its labels in the current language. */
  async function drawMap(): Promise<void> {
    if (!detail) return;
    await reviewMap.show(onMap(detail), outlines);
  }

  /** What the map shows of a finding. */
  function onMap(d: Detail): FindingOnMap {
    const cands = candidatesOf(d);
    return {
      lon: d.lon, lat: d.lat, nearby: d.nearby,
      candidates: cands.map((c) => ({ code: c.code, label: c.label, lon: c.lon, lat: c.lat, distanceM: c.shift_m ?? null, chosen: cands.length === 1 })),
    };
  }

  async function step(dir: 1 | -1): Promise<void> {
    const index = stepIndex(store.get(), dir);
    if (index === null) return;
    const item = await list.at(index);
    if (!item) return;
    list.reveal(index);
    store.dispatch(openItem, item.id, index);
  }

  // ---------- actions ----------

  async function act(action: 'accept' | 'apply_suggestion' | 'move' | 'field_check'): Promise<void> {
    const d = detail;
    if (!d) return;
    if (!canReview(me)) { say(t('review.needReviewer'), true); return; }
    const reason = q<HTMLInputElement>('#reason').value.trim();
    const body: Record<string, unknown> = { action, ...(reason ? { reason } : {}) };
    if (d.rowVersion !== null) body.rowVersion = d.rowVersion;
    if (action === 'accept' && !reason) { say(t('review.reasonNeeded'), true); q('#reason').focus(); return; }
    if (action === 'move') {
      if (!dragged) { say(t('review.dragFirst'), true); return; }
      body.lon = dragged[0];
      body.lat = dragged[1];
    }
    if (action === 'apply_suggestion') {
      const cands = candidatesOf(d);
      if (cands.length > 1 && !picked) { say(t('review.ambiguous'), true); return; }
      if (cands.length > 1) body.candidate = picked;
    }
    try {
      // Built field by field above; the server parses it with the same schema.
      const r = await reviewApi.act(d.id, body as ActionBody);
      done.push({ editLogId: r.editLogId, findingId: d.id });
      q<HTMLInputElement>('#reason').value = '';
      await afterSave(d.id);
    } catch (err) {
      say((err as Error).message, true);
    }
  }

  async function undo(): Promise<void> {
    const last = done.at(-1);
    if (!last) return;
    try {
      await reviewApi.undo(last.editLogId);
      done.pop();
      await afterSave(last.findingId);
    } catch (err) {
      say((err as Error).message, true);
    }
  }

  async function applyBatch(target: { findingIds?: readonly number[]; importBatch?: number }): Promise<void> {
    if (!canReview(me)) { say(t('review.needReviewer'), true); return; }
    const reason = q<HTMLInputElement>('#reason').value.trim();
    try {
      const r = await reviewApi.batch({ action: 'apply_suggestion', ...target, ...(reason ? { reason } : {}) });
      store.dispatch(clearSelection);
      await loadList(true);
      if (detail) await open(detail.id);
      say(`${t('review.saved')} · ${r.done}${r.failed.length ? ` · ${r.failed.length} ✗` : ''}`, r.failed.length > 0);
    } catch (err) {
      say((err as Error).message, true);
    }
  }

  /**
   * After a save: the list read again (the status changed) and the saved finding shown anew,
   * unless the reviewer has moved on meanwhile (F then J at once): reopening it then put the
   * screen back on the item just left while the list's place had moved to the next (the
   * keyboard step's failure under load on PostgreSQL, where the save and the next item's
   * reads overlap).
   */
  async function afterSave(findingId: number): Promise<void> {
    store.dispatch(listChanged);
    await loadList(true);
    if (store.get().item !== findingId) return;
    await open(findingId);
    if (store.get().item === findingId) say(t('review.saved'));
  }

  async function runAll(): Promise<void> {
    const bar = q<HTMLProgressElement>('#run-progress');
    const text = q('#run-text');
    try {
      let run = await reviewApi.startRun();
      const started = performance.now();
      bar.hidden = false;
      while (run.status === 'running' && !disposed()) {
        const share = run.totalUnits ? run.doneUnits / run.totalUnits : 0;
        bar.value = share;
        const elapsed = performance.now() - started;
        const eta = share > 0 ? Math.max(0, elapsed / share - elapsed) : null;
        text.textContent = t('review.running', { done: run.doneUnits, total: run.totalUnits, eta: eta === null ? '—' : `${Math.ceil(eta / 1000)} s` });
        await new Promise((r) => setTimeout(r, 400));
        run = await reviewApi.run(run.runId);
      }
      bar.value = 1;
      text.dataset.status = run.status;
      text.dataset.t = run.status === 'done' ? 'review.runDone' : 'review.runFailed';
      text.textContent = t(text.dataset.t as MessageKey);
      await loadList();
      window.dispatchEvent(new CustomEvent('yzt:review-run-done'));
    } catch (err) {
      text.textContent = err instanceof ApiError ? err.message : String(err);
    }
  }

  // ---------- wiring ----------

  const unsubscribe = store.subscribe((s, prev) => {
    history.replaceState(null, '', `${location.pathname}${encodeReview(s, lang())}`);
    if (s.listVersion !== prev.listVersion && (s.filters !== prev.filters || s.sort !== prev.sort)) void loadList();
    if (s.item !== prev.item && s.item !== null) track(open(s.item));
    if (s.selection !== prev.selection) { renderCounts(); list.redraw(); }
  });
  const offLang = onLangChange(() => { renderChrome(); sayAssigned(); void drawMap(); void renderHistory(); history.replaceState(null, '', `${location.pathname}${encodeReview(store.get(), lang())}`); });

  for (const el of container.querySelectorAll<HTMLSelectElement | HTMLInputElement>('[data-filter]')) {
    el.addEventListener('change', () => store.dispatch(setFilter, el.dataset.filter as keyof ReviewFilters, el.value.trim()));
  }
  q<HTMLInputElement>('#f-mine').addEventListener('change', (e) => store.dispatch(setFilter, 'assignee', (e.target as HTMLInputElement).checked ? 'me' : ''));
  q('#assign').addEventListener('submit', (e) => { e.preventDefault(); track(assign()); });
  q('#comment-form').addEventListener('submit', (e) => { e.preventDefault(); track(postComment()); });
  q<HTMLSelectElement>('#f-sort').addEventListener('change', (e) => store.dispatch(setSort, (e.target as HTMLSelectElement).value as Sort));
  q('#filters').addEventListener('submit', (e) => e.preventDefault());
  q('#run').addEventListener('click', () => void runAll());
  q('#batch-apply').addEventListener('click', () => void applyBatch({ findingIds: store.get().selection }));
  for (const b of container.querySelectorAll<HTMLButtonElement>('#actions button')) {
    b.addEventListener('click', () => {
      const a = b.dataset.action!;
      track(a === 'undo' ? undo() : act(a as 'accept'));
    });
  }
  q('#goto').addEventListener('submit', (e) => {
    e.preventDefault();
    const p = parseCoordinatePair(q<HTMLInputElement>('#goto-input').value);
    if (!p) { q('#readout').textContent = t('review.badCoordinate'); return; }
    reviewMap.flyTo(p[0], p[1]);
    q('#readout').textContent = ReviewMap.readout(p);
  });
  q('#png').addEventListener('submit', async (e) => {
    e.preventDefault();
    const w = Math.min(8000, Math.max(200, Number(q<HTMLInputElement>('#png-w').value) || 1600));
    const h = Math.min(8000, Math.max(200, Number(q<HTMLInputElement>('#png-h').value) || 1200));
    const title = detail ? `${t('review.title')} · ${detail.censusId ?? detail.subjectKey} · ${checkName(detail.checkCode)}` : t('review.title');
    const blob = await exportMapPng(reviewMap.map, w, h, {
      title,
      northLabel: t('png.northArrow'),
      // Tianditu's credit and the configured 审图号, as on the map itself.
      attribution: exportCredit(basemap),
      legend: [
        { color: REVIEW_COLORS.zone, label: t('review.zone'), kind: 'line' },
        { color: REVIEW_COLORS.division, label: t('review.divisionOutline'), kind: 'line' },
        { color: REVIEW_COLORS.entered, label: t('review.entered') },
        { color: REVIEW_COLORS.candidate, label: t('review.suggested') },
        { color: REVIEW_COLORS.nearbyFlagged, label: t('review.nearby') },
      ],
    });
    saveBlob(blob, `review-${detail?.id ?? 'map'}-${w}x${h}.png`);
  });
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const key = e.key.toLowerCase();
    const run = ({ j: () => step(1), arrowdown: () => step(1), k: () => step(-1), arrowup: () => step(-1),
      a: () => act('accept'), s: () => act('apply_suggestion'), f: () => act('field_check'), m: () => act('move'), u: () => undo() } as Record<string, () => Promise<void>>)[key];
    if (!run) return;
    e.preventDefault();
    track(run());
  };
  document.addEventListener('keydown', onKey);

  renderChrome();
  await loadList(true);
  const s = store.get();
  if (s.item !== null) await open(s.item);
  container.dataset.ready = 'true';
  Object.assign(window, { __review: { store, list, map: reviewMap.map, whenIdle: () => reviewMap.idle(), settled } });

  return () => {
    unsubscribe();
    offLang();
    document.removeEventListener('keydown', onKey);
    listAbort?.abort();
    tileAbort?.abort();
    reviewMap.remove();
    delete (window as { __review?: unknown }).__review;
  };
}

function row(cells: (string | number)[]): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
  return tr;
}
