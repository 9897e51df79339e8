/**
 * 整改调度 (rectification dispatch): per city and district, the findings and the units to
 * verify raised, closed, open, overdue and unassigned, and the weekly table the census offices
 * sent every Monday, with its XLSX.
 */
import { API, type Answer } from '../../../geodata/model/api/index.ts';
import { ApiError, http } from '../http.ts';
import { fmt, onLangChange } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { el, row } from '../dom.ts';
import { tq, type LoopKey } from './quality-loop-i18n.ts';


const COUNTS = ['opened', 'closed', 'open', 'overdue', 'unassigned', 'findings', 'units'] as const;

export default function createDispatchPanel(): Screen {
  let stop = () => {};
  return {
    async mount(container) {
      let data: Answer<typeof API.quality.dispatch> | null = null;
      /** The district whose assignment form is open, and the last message (redrawn in the current language). */
      let district: string | null = null;
      let message: () => string = () => '';
      const root = el('section', { className: 'ql-panel', id: 'dispatch' });
      container.append(root);
      // The whole district at once: the server hands over every open item it holds, one
      // edit-log entry each, and refuses (with the reason shown) what the caller may not assign.
      const assignDistrict = async (code: string, assignee: string, deadline: string) => {
        try {
          const r = await http.call(API.quality.assign, {
            body: { division: code, ...(assignee.trim() !== '' && { assignee: assignee.trim() }), ...(deadline !== '' && { deadline }) },
          });
          message = () => tq('dp.assigned', { code, findings: fmt(r.findings, 0), units: fmt(r.units, 0) });
          district = null;
          await load();
          window.dispatchEvent(new Event('yzt:quality-changed'));
        } catch (e) {
          const text = e instanceof ApiError ? e.message : String(e);
          message = () => text;
          draw();
        }
      };
      const assignForm = (code: string) => {
        const assignee = el('input', { id: 'dp-assignee', name: 'assignee', placeholder: tq('lc.assignee') });
        const deadline = el('input', { id: 'dp-deadline', name: 'deadline', type: 'date' });
        const form = el('form', { id: 'dp-assign' }, el('strong', { textContent: tq('dp.assignTitle', { code }) }), ' ',
          el('label', {}, `${tq('lc.assignee')} `, assignee), ' ', el('label', {}, `${tq('lc.deadline')} `, deadline), ' ',
          el('button', { type: 'submit', textContent: tq('dp.assign') }));
        form.dataset.code = code;
        form.onsubmit = (ev) => { ev.preventDefault(); void assignDistrict(code, assignee.value, deadline.value); };
        return form;
      };
      const draw = () => {
        const refresh = el('button', { type: 'button', id: 'dp-refresh', textContent: tq('dp.refresh') });
        refresh.onclick = () => void load();
        const summary = el('table', { id: 'dp-rows' }, el('thead', {}, row([tq('dp.level'), tq('dp.code'), tq('dp.name'), ...COUNTS.map((k) => tq(`dp.${k}` as LoopKey)), ''], 'th')),
          el('tbody', {}, ...(data?.rows ?? []).map((r) => {
            const tr = row([tq(r.level), r.code, r.name ?? '', ...COUNTS.map((k) => fmt(r[k], 0))]);
            Object.assign(tr.dataset, { code: r.code, level: r.level, findings: String(r.findings), units: String(r.units) });
            if (r.overdue > 0) tr.children[6]!.className = 'bad';
            const cell = el('td');
            if (r.level === 'county' && r.open > 0) {
              const b = el('button', { type: 'button', textContent: tq('dp.assignDistrict') });
              b.dataset.action = 'assign-district';
              b.onclick = () => { district = r.code; draw(); };
              cell.append(b);
            }
            tr.append(cell);
            return tr;
          })));
        const weeks = el('table', { id: 'dp-weeks' }, el('caption', { textContent: tq('dp.weeks') }),
          el('thead', {}, row([tq('dp.week'), tq('dp.opened'), tq('dp.closed'), tq('dp.openAtEnd'), tq('dp.overdueAtEnd')], 'th')),
          el('tbody', {}, ...(data?.weeks ?? []).map((w) => row([w.week, fmt(w.opened, 0), fmt(w.closed, 0), fmt(w.openAtEnd, 0), fmt(w.overdueAtEnd, 0)]))));
        const unplaced = data && (data.unplaced.findings > 0 || data.unplaced.units > 0)
          ? [el('p', { id: 'dp-unplaced', className: 'bad', textContent: tq('dp.unplaced', { findings: fmt(data.unplaced.findings, 0), units: fmt(data.unplaced.units, 0) }) })] : [];
        root.replaceChildren(el('h3', { textContent: tq('dp.title') }),
          el('p', {}, `${tq('dp.today')} ${data?.today ?? '—'} `, refresh, ' ',
            el('a', { id: 'dp-xlsx', href: http.url('/dispatch', { today: data?.today, format: 'xlsx' }), textContent: tq('xlsx') })),
          el('p', { id: 'dp-message', textContent: message() }),
          ...(district ? [assignForm(district)] : []),
          summary, ...unplaced, weeks);
      };
      const load = async () => {
        data = await http.call(API.quality.dispatch, { cache: 'no-store' });
        draw();
        root.dataset.ready = 'true';
      };
      // A decision or a check run changes the counts: read them again.
      const again = () => void load();
      window.addEventListener('yzt:review-run-done', again);
      window.addEventListener('yzt:quality-changed', again);
      const offLang = onLangChange(draw);
      stop = () => { offLang(); window.removeEventListener('yzt:review-run-done', again); window.removeEventListener('yzt:quality-changed', again); };
      draw();
      await load();
    },
    unmount() {
      stop();
    },
  };
}
