/**
 * 名录比对 (list comparison): import another department's list (CSV or XLSX), see it matched
 * against the directory (matched / to confirm / to verify), and work a unit through phone and
 * field check to a decision (纳入 / 不纳入 / 已关闭) with a note. Every step goes through
 * `POST /api/lists/{id}/units/{line}/decision`, which writes the edit log. A unit to verify (or
 * every unit shown) gets an assignee and a deadline through `POST /api/dispatch/assign`, so the
 * dispatch view can follow it to its decision.
 */
import { API, type Answer, type BodyInput } from '../../../geodata/model/api/index.ts';
import { ApiError, http } from '../http.ts';
import { fmt, locale, onLangChange } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { el, row } from '../dom.ts';
import { codeLabel, tq } from './quality-loop-i18n.ts';

type Outcome = 'matched' | 'ambiguous' | 'unmatched';
type ListSummary = Answer<typeof API.quality.lists>['lists'][number];
type Unit = Answer<typeof API.quality.decide>;
type UnitDecision = BodyInput<typeof API.quality.decide>;
type Assignment = Pick<BodyInput<typeof API.quality.assign>, 'assignee' | 'deadline'>;

const OUTCOMES: Outcome[] = ['matched', 'ambiguous', 'unmatched'];
const PHONE = ['confirmed_operating', 'confirmed_closed', 'unreachable', 'not_ours'] as const;
const FIELD = ['operating', 'closed', 'not_found', 'not_polluting'] as const;
const DECISION = ['include', 'exclude', 'closed'] as const;

/** The code a select shows, if it is one of `codes` (the empty option is none). */
function chosen<T extends string>(select: HTMLSelectElement, codes: readonly T[]): T | undefined {
  return codes.find((c) => c === select.value);
}

