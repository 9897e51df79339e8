/**
 * 抽样核查 (sampling checks): draw a reproducible sample (by the provincial quota per city and
 * source type, or by a share per county; the seed is shown so the draw can be repeated), tick
 * per sampled source which key indicators the census had right, and read the error and
 * omission rates per city with their 95 % Wilson interval against the 2 % target.
 */
import { ApiError, http } from '../http.ts';
import { fmt, lang, locale, onLangChange, t, type MessageKey } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { el, row, tq } from './quality-loop-i18n.ts';

interface Plan { id: number; name: string; seed: string; method: 'quota' | 'share'; createdBy: string; createdAt: string; items: number }
interface Item { censusId: string; name: string; sourceType: string; divisionCode: string; checks: Record<string, boolean>; checkedBy: string | null }
interface Rate { city: string; name: string | null; drawn: number; checked: number; wrong: number; errorRate: number | null; errorInterval: [number, number] | null; omissions: number; omissionRate: number | null; meetsTarget: boolean | null }
type Indicators = Record<string, { zh: string; en: string }>;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);

export default function createSamplingPanel(): Screen {
  let stop = () => {};
  return {
    async mount(container) {
      let plans: Plan[] = [];
      let indicators: Indicators = {};
      let planId: number | null = null;
      let items: Item[] = [];
      let rates: Rate[] = [];
      // A thunk, so that a message shown before a language switch follows it.
      let message: () => string = () => '';
      const root = el('section', { className: 'ql-panel', id: 'sampling' });
      container.append(root);
      const typeLabel = (code: string) => t(`type.${code}` as MessageKey);

      const draw = () => {
        const plan = plans.find((p) => p.id === planId) ?? null;
        const method = el('select', { id: 'sp-method' }, ...(['quota', 'share'] as const).map((m) => el('option', { value: m, textContent: tq(`method.${m}`) })));
        const name = el('input', { id: 'sp-name', required: true });
        const seed = el('input', { id: 'sp-seed', size: 12 });
        const share = el('input', { id: 'sp-share', type: 'number', min: '0.01', max: '1', step: '0.01', value: '0.1' });
        const form = el('form', { id: 'sp-form' }, el('label', {}, tq('sp.method'), ' ', method), ' ', el('label', {}, tq('sp.name'), ' ', name), ' ',
          el('label', {}, tq('sp.seed'), ' ', seed), ' ', el('label', {}, tq('sp.share'), ' ', share), ' ', el('button', { type: 'submit', textContent: tq('sp.draw') }));
        form.onsubmit = (e) => {
          e.preventDefault();
          const body: Record<string, unknown> = { method: method.value, name: name.value.trim() };
          if (seed.value.trim()) body.seed = seed.value.trim();
          if (method.value === 'share') body.share = Number(share.value);
          void drawSample(body);
        };
        const parts: (Node | string)[] = [el('h3', { textContent: tq('sp.title') }), form, el('p', { id: 'sp-message', textContent: message() })];
        if (!plan) {
          parts.push(el('p', { textContent: tq('sp.noPlan') }));
        } else {
          const select = el('select', { id: 'sp-plans' }, ...plans.map((p) => el('option', { value: String(p.id), selected: p.id === planId, textContent: `${p.name} · ${p.seed}` })));
          select.onchange = () => { planId = Number(select.value); void loadPlan(); };
          const names = Object.entries(indicators);
          const table = el('table', { id: 'sp-items' }, el('thead', {}, row([tq('sp.source'), tq('dp.name'), tq('sp.type'), tq('sp.division'),
            ...names.map(([, v]) => v[lang()]), tq('sp.checkedBy'), ''], 'th')));
          const body = el('tbody');
          for (const it of items) {
            const tr = row([it.censusId, it.name, typeLabel(it.sourceType), it.divisionCode]);
            tr.dataset.census = it.censusId;
            const boxes = names.map(([k]) => {
              const box = el('input', { type: 'checkbox', checked: it.checks[k] !== false, dataset: { indicator: k } });
              tr.append(el('td', {}, box));
              return box;
            });
            tr.append(el('td', { className: 'sp-by', textContent: it.checkedBy ?? '—' }));
            const save = el('button', { type: 'button', className: 'sp-save', textContent: tq('lc.save') });
            save.onclick = () => void record(it.censusId, Object.fromEntries(names.map(([k], i) => [k, boxes[i]!.checked])));
            tr.append(el('td', {}, save));
            body.append(tr);
          }
          table.append(body);
          const rateTable = el('table', { id: 'sp-rates' }, el('caption', { textContent: tq('sp.rates') }), el('thead', {}, row([tq('sp.city'), tq('dp.name'), tq('sp.drawn'),
            tq('sp.checked'), tq('sp.wrong'), tq('sp.errorRate'), tq('sp.interval'), tq('sp.omissions'), tq('sp.omissionRate'), tq('sp.meets')], 'th')),
          el('tbody', {}, ...rates.map((r) => {
            const tr = row([r.city, r.name ?? '', fmt(r.drawn, 0), fmt(r.checked, 0), fmt(r.wrong, 0), pct(r.errorRate),
              r.errorInterval ? `${pct(r.errorInterval[0])} – ${pct(r.errorInterval[1])}` : '—', fmt(r.omissions, 0), pct(r.omissionRate),
              r.meetsTarget === null ? '—' : tq(r.meetsTarget ? 'yes' : 'no')]);
            tr.dataset.city = r.city;
            if (r.meetsTarget === false) tr.children[5]!.className = 'bad';
            return tr;
          })));
          parts.push(el('label', {}, tq('sp.plans'), ' ', select),
            el('p', { id: 'sp-plan', dataset: { seed: plan.seed } }, tq('sp.planInfo', { seed: plan.seed, items: fmt(plan.items, 0), by: plan.createdBy, at: new Date(plan.createdAt).toLocaleString(locale()) }),
              ' ', el('a', { id: 'sp-xlsx', href: http.url(`/samples/${plan.id}`, { format: 'xlsx' }), textContent: tq('xlsx') })),
            rateTable, el('p', { className: 'hint', textContent: tq('sp.indicatorsHint') }), table);
        }
        root.replaceChildren(...parts);
      };

      const fail = (e: unknown) => { const text = e instanceof ApiError ? e.message : String(e); message = () => text; draw(); };
      const drawSample = async (body: Record<string, unknown>) => {
        try {
          const plan = await http.json<Plan>('/samples', { method: 'POST', body });
          planId = plan.id;
          message = () => '';
          await loadPlans();
          await loadPlan();
        } catch (e) { fail(e); }
      };
      const record = async (censusId: string, checks: Record<string, boolean>) => {
        try {
          await http.request(`/samples/${planId}/checks`, { method: 'POST', body: { censusId, indicators: checks } });
          message = () => `${tq('lc.saved')} · ${censusId}`;
          await loadPlan();
        } catch (e) { fail(e); }
      };
      const loadPlans = async () => {
        const r = await http.json<{ plans: Plan[]; indicators: Indicators }>('/samples', { cache: 'no-store' });
        plans = r.plans;
        indicators = r.indicators;
        if (planId === null && plans[0]) planId = plans[0].id;
      };
      const loadPlan = async () => {
        if (planId !== null) {
          items = (await http.json<{ items: Item[] }>(`/samples/${planId}`, { cache: 'no-store' })).items;
          rates = (await http.json<{ rows: Rate[] }>(`/samples/${planId}/rates`, { cache: 'no-store' })).rows;
        }
        draw();
        root.dataset.ready = 'true';
        root.dataset.plan = String(planId ?? '');
      };
      stop = onLangChange(draw);
      draw();
      await loadPlans();
      await loadPlan();
    },
    unmount() {
      stop();
    },
  };
}
