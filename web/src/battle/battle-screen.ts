import { ArcLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { BasemapAnswer } from '../../../geodata/model/basemap.ts';
import { baseStyle, LABEL_FONT } from '../basemap-style.ts';
import { API } from '../../../geodata/model/api/index.ts';
import { exportCredit, loadBasemap, mapCredit, tiandituOf } from '../basemap-tianditu.ts';
import { askedSize, exportMapPng, legendFromPanel, saveBlob } from '../map-export.ts';
import { ApiError, http } from '../http.ts';
import { onLangChange, t } from '../i18n.ts';
import type { Screen } from '../shell/screen.ts';
import { fetchTrace, type NetworkTraceAnswer } from '../trace/trace.ts';
import { traceLayers } from '../trace/trace-layers.ts';
import { renderTraceError, renderTracePanel } from '../trace/trace-panel.ts';
import './battle.css';

/**
 * Basin battle map (挂图作战) for a wall screen: the main client's base map in dark colours,
 * sections coloured by attainment with the failing ones ringed and pulsing, their top upstream
 * contributors highlighted and joined to them by arcs, a ranking panel and a month slider;
 * picking a section of the ranking draws its upstream trace (reaches and ranked contributors).
 * It refreshes its data every few minutes and reloads itself once a day, so a screen left on
 * for days does not accumulate state. State (basin, month) is in the URL's query.
 */
maplibregl.setWorkerUrl(workerUrl);

const TEMPLATE = `
  <div id="map"></div>
  <header id="battle-bar">
    <h1></h1>
    <label><span data-t="battle.basin"></span> <select id="basin" data-testid="basin-select"><option value="">—</option></select></label>
    <label class="month"><span data-t="battle.month"></span> <input id="month" type="range" min="0" max="0" step="1" value="0" data-testid="month-slider" />
      <output id="month-label" data-testid="month-label">—</output></label>
    <span id="clock"></span>
    <span id="status" data-testid="status"></span>
    <form id="png"><input id="png-w" type="number" value="1920" min="200" max="8000" /> × <input id="png-h" type="number" value="1080" min="200" max="8000" />
      <button type="submit" data-t="png.export"></button></form>
  </header>
  <aside id="ranking" data-testid="ranking">
    <h2>问题清单 <small>sections missing their target</small></h2>
    <div id="summary"></div>
    <ol id="problems"></ol>
  </aside>
  <aside id="trace-panel" data-testid="trace-panel" hidden></aside>
  <footer id="legend">
    <span><i class="dot ok"></i>达标</span><span><i class="dot bad"></i>未达标</span><span><i class="dot none"></i>无数据</span>
    <span><i class="dot src"></i>主要贡献源</span><span>弧线：贡献源 → 断面（宽度按负荷占比）</span>
  </footer>`;

export default function createBattleScreen(): Screen {
  let stop = () => {};
  let gone = false;
  return {
    async mount(container) {
      container.classList.add('screen-battle');
      container.innerHTML = TEMPLATE;
      const chrome = () => {
        container.querySelector('h1')!.textContent = t('battle.title');
        for (const el of container.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = t(el.dataset.t as 'battle.basin');
      };
      chrome();
      const offLang = onLangChange(chrome);
      stop = offLang;
      const basemap = await loadBasemap();
      if (gone) return;
      const end = mountBattle(basemap);
      stop = () => { offLang(); end(); };
    },
    unmount() {
      gone = true;
      stop();
    },
  };
}

function mountBattle(basemap: BasemapAnswer): () => void {

  const REFRESH_MS = 5 * 60_000;
  const RELOAD_MS = 24 * 3600_000;
  // After unmount, a view still in flight draws into a detached element, not into nothing.
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => (document.getElementById(id) ?? document.createElement(id === 'month' ? 'input' : id === 'basin' ? 'select' : 'div')) as T;

  interface Loads { cod: number; nh3n: number; tn: number; tp: number }
  interface Contributor { id: string; name: string | null; sourceType?: string; share: number; decayed: Loads; riverM: number; lon: number | null; lat: number | null }
  interface Problem { code: string; name: string; targetClass: number; waterClass: number; lon: number; lat: number; contributors: Contributor[] }
  interface Section { code: string; name: string; lon: number; lat: number; targetClass: number; waterClass: number | null; attains: boolean | null }
  interface View { basin: { code: string; name: string; bbox: [number, number, number, number] | null }; month: string | null; months: string[]; sections: Section[]; problems: Problem[] }
  interface Arc { from: [number, number]; to: [number, number]; share: number; section: string; source: string }

  const CLASS = ['', 'Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', 'Ⅴ', '劣Ⅴ'];
  const params = new URLSearchParams(window.location.search);
  const state = {
    basin: params.get('basin') ?? '',
    month: params.get('month') as string | null,
    view: null as View | null,
    arcs: [] as Arc[],
    pulse: 0,
    trace: null as NetworkTraceAnswer | null,
    loads: 0,
  };

  const map = new maplibregl.Map({
    container: 'map',
    style: baseStyle(window.location.origin, null, null, tiandituOf(basemap)),
    center: [113.4, 22.7],
    zoom: 8,
    localIdeographFontFamily: `"${LABEL_FONT}", "Noto Sans SC", "Microsoft YaHei", sans-serif`,
    attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
  } as maplibregl.MapOptions);
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: mapCredit(basemap, t('title')) }), 'bottom-right');
  const overlay = new MapboxOverlay({ interleaved: false, layers: [] });
  map.addControl(overlay);
  // The wall's picture for a report: the map, deck.gl's sections and arcs, the legend of the footer.
  const onPng = (e: Event) => {
    e.preventDefault();
    const [w, h] = askedSize($<HTMLInputElement>('png-w'), $<HTMLInputElement>('png-h'));
    const basinName = state.view?.basin.name ?? '';
    void exportMapPng(map, w, h, {
      title: [t('battle.title'), basinName, state.view?.month ?? ''].filter(Boolean).join(' · '),
      northLabel: t('png.northArrow'),
      attribution: exportCredit(basemap),
      legend: legendFromPanel($('legend'), 'span'),
      overlays: [overlay.getCanvas()],
    }).then((blob) => saveBlob(blob, `battle-${state.basin || 'map'}-${w}x${h}.png`));
  };
  $('png').addEventListener('submit', onPng);
  map.on('style.load', darken);

  let abort: AbortController | null = null;
  let inflight: Promise<void> = Promise.resolve();

  function darken(): void {
    const paint: [string, string, unknown][] = [
      ['background', 'background-color', '#07111c'],
      ['land', 'fill-color', '#10202f'],
      ['basins-fill', 'fill-color', '#143a36'],
      ['basins-line', 'line-color', '#2f7d6d'],
      ['river_reaches-line', 'line-color', '#2e86c1'],
      ['divisions-county-line', 'line-color', '#2b4257'],
      ['divisions-city-line', 'line-color', '#3b5875'],
      ['divisions-province-line', 'line-color', '#4f7396'],
      ['divisions-township-line', 'line-color', '#1c2e40'],
      ['census-zones-line', 'line-color', '#16283a'],
      ['outfalls-circle', 'circle-color', '#7fd3ff'],
    ];
    for (const [layer, prop, value] of paint) if (map.getLayer(layer)) map.setPaintProperty(layer, prop as 'fill-color', value as string);
    for (const layer of ['basins-label', 'river_reaches-label', 'divisions-label', 'sections-label', 'air-stations-label']) {
      if (map.getLayer(layer)) {
        map.setPaintProperty(layer, 'text-color', '#c9d8e6');
        map.setPaintProperty(layer, 'text-halo-color', '#07111c');
      }
    }
  }


  async function loadBasins(): Promise<void> {
    const { basins } = await http.call(API.network.battleBasins, { cache: 'no-store' });
    const select = $<HTMLSelectElement>('basin');
    for (const b of basins) {
      const o = document.createElement('option');
      o.value = b.code;
      o.textContent = `${'　'.repeat(b.level - 1)}${b.name}（${b.sections}个断面）`;
      select.append(o);
    }
    // A wall screen opens on something: without ?basin=, the main basin with the most sections.
    if (!state.basin) {
      const main = basins.filter((b) => b.level === 1).sort((a, b) => b.sections - a.sections)[0];
      state.basin = main?.code ?? '';
    }
    select.value = state.basin;
    select.onchange = () => {
      state.basin = select.value;
      state.month = null;
      void refresh(true);
    };
    $<HTMLInputElement>('month').oninput = () => {
      const months = state.view?.months ?? [];
      state.month = months[Number($<HTMLInputElement>('month').value)] ?? null;
      $('month-label').textContent = state.month ?? '—';
      void refresh(false);
    };
  }

  /** Fetches the view for the basin and month; a newer request cancels an older one. */
  function refresh(fit: boolean): Promise<void> {
    if (!state.basin) return Promise.resolve();
    abort?.abort();
    const controller = new AbortController();
    abort = controller;

    $('status').textContent = '更新中…';
    inflight = http.call(API.network.battleView, { params: { code: state.basin }, query: { month: state.month }, signal: controller.signal, cache: 'no-store' }).then((view) => {
      if (controller.signal.aborted) return;
      state.view = view;
      state.month = view.month;
      state.loads++;
      const lang = new URLSearchParams(location.search).get('lang');
      history.replaceState(null, '', `${location.pathname}?basin=${encodeURIComponent(state.basin)}${view.month ? `&month=${view.month}` : ''}${lang ? `&lang=${lang}` : ''}`);
      render(view);
      if (fit && view.basin.bbox) map.fitBounds([[view.basin.bbox[0], view.basin.bbox[1]], [view.basin.bbox[2], view.basin.bbox[3]]], { padding: { top: 80, bottom: 60, left: 40, right: 460 }, duration: 0 });
      $('status').textContent = `已更新 ${new Date().toLocaleTimeString('zh-CN', { hour12: false })}`;
    }).catch((err: Error) => {
      // Keep showing the last view: a wall screen should ride out a server restart.
      if (err.name !== 'AbortError') $('status').textContent = `暂不可用，稍后重试（${err.message}）`;
    });
    return inflight;
  }

  function render(view: View): void {
    const slider = $<HTMLInputElement>('month');
    slider.max = String(Math.max(0, view.months.length - 1));
    slider.value = String(Math.max(0, view.months.indexOf(view.month ?? '')));
    $('month-label').textContent = view.month ?? '—';
    state.arcs = view.problems.flatMap((p) => p.contributors.filter((c) => c.lon !== null && c.lat !== null).map((c) => ({
      from: [c.lon!, c.lat!] as [number, number], to: [p.lon, p.lat] as [number, number], share: c.share, section: p.code, source: c.id,
    })));
    const failing = view.sections.filter((s) => s.attains === false).length;
    $('summary').textContent = `${view.basin.name} · ${view.month ?? '无监测数据'} · 断面 ${view.sections.length} 个，未达标 ${failing} 个`;
    const list = $('problems');
    list.replaceChildren(...view.problems.map((p) => {
      const li = document.createElement('li');
      li.dataset.section = p.code;
      const head = document.createElement('div');
      head.className = 'sec';
      head.innerHTML = '';
      head.append(`${p.name}（${p.code}） `, Object.assign(document.createElement('span'), { className: 'cls', textContent: `${CLASS[p.waterClass]}类 / 目标${CLASS[p.targetClass]}类` }));
      const ul = document.createElement('ul');
      ul.append(...p.contributors.map((c) => {
        const item = document.createElement('li');
        const bar = Object.assign(document.createElement('span'), { className: 'bar' });
        bar.style.width = `${Math.max(2, Math.round(c.share * 120))}px`;
        item.append(bar, `${c.name ?? c.id} ${(c.share * 100).toFixed(1)}% · COD ${c.decayed.cod.toFixed(1)} t · ${(c.riverM / 1000).toFixed(1)} km`);
        return item;
      }));
      li.append(head, ul);
      li.onclick = () => {
        map.flyTo({ center: [p.lon, p.lat], zoom: Math.max(map.getZoom(), 10) });
        void showTrace(p.code);
      };
      return li;
    }));
    drawLayers();
  }

  let traceAbort: AbortController | null = null;
  /** The upstream trace of a section, drawn under the sections with its warning and ranking beside it. */
  async function showTrace(code: string): Promise<void> {
    traceAbort?.abort();
    const ctrl = new AbortController();
    traceAbort = ctrl;
    const panel = $('trace-panel');
    panel.replaceChildren(t('trace.loading'));
    panel.hidden = false;
    try {
      const answer = await fetchTrace(code, 'upstream', 'section', ctrl.signal);
      if (ctrl.signal.aborted) return;
      state.trace = answer;
      renderTracePanel(panel, answer, { onClear: clearTrace });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      state.trace = null;
      renderTraceError(panel, err instanceof ApiError ? err.message : String(err), clearTrace);
    }
    drawLayers();
  }

  function clearTrace(): void {
    traceAbort?.abort();
    state.trace = null;
    $('trace-panel').hidden = true;
    drawLayers();
  }

  function drawLayers(): void {
    const view = state.view;
    if (!view) return;
    const failing = view.sections.filter((s) => s.attains === false);
    const pulse = 0.5 + 0.5 * Math.sin(state.pulse);
    const sources = state.arcs.map((a) => ({ position: a.from, share: a.share }));
    overlay.setProps({
      layers: [
        ...traceLayers(state.trace, 'battle-trace'),
        new ArcLayer<Arc>({
          id: 'contrib-arcs', data: state.arcs, getSourcePosition: (a) => a.from, getTargetPosition: (a) => a.to,
          getSourceColor: [255, 159, 67, 220], getTargetColor: [255, 77, 79, 240], getWidth: (a) => 1.5 + 10 * a.share, getHeight: 0.6,
          widthUnits: 'pixels',
        }),
        new ScatterplotLayer<{ position: [number, number]; share: number }>({
          id: 'contrib-sources', data: sources, getPosition: (d) => d.position, getRadius: (d) => 4 + 12 * d.share, radiusUnits: 'pixels',
          getFillColor: [255, 159, 67, 230], stroked: true, getLineColor: [255, 255, 255, 180], lineWidthUnits: 'pixels', getLineWidth: 1,
        }),
        new ScatterplotLayer<Section>({
          id: 'failing-rings', data: failing, getPosition: (s) => [s.lon, s.lat], radiusUnits: 'pixels', getRadius: 14 + 10 * pulse,
          filled: false, stroked: true, lineWidthUnits: 'pixels', getLineWidth: 3, getLineColor: [255, 77, 79, Math.round(90 + 160 * pulse)],
          updateTriggers: { getRadius: state.pulse, getLineColor: state.pulse },
        }),
        new ScatterplotLayer<Section>({
          id: 'sections', data: view.sections, getPosition: (s) => [s.lon, s.lat], radiusUnits: 'pixels', getRadius: 9,
          getFillColor: (s) => (s.attains === null ? [127, 140, 141, 255] : s.attains ? [46, 204, 113, 255] : [255, 77, 79, 255]),
          stroked: true, getLineColor: [7, 17, 28, 255], lineWidthUnits: 'pixels', getLineWidth: 2,
        }),
        new TextLayer<Section>({
          id: 'section-names', data: view.sections, getPosition: (s) => [s.lon, s.lat], getText: (s) => s.name, getSize: 14,
          getColor: [216, 230, 243, 255], getPixelOffset: [0, -20], characterSet: 'auto', fontFamily: `"${LABEL_FONT}", sans-serif`,
          outlineWidth: 2, outlineColor: [7, 17, 28, 255], fontSettings: { sdf: true },
        }),
      ],
    });
  }

  // The rings pulse at 4 frames a second: enough to catch the eye, cheap for a screen left on for days.
  const pulseTimer = setInterval(() => {
    state.pulse = (state.pulse + 0.8) % (2 * Math.PI);
    if (state.view?.problems.length) drawLayers();
  }, 250);
  const clockTimer = setInterval(() => { $('clock').textContent = new Date().toLocaleString('zh-CN', { hour12: false }); }, 1000);
  const refreshTimer = setInterval(() => void refresh(false), REFRESH_MS);
  const reloadTimer = setTimeout(() => window.location.reload(), RELOAD_MS);

  (window as unknown as { __battle: unknown }).__battle = {
    map, state,
    /** Resolves when the last requested view has been drawn. */
    whenLoaded: () => inflight,
    arcCount: () => state.arcs.length,
    /** Draws a section's upstream trace as a click on the ranking does. */
    trace: (code: string) => showTrace(code),
  };

  // A wall screen signs in once (the session cookie outlives the page's reloads); a public demo needs none.
  void loadBasins().then(() => refresh(true)).catch((err: Error) => { $('status').textContent = `加载失败：${err.message}`; });

  return () => {
    clearInterval(pulseTimer);
    clearInterval(clockTimer);
    clearInterval(refreshTimer);
    clearTimeout(reloadTimer);
    abort?.abort();
    traceAbort?.abort();
    map.remove();
    delete (window as unknown as { __battle?: unknown }).__battle;
  };
}