export default function createListComparisonPanel(): Screen {
  let stop = () => {};
  return {
    async mount(container) {
      let lists: ListSummary[] = [];
      let listId: number | null = null;
      let kind: Outcome = 'matched';
      let page: { items: Unit[]; total: number } | null = null;
      let unit: Unit | null = null;
      // A thunk, so that a message shown before a language switch follows it.
      let message: () => string = () => '';
      const root = el('section', { className: 'ql-panel', id: 'list-comparison' });
      container.append(root);

      const draw = () => {
        const list = lists.find((l) => l.id === listId) ?? null;
        const nameInput = el('input', { name: 'name', id: 'lc-name', required: true });
        const fileInput = el('input', { type: 'file', name: 'file', id: 'lc-file', accept: '.csv,.xlsx', required: true });
        const form = el('form', { id: 'lc-upload' },
          el('label', {}, tq('lc.name'), ' ', nameInput), ' ', el('label', {}, tq('lc.file'), ' ', fileInput), ' ',
          el('button', { type: 'submit', textContent: tq('lc.upload') }));
        form.onsubmit = (e) => { e.preventDefault(); void upload(form); };
        const select = el('select', { id: 'lc-lists' }, ...lists.map((l) => el('option', {
          value: String(l.id), selected: l.id === listId, textContent: `${l.name} · ${fmt(l.units, 0)} · ${new Date(l.createdAt).toLocaleDateString(locale())}`,
        })));
        select.onchange = () => { listId = Number(select.value); unit = null; void loadPage(); };
        const tabs = el('div', { className: 'ql-tabs', id: 'lc-tabs' }, ...OUTCOMES.map((k) => {
          const b = el('button', { type: 'button', textContent: `${codeLabel('outcome', k)} (${fmt(list?.[k] ?? 0, 0)})`, dataset: { kind: k, count: String(list?.[k] ?? 0) } });
          if (k === kind) b.setAttribute('aria-pressed', 'true');
          b.onclick = () => { kind = k; unit = null; void loadPage(); };
          return b;
        }));
        const table = el('table', { id: 'lc-table' }, el('thead', {}, row(['lc.line', 'lc.unitName', 'lc.creditCode', 'lc.censusId', 'lc.matchKind', 'lc.score', 'lc.decision', 'lc.assignee', 'lc.deadline'].map((k) => tq(k as never)), 'th')));
        const body = el('tbody');
        for (const u of page?.items ?? []) {
          const tr = row([u.line, u.name, u.creditCode ?? '—', u.censusId ?? '—', codeLabel('kind', u.matchKind), u.score === null ? '—' : fmt(u.score, 2), codeLabel('decision', u.decision), u.assignee ?? '—', u.deadline?.slice(0, 10) ?? '—']);
          tr.dataset.line = String(u.line);
          if (unit?.line === u.line) tr.className = 'selected';
          tr.onclick = () => { unit = u; message = () => ''; draw(); };
          body.append(tr);
        }
        table.append(body);
        const xlsx = el('a', { id: 'lc-xlsx', textContent: tq('xlsx'), href: listId ? http.url(`/lists/${listId}/matches`, { kind, format: 'xlsx' }) : '#' });
        root.replaceChildren(el('h3', { textContent: tq('lc.title') }), form,
          el('p', { id: 'lc-message', textContent: message() }),
          ...(lists.length ? [el('label', {}, tq('lc.lists'), ' ', select), tabs,
            el('p', {}, page ? tq('lc.shown', { n: fmt(page.items.length, 0), total: fmt(page.total, 0) }) : '', ' ', xlsx), table,
            assignForm('lc-all', null, () => (page?.items ?? []).map((u) => u.line), 'lc.assignShown'), unitForm()] : [el('p', { textContent: tq('lc.noList') })]));
      };

      /** Assignee and deadline for the lines `lines()` gives; `current` fills the inputs from one unit. */
      const assignForm = (id: string, current: Unit | null, lines: () => number[], label: 'lc.assign' | 'lc.assignShown'): HTMLElement => {
        const who = el('input', { id: `${id}-assignee`, name: 'assignee', value: current?.assignee ?? '', size: 12 });
        const until = el('input', { id: `${id}-deadline`, name: 'deadline', type: 'date', value: current?.deadline?.slice(0, 10) ?? '' });
        const go = el('button', { type: 'button', id: `${id}-assign`, textContent: tq(label) });
        go.onclick = () => {
          const a = who.value.trim(), d = until.value;
          void assign(lines(), { ...(a && { assignee: a }), ...(d && { deadline: d }) });
        };
        return el('div', { className: 'ql-assign', id }, el('label', {}, tq('lc.assignee'), ' ', who), ' ',
          el('label', {}, tq('lc.deadline'), ' ', until), ' ', go);
      };

      const unitForm = (): HTMLElement => {
        const box = el('div', { id: 'lc-unit', className: 'ql-unit' });
        if (!unit) { box.textContent = tq('lc.pick'); return box; }
        const u = unit;
        box.dataset.line = String(u.line);
        box.append(el('h4', { textContent: `${tq('lc.line')} ${u.line} · ${u.name} · ${codeLabel('outcome', u.outcome)}` }));
        // A confirmation carries the note typed beside it (who on the phone said which one).
        const typedNote = (): { note?: string } => {
          const v = box.querySelector<HTMLInputElement>('#lc-note')?.value.trim();
          return v ? { note: v } : {};
        };
        if (u.outcome === 'ambiguous') {
          const cands = el('table', { id: 'lc-candidates' }, el('caption', { textContent: tq('lc.candidates') }),
            row([tq('lc.censusId'), tq('lc.unitName'), tq('lc.score'), tq('lc.distance'), ''], 'th'));
          for (const c of u.candidates) {
            const tr = row([c.censusId, c.name, fmt(c.score, 2), c.distanceM == null ? '—' : fmt(c.distanceM, 0)]);
            const b = el('button', { type: 'button', textContent: tq('lc.confirm'), dataset: { confirm: c.censusId } });
            b.onclick = () => void decide({ confirm: c.censusId, ...typedNote() });
            tr.append(el('td', {}, b));
            cands.append(tr);
          }
          const none = el('button', { type: 'button', id: 'lc-none', textContent: tq('lc.none') });
          none.onclick = () => void decide({ confirm: null, ...typedNote() });
          box.append(cands, none);
        }
        const pick = (id: string, group: 'phone' | 'field' | 'decision', codes: readonly string[], current: string | null) =>
          el('select', { id }, el('option', { value: '', textContent: tq('unset') }), ...codes.map((c) => el('option', { value: c, selected: c === current, textContent: codeLabel(group, c) })));
        const phone = pick('lc-phone', 'phone', PHONE, u.phoneResult);
        const field = pick('lc-field', 'field', FIELD, u.fieldResult);
        const decision = pick('lc-decision', 'decision', DECISION, u.decision);
        const note = el('input', { id: 'lc-note', value: u.decisionNote ?? '', size: 40 });
        const save = el('button', { type: 'button', id: 'lc-save', textContent: tq('lc.save') });
        save.onclick = () => {
          const p = chosen(phone, PHONE), f = chosen(field, FIELD), d = chosen(decision, DECISION), n = note.value.trim();
          void decide({ ...(p && { phone: p }), ...(f && { field: f }), ...(d && { decision: d }), ...(n && { note: n }) });
        };
        box.append(el('div', {}, el('label', {}, tq('lc.phone'), ' ', phone), ' ', el('label', {}, tq('lc.field'), ' ', field), ' ',
          el('label', {}, tq('lc.decision'), ' ', decision), ' ', el('label', {}, tq('lc.note'), ' ', note), ' ', save),
          assignForm('lc-unit', u, () => [u.line], 'lc.assign'));
        return box;
      };

      // A refusal is shown as the server words it (ApiError), as in the sampling panel.
      const fail = (e: unknown) => { const text = e instanceof ApiError ? e.message : String(e); message = () => text; draw(); };
      const decide = async (body: UnitDecision) => {
        if (!unit || !listId) return;
        try {
          unit = await http.call(API.quality.decide, { params: { id: listId, line: unit.line }, body });
          { const line = unit.line; message = () => `${tq('lc.saved')} · ${tq('lc.line')} ${line}`; }
          await loadLists();
          await loadPage(false);
          window.dispatchEvent(new Event('yzt:quality-changed'));
        } catch (e) { fail(e); }
      };
      // The server checks the assignment (an assignee or a deadline, a date, the caller's scope)
      // and writes one edit-log entry per unit; its refusal is shown as it says it.
      const assign = async (lines: number[], body: Assignment) => {
        if (!listId || lines.length === 0) return;
        try {
          const r = await http.call(API.quality.assign, { body: { units: lines.map((l) => `${listId}:${l}`), ...body } });
          message = () => tq('lc.assigned', { n: fmt(r.units, 0) });
          await loadPage(false);
          window.dispatchEvent(new Event('yzt:quality-changed'));
        } catch (e) { fail(e); }
      };
      const upload = async (form: HTMLFormElement) => {
        try {
          const r = await http.call(API.quality.uploadList, { body: new FormData(form) });
          message = () => tq('lc.uploaded', { units: r.units, matched: r.matched, ambiguous: r.ambiguous, unmatched: r.unmatched });
          listId = r.id;
          kind = 'matched';
          unit = null;
          await loadLists();
          await loadPage();
          window.dispatchEvent(new Event('yzt:quality-changed'));
        } catch (e) { fail(e); }
      };
      const loadLists = async () => {
        lists = (await http.call(API.quality.lists, { cache: 'no-store' })).lists;
        if (listId === null && lists[0]) listId = lists[0].id;
      };
      const loadPage = async (clearUnit = true) => {
        if (clearUnit) unit = null;
        page = listId ? await http.call(API.quality.matches, { params: { id: listId }, query: { kind, limit: 200 }, cache: 'no-store' }) : null;
        if (unit) unit = page?.items.find((u) => u.line === unit!.line) ?? unit;
        draw();
        root.dataset.ready = 'true';
        root.dataset.kind = kind;
      };
      stop = onLangChange(draw);
      draw();
      await loadLists();
      await loadPage();
    },
    unmount() {
      stop();
    },
  };
}
