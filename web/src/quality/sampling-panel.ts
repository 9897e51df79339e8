/**
 * 抽样核查 (sampling checks): draw a reproducible sample (by the provincial quota per city and
 * source type, or by a share per county; the seed is shown so the draw can be repeated), tick
 * per sampled source which key indicators the census had right, and read the error and
 * omission rates per city with their 95 % Wilson interval against the 2 % target.
 */
import { API, type Answer, type BodyInput } from '../../../geodata/model/api/index.ts';
import { ApiError, http } from '../http.ts';
import { fmt, lang, locale, onLangChange, t, type MessageKey } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { el, row } from '../dom.ts';
import { tq } from './quality-loop-i18n.ts';

type Plan = Answer<typeof API.quality.samples>['plans'][number];
type Item = Answer<typeof API.quality.sample>['items'][number];
type Rate = Answer<typeof API.quality.rates>['rows'][number];
type Indicators = Answer<typeof API.quality.samples>['indicators'];
type Checks = BodyInput<typeof API.quality.check>['indicators'];
type IndicatorName = keyof Indicators;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);

export default function createSamplingPanel(): Screen {
  let stop = () => {};
  return {
    async mount(container) {
      let plans: Plan[] = [];
      let indicators: Indicators | null = null;
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
          const common = { name: name.value.trim(), ...(seed.value.trim() && { seed: seed.value.trim() }) };
          void drawSample(method.value === 'share' ? { method: 'share', ...common, share: Number(share.value) } : { method: 'quota', ...common });
        };
        const parts: (Node | string)[] = [el('h3', { textContent: tq('sp.title') }), form, el('p', { id: 'sp-message', textContent: message() })];
        if (!plan) {
          parts.push(el('p', { textContent: tq('sp.noPlan') }));
        } else {
          const select = el('select', { id: 'sp-plans' }, ...plans.map((p) => el('option', { value: String(p.id), selected: p.id === planId, textContent: `${p.name} · ${p.seed}` })));
          select.onchange = () => { planId = Number(select.value); void loadPlan(); };
          // Object.entries types its keys as string; these are the schema's indicator names.
          const names = Object.entries(indicators ?? {}) as [IndicatorName, Indicators[IndicatorName]][];
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
            rateTable, omissionForm(), el('p', { className: 'hint', textContent: tq('sp.indicatorsHint') }), table);
        }
        root.replaceChildren(...parts);
      };

      // A unit found in the field that the census does not hold: it counts in its city's omission rate.
      const omissionForm = (): HTMLElement => {
        const division = el('input', { id: 'sp-om-division', name: 'divisionCode', size: 9, placeholder: '440305' });
        const unitName = el('input', { id: 'sp-om-name', name: 'name', size: 24 });
        const note = el('input', { id: 'sp-om-note', name: 'note', size: 24 });
        const form = el('form', { id: 'sp-omission' }, el('strong', { textContent: tq('sp.omissionTitle') }), ' ',
          el('label', {}, tq('sp.omissionDivision'), ' ', division), ' ', el('label', {}, tq('sp.omissionName'), ' ', unitName), ' ',
          el('label', {}, tq('sp.omissionNote'), ' ', note), ' ', el('button', { type: 'submit', textContent: tq('sp.omissionSave') }));
        form.onsubmit = (e) => {
          e.preventDefault();
          const n = note.value.trim();
          void recordOmission({ divisionCode: division.value.trim(), name: unitName.value.trim(), ...(n && { note: n }) });
        };
        return form;
      };
      const recordOmission = async (body: BodyInput<typeof API.quality.omission>) => {
        try {
          await http.call(API.quality.omission, { params: { id: planId! }, body });
          message = () => tq('sp.omissionSaved', { name: body.name });
          await loadPlan();
        } catch (e) { fail(e); }
      };
      const fail = (e: unknown) => { const text = e instanceof ApiError ? e.message : String(e); message = () => text; draw(); };
      const drawSample = async (body: BodyInput<typeof API.quality.drawSample>) => {
        try {
          const plan = await http.call(API.quality.drawSample, { body });
          planId = plan.id;
          message = () => '';
          await loadPlans();
          await loadPlan();
        } catch (e) { fail(e); }
      };
      const record = async (censusId: string, checks: Checks) => {
        try {
          await http.call(API.quality.check, { params: { id: planId! }, body: { censusId, indicators: checks } });
          message = () => `${tq('lc.saved')} · ${censusId}`;
          await loadPlan();
        } catch (e) { fail(e); }
      };
      const loadPlans = async () => {
        const r = await http.call(API.quality.samples, { cache: 'no-store' });
        plans = r.plans;
        indicators = r.indicators;
        if (planId === null && plans[0]) planId = plans[0].id;
      };
      const loadPlan = async () => {
        if (planId !== null) {
          items = (await http.call(API.quality.sample, { params: { id: planId }, cache: 'no-store' })).items;
          rates = (await http.call(API.quality.rates, { params: { id: planId }, cache: 'no-store' })).rows;
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
