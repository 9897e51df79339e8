/**
 * Quality figures (质量): per city and district, the error rate against the 2 % target and the
 * review progress, from the last full check run. It reads them again when a run ends on the
 * review screen (the `yzt:review-run-done` event). Beside them, the three panels of the quality
 * loop, each its own screen-shaped module: list comparison, sampling checks and dispatch.
 */
import { API, type Answer } from '../../../geodata/model/api/index.ts';
import { http } from '../http.ts';
import { fmt, locale, onLangChange, t } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import createDispatchPanel from './dispatch-panel.ts';
import createListComparisonPanel from './list-comparison-panel.ts';
import createSamplingPanel from './sampling-panel.ts';

type QualityRow = Answer<typeof API.review.quality>['rows'][number];

export default function createQualityScreen(): Screen {
  let stop = () => {};
  const panels = [createListComparisonPanel(), createSamplingPanel(), createDispatchPanel()];
  return {
    async mount(outer) {
      outer.classList.add('screen-quality');
      const container = document.createElement('div');
      container.id = 'quality-figures';
      const loop = document.createElement('div');
      loop.className = 'quality-loop';
      outer.replaceChildren(container, loop);
      let data: { rows: QualityRow[]; checkedAt: string | null } | null = null;
      const draw = () => {
        container.innerHTML = `<section class="quality"><h2></h2><p id="quality-checked"></p><table id="quality"><thead><tr></tr></thead><tbody></tbody></table></section>`;
        container.querySelector('h2')!.textContent = `${t('quality.title')} · ${t('quality.target')}`;
        container.querySelector('thead tr')!.append(...['quality.level', 'code', 'name', 'quality.sources', 'quality.withError', 'quality.errorRate', 'quality.progress']
          .map((k) => Object.assign(document.createElement('th'), { textContent: t(k as never) })));
        if (!data) return;
        const at = data.checkedAt;
        container.querySelector('#quality-checked')!.textContent = at ? t('quality.checkedAt', { at: new Date(at).toLocaleString(locale()) }) : t('quality.notRun');
        container.querySelector('tbody')!.replaceChildren(...data.rows.map((r) => {
          const tr = document.createElement('tr');
          tr.dataset.code = r.code;
          for (const c of [t(r.level === 'city' ? 'level.city' : 'level.county'), r.code, r.name ?? '', fmt(r.sources, 0),
            at ? fmt(r.withOpenError, 0) : '—', at ? `${(r.errorRate * 100).toFixed(2)}%` : '—', at ? `${(r.reviewProgress * 100).toFixed(0)}%` : '—']) {
            tr.append(Object.assign(document.createElement('td'), { textContent: c }));
          }
          if (at && !r.meetsTarget) tr.children[5]!.className = 'bad';
          return tr;
        }));
      };
      const load = async () => { data = await http.call(API.review.quality, { cache: 'no-store' }); draw(); outer.dataset.ready = 'true'; };
      const offLang = onLangChange(draw);
      const onRun = () => void load();
      window.addEventListener('yzt:review-run-done', onRun);
      stop = () => { offLang(); window.removeEventListener('yzt:review-run-done', onRun); };
      draw();
      await Promise.all([load(), ...panels.map((p) => {
        const box = document.createElement('div');
        loop.append(box);
        return p.mount(box);
      })]);
      outer.dataset.loopReady = 'true';
    },
    unmount() {
      stop();
      for (const p of panels) p.unmount();
    },
  };
}
