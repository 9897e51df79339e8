import { EXPORT_CHOICES, type ExportChoice } from '../../../geodata/model/export-formats.ts';
import { MapboxOverlay } from '@deck.gl/mapbox';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import * as api from '../api.ts';
import { baseStyle, LABEL_FONT, MAPLIBRE_LAYERS, OPACITY_PROPS } from '../basemap-style.ts';
import { exportCredit, loadBasemap, mapCredit, tiandituOf } from '../basemap-tianditu.ts';
import { askedSize, exportMapPng, legendFromPanel, saveBlob } from '../map-export.ts';
import { buildDataLayers, pickedFeature, type Highlight, type SectionStatus, type StationStatus } from '../data-layers.ts';
import { areaSquareMetres, DrawTools } from '../draw-tools.ts';
import { attribute, attributeOrder, fmt, fmtTonnes, lang, onLangChange, setLang, t, type MessageKey } from '../i18n.ts';
import { renderFilterPanel, renderLayerPanel, renderLegend } from '../panels.ts';
import { API } from '../../../geodata/model/api/index.ts';
import { ApiError, http } from '../http.ts';
import type { Screen } from '../shell/screen.ts';
import { decodeState, encodeState, LAYER_IDS, setFilter, type AppState, type LayerId } from '../state.ts';
import { el, StatsPanel } from '../stats-panel.ts';
import { fetchTrace, traceBounds, type NetworkTraceAnswer, type TraceDirection, type TraceStartKind } from '../trace/trace.ts';
import { traceLayers } from '../trace/trace-layers.ts';
import { renderTraceError, renderTracePanel } from '../trace/trace-panel.ts';
import { networkCheckLayers, rebuildBodyFor, renderNetworkCheck, renderNetworkCheckBusy, type NetworkIssue, type NetworkIssues, type OutletDecision } from '../trace/network-check.ts';
import { whoAmI } from '../session.ts';

maplibregl.setWorkerUrl(workerUrl);

const TEMPLATE = `
  <div id="topbar">
    <div id="search"><input id="search-input" type="search" autocomplete="off" /><ul id="search-results" hidden></ul></div>
    <div id="tools"></div>
  </div>
  <main>
    <aside id="left">
      <section id="layer-panel"></section>
      <section id="filter-panel"></section>
      <section id="legend"></section>
    </aside>
    <div id="map"></div>
    <aside id="right">
      <section id="detail-panel" hidden></section>
      <section id="trace-panel" data-testid="trace-panel" hidden></section>
      <section id="network-panel" data-testid="network-panel" hidden></section>
      <section id="area-panel" hidden></section>
      <section id="stats-panel"></section>
    </aside>
  </main>`;

/**
 * The map (地图): sources, zones, divisions, rivers, basins, outfalls, sections and air stations,
 * with filters, search, detail, statistics of the view, area queries, measuring and exports. Its
 * state (view, layers, filters, sizes) lives in the URL's hash.
 */
export default function createMapScreen(): Screen {
  let stop: (() => void) | null = null;
  let gone = false;
  return {
    async mount(container) {
      container.classList.add('screen-map');
      container.innerHTML = TEMPLATE;
      const teardown = await mountMap(() => gone);
      if (gone) teardown();
      else stop = teardown;
    },
    unmount() {
      gone = true;
      stop?.();
    },
  };
}

async function mountMap(disposed: () => boolean): Promise<() => void> {

  const BASEMAP_KEY = 'yzt.onlineBasemapUrl';
  const origin = window.location.origin;
  // After unmount, answers still in flight (statistics, filter options) write into a detached
  // element instead of failing on a screen that is gone.
  const $ = (id: string) => document.getElementById(id) ?? document.createElement('div');

  const state: AppState = decodeState(window.location.hash);
  // The shell's language wins over a hash that names none (the hash says zh by default).
  if (/(^|[#&])lang=/.test(window.location.hash)) setLang(state.lang);
  else state.lang = lang();
  const onlineBasemap = localStorage.getItem(BASEMAP_KEY);

  /**
   * The base style as the state wants it. Layers that are switched off are left out, and so are
   * the sources only they use (added when switched on, see showLayerGroup): a source in the style
   * costs a TileJSON request before the map's first frame, and its tiles, even when its layers are
   * hidden. The census zones (off by default) cost most: their TileJSON's extent query and 2.5 MB
   * of z9 tiles on the 600k demo, all before the first idle.
   */
  // The tile catalog first (one small request, answered from memory): with it the style names
  // tile URLs directly. Without access yet (401) the style falls back to TileJSON.
  const [catalog, basemap] = await Promise.all([
    http.call(API.tiles.catalog).catch(() => null),
    loadBasemap(),
  ]);
  if (disposed()) return () => {};
  // The zoom from which sources come one by one, as the tile service publishes it. Without the
  // catalog (no access yet: the shell asks for a sign-in) nothing is drawn, and the legend says cells.
  const DETAIL_ZOOM = catalog?.detail_zoom ?? Number.POSITIVE_INFINITY;
  const fullStyle = baseStyle(origin, onlineBasemap, catalog, tiandituOf(basemap));
  const groupOf = new Map<string, LayerId>(LAYER_IDS.flatMap((id) => (MAPLIBRE_LAYERS[id] ?? []).map((l): [string, LayerId] => [l, id])));

  /** A layer of the full style with the state's switch and opacity in it. */
  function layerSpec(spec: maplibregl.LayerSpecification): maplibregl.LayerSpecification {
    const group = groupOf.get(spec.id);
    if (!group) return spec;
    const paint = { ...(spec as { paint?: object }).paint } as Record<string, unknown>;
    for (const { prop, base } of OPACITY_PROPS[spec.id] ?? []) paint[prop] = base * state.layers[group].opacity;
    const layout = { ...(spec as { layout?: object }).layout, visibility: state.layers[group].on ? 'visible' : 'none' };
    return { ...spec, layout, paint } as maplibregl.LayerSpecification;
  }

  function initialStyle(): maplibregl.StyleSpecification {
    const layers = fullStyle.layers.filter((l) => { const g = groupOf.get(l.id); return !g || state.layers[g].on; }).map(layerSpec);
    const used = new Set(layers.map((l) => (l as { source?: string }).source));
    const sources = Object.fromEntries(Object.entries(fullStyle.sources).filter(([id]) => used.has(id)));
    return { ...fullStyle, sources, layers };
  }

  let styleReady = false;
  /** Adds the MapLibre layers (and their sources) of a group switched on after start, in style order. */
  function showLayerGroup(id: LayerId): void {
    if (!styleReady) return;
    const order = fullStyle.layers;
    for (const layerId of MAPLIBRE_LAYERS[id] ?? []) {
      if (map.getLayer(layerId)) continue;
      const i = order.findIndex((l) => l.id === layerId);
      if (i < 0) continue;
      const spec = order[i]!;
      const source = (spec as { source?: string }).source;
      if (source && !map.getSource(source)) map.addSource(source, fullStyle.sources[source]!);
      const before = order.slice(i + 1).find((l) => map.getLayer(l.id))?.id;
      map.addLayer(layerSpec(spec), before);
    }
  }

  const map = new maplibregl.Map({
    container: 'map',
    style: initialStyle(),
    center: [state.view.lng, state.view.lat],
    zoom: state.view.zoom,
    bearing: state.view.bearing,
    pitch: state.view.pitch,
    localIdeographFontFamily: `"${LABEL_FONT}", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif`,
    attributionControl: false,
    canvasContextAttributes: { preserveDrawingBuffer: true },
  } as maplibregl.MapOptions);
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: mapCredit(basemap, t('title')) }), 'bottom-right');

  const overlay = new MapboxOverlay({ interleaved: false, layers: [], onClick: (info) => onDeckClick(info) });
  map.addControl(overlay);

  let sections: SectionStatus[] = [];
  let stations: StationStatus[] = [];
  let highlight: Highlight | null = null;
  /** The trace drawn on the map (upstream or downstream of a section, outfall or source). */
  let trace: NetworkTraceAnswer | null = null;
  let traceAbort: AbortController | null = null;
  /** The network check drawn on the map: the last build's outlets and doubts. */
  let networkCheck: NetworkIssues | null = null;
  let options: api.FilterOptions | null = null;
  let currentArea: api.Area | null = null;
  let statsPending = 0;
  let statsAbort: AbortController | null = null;
  let statsTimer: number | undefined;
  let draw: DrawTools;

  const stats = new StatsPanel($('stats-panel'), {
    onPickType: (type) => { state.filters = setFilter(state.filters, 'type', type); filtersChanged(); },
    onPickIndustry: (prefix) => { state.filters = setFilter(state.filters, 'industry', prefix); filtersChanged(); },
    onPickDivision: (code) => { state.filters = setFilter(state.filters, 'division', code); filtersChanged(); },
  }, () => state.sizeBy);

  // ---------- rendering ----------

  function renderChrome(): void {
    ($('search-input') as HTMLInputElement).placeholder = t('search');
    renderTools();
    renderLayerPanel($('layer-panel'), state, !!onlineBasemap, layersChanged);
    renderFilterPanel($('filter-panel'), state, options, filtersChanged);
    renderLegend($('legend'), state, map.getZoom(), DETAIL_ZOOM);
    void stats.render();
  }

  function applyLayers(): void {
    for (const id of LAYER_IDS) {
      if (state.layers[id].on) showLayerGroup(id);
      for (const layerId of MAPLIBRE_LAYERS[id] ?? []) {
        if (!map.getLayer(layerId)) continue;
        map.setLayoutProperty(layerId, 'visibility', state.layers[id].on ? 'visible' : 'none');
        for (const { prop, base } of OPACITY_PROPS[layerId] ?? []) {
          map.setPaintProperty(layerId, prop as 'fill-opacity', base * state.layers[id].opacity * (layerId === 'basins-fill' ? 1 : 1));
        }
      }
    }
    setDeckLayers();
  }

  let deckLayerCount = 0;
  function setDeckLayers(): void {
    // The trace above the data layers: it is what the user asked to see.
    const layers = [...buildDataLayers({ state, origin, sections, stations, highlight, sizeScale: sizeScale() }), ...networkCheckLayers(networkCheck), ...traceLayers(trace)];
    deckLayerCount = layers.length;
    overlay.setProps({ layers });
  }

  function sizeScale(): Partial<Record<string, number>> {
    // Scale radii by the mean emission of the current selection, so sizes read the same at any filter.
    const s = lastStats;
    if (!s || s.count === 0) return {};
    return Object.fromEntries(Object.entries(s.emissions).map(([k, v]) => [k, Math.max(v / s.count, 1e-6) * 3]));
  }

  let lastStats: api.Statistics | null = null;

  function layersChanged(): void {
    applyLayers();
    renderLegend($('legend'), state, map.getZoom(), DETAIL_ZOOM);
    writeUrl();
  }

  function filtersChanged(): void {
    renderFilterPanel($('filter-panel'), state, options, filtersChanged);
    renderLegend($('legend'), state, map.getZoom(), DETAIL_ZOOM);
    applyLayers();
    scheduleStats(0);
    if (currentArea) void runAreaQuery(currentArea);
    writeUrl();
  }

  function writeUrl(): void {
    const c = map.getCenter();
    state.view = { lng: c.lng, lat: c.lat, zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() };
    state.lang = lang();
    const hash = encodeState(state);
    if (hash !== window.location.hash) history.replaceState(null, '', hash);
  }

  function viewBbox(): [number, number, number, number] {
    const b = map.getBounds();
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
  }

  function scheduleStats(delay = 250): void {
    window.clearTimeout(statsTimer);
    statsPending++;
    statsTimer = window.setTimeout(async () => {
      statsAbort?.abort();
      const ctrl = new AbortController();
      statsAbort = ctrl;
      try {
        lastStats = await api.fetchStatistics(state.filters, viewBbox(), ctrl.signal);
        applyLayers();
        await stats.render(lastStats);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') console.warn('statistics failed', err);
      } finally {
        statsPending--;
      }
    }, delay);
  }

  // ---------- search ----------

  function setupSearch(): void {
    const input = document.getElementById('search-input') as HTMLInputElement;
    const list = $('search-results') as HTMLUListElement;
    let timer: number | undefined;
    let ctrl: AbortController | null = null;
    input.addEventListener('input', () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(async () => {
        const q = input.value.trim();
        ctrl?.abort();
        if (!q) { list.hidden = true; return; }
        ctrl = new AbortController();
        try {
          const hits = await api.search(q, ctrl.signal);
          list.innerHTML = '';
          if (hits.length === 0) list.append(el('li', t('noResults')));
          for (const h of hits) {
            const li = el('li', h.name);
            li.dataset.layer = h.layer;
            li.dataset.id = h.id;
            li.append(el('small', `${t(`layerName.${h.layer}` as MessageKey)} · ${h.id}`));
            li.addEventListener('click', () => { list.hidden = true; void openHit(h); });
            list.append(li);
          }
          list.hidden = false;
        } catch (err) {
          if ((err as Error).name !== 'AbortError') console.warn('search failed', err);
        }
      }, 200);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') (list.querySelector('li[data-id]') as HTMLLIElement | null)?.click();
      if (e.key === 'Escape') list.hidden = true;
    });
  }

  async function openHit(h: api.SearchHit): Promise<void> {
    highlight = { lng: h.lng, lat: h.lat, bbox: h.bbox };
    applyLayers();
    if (h.bbox && (h.bbox[2] - h.bbox[0] > 1e-4 || h.bbox[3] - h.bbox[1] > 1e-4)) {
      map.fitBounds([[h.bbox[0], h.bbox[1]], [h.bbox[2], h.bbox[3]]], { padding: 60, duration: 800, maxZoom: 15 });
    } else {
      map.flyTo({ center: [h.lng, h.lat], zoom: Math.max(map.getZoom(), 15), duration: 800 });
    }
    await showDetail(h.layer, h.id);
  }

  // ---------- detail panel ----------

  async function showDetail(layer: string, id: string): Promise<void> {
    const panel = $('detail-panel');
    try {
      const d = await api.featureDetail(layer, id);
      panel.innerHTML = '';
      const h = el('h2', `${t(`layerName.${d.layer}` as MessageKey)} · ${t('details')}`);
      const close = el('button', '×');
      close.className = 'close';
      close.addEventListener('click', () => { panel.hidden = true; highlight = null; applyLayers(); });
      h.append(close);
      const dl = el('dl');
      dl.className = 'attrs';
      for (const k of attributeOrder(Object.keys(d.properties))) {
        const v = d.properties[k];
        const a = attribute(k, v);
        const dd = el('dd', a.text);
        dd.dataset.attr = k;
        dl.append(el('dt', a.label), dd);
      }
      panel.append(h, dl);
      const start = traceStartOf(d.layer, d.properties);
      if (start) {
        const buttons = el('div');
        buttons.className = 'buttons';
        for (const direction of ['upstream', 'downstream'] as const) {
          const b = el('button', t(direction === 'upstream' ? 'trace.upstream' : 'trace.downstream'));
          b.type = 'button';
          b.dataset.action = `trace-${direction}`;
          b.addEventListener('click', () => void runTrace(start.from, direction, start.kind));
          buttons.append(b);
        }
        panel.append(buttons);
      }
      panel.dataset.layer = d.layer;
      panel.dataset.id = String(d.properties.census_id ?? d.properties.code ?? d.properties.id ?? id);
      panel.hidden = false;
      if (!highlight) { highlight = { lng: d.lng, lat: d.lat, bbox: d.layer === 'source' || d.layer === 'source_id' ? null : d.bbox }; applyLayers(); }
    } catch (err) {
      console.warn('detail failed', err);
    }
  }

  /** What a trace from a feature of the detail panel starts from: sections, outfalls and sources only. */
  function traceStartOf(layer: string, p: Record<string, unknown>): { from: string; kind: TraceStartKind } | null {
    if (layer === 'section' && p.code) return { from: String(p.code), kind: 'section' };
    if (layer === 'outfall' && p.code) return { from: String(p.code), kind: 'outfall' };
    if ((layer === 'source' || layer === 'source_id') && p.census_id) return { from: String(p.census_id), kind: 'source' };
    return null;
  }

  // ---------- trace on the map ----------

  /** Asks for the trace, draws its reaches and ranked contributors, and frames it. */
  async function runTrace(from: string, direction: TraceDirection, kind?: TraceStartKind): Promise<void> {
    traceAbort?.abort();
    const ctrl = new AbortController();
    traceAbort = ctrl;
    const panel = $('trace-panel');
    panel.replaceChildren(el('div', t('trace.loading')));
    panel.hidden = false;
    try {
      const answer = await fetchTrace(from, direction, kind, ctrl.signal);
      if (ctrl.signal.aborted) return;
      trace = answer;
      applyLayers();
      renderTrace();
      const box = traceBounds(answer);
      if (box) map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 60, duration: 0, maxZoom: 13 });
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      trace = null;
      applyLayers();
      renderTraceError(panel, err instanceof ApiError ? err.message : String(err), clearTrace);
    }
  }

  function renderTrace(): void {
    if (!trace) return;
    renderTracePanel($('trace-panel'), trace, {
      onClear: clearTrace,
      onPick: (item) => {
        if (item.lon !== null && item.lat !== null) map.flyTo({ center: [item.lon, item.lat], zoom: Math.max(map.getZoom(), 13), duration: 600 });
        highlight = null;
        void showDetail(item.kind, item.id);
      },
    });
  }

  // ---------- the network check ----------

  /** Draws the last build's outlets and doubts and lists them; admins can confirm or override outlets. */
  async function openNetworkCheck(): Promise<void> {
    const panel = $('network-panel');
    try {
      const [issues, me] = await Promise.all([http.call(API.network.issues, { cache: 'no-store' }), whoAmI().catch(() => null)]);
      networkCheck = issues;
      applyLayers();
      renderTools();
      renderNetworkCheck(panel, issues, {
        onClose: closeNetworkCheck,
        onPick: (issue: NetworkIssue) => {
          const box = pathBounds(issue.path);
          if (box) map.fitBounds(box, { padding: 80, duration: 500, maxZoom: 13 });
        },
        ...(me?.role === 'admin' && { onDecide: (decision: OutletDecision) => void decideOutlet(issues, decision) }),
      });
    } catch (err) {
      panel.replaceChildren(el('div', err instanceof ApiError ? err.message : String(err)));
      panel.hidden = false;
    }
  }

  /** Rebuilds the network with the admin's decision about an outlet, then shows the check again. */
  async function decideOutlet(issues: NetworkIssues, decision: OutletDecision): Promise<void> {
    renderNetworkCheckBusy($('network-panel'));
    try {
      await http.call(API.network.rebuild, { body: rebuildBodyFor(issues, decision) });
    } catch (err) {
      $('network-panel').replaceChildren(el('div', err instanceof ApiError ? err.message : String(err)));
      return;
    }
    if (trace) void runTrace(trace.start.kind === 'source' ? trace.start.censusId : trace.start.code, trace.direction, trace.start.kind);
    await openNetworkCheck();
  }

  function closeNetworkCheck(): void {
    networkCheck = null;
    $('network-panel').hidden = true;
    applyLayers();
    renderTools();
  }

  function pathBounds(path: [number, number][]): [[number, number], [number, number]] | null {
    if (path.length === 0) return null;
    const xs = path.map((p) => p[0]), ys = path.map((p) => p[1]);
    return [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)]];
  }

  function clearTrace(): void {
    traceAbort?.abort();
    trace = null;
    $('trace-panel').hidden = true;
    applyLayers();
  }

  function onDeckClick(info: Parameters<NonNullable<ConstructorParameters<typeof MapboxOverlay>[0]['onClick']>>[0]): boolean {
    if (draw?.active) return false;
    const picked = pickedFeature(info);
    if (!picked) return false;
    if ('cell' in picked) {
      map.easeTo({ center: info.coordinate as [number, number], zoom: Math.min(map.getZoom() + 2, DETAIL_ZOOM) });
      return true;
    }
    highlight = null;
    void showDetail(picked.layer, picked.id);
    return true;
  }

  function setupMapClicks(): void {
    const clickable: [string, string, string][] = [
      ['outfalls-circle', 'outfall', 'code'], ['census-zones-line', 'census_zone', 'code'],
      ['river_reaches-line', 'river_reach', 'id'], ['divisions-county-line', 'division', 'code'],
      ['basins-fill', 'basin', 'code'],
    ];
    map.on('click', (e) => {
      if (draw.active) return;
      const box: [maplibregl.PointLike, maplibregl.PointLike] = [[e.point.x - 4, e.point.y - 4], [e.point.x + 4, e.point.y + 4]];
      const layers = clickable.map((c) => c[0]).filter((l) => map.getLayer(l) && map.getLayoutProperty(l, 'visibility') !== 'none');
      const features = map.queryRenderedFeatures(box, { layers });
      for (const [layerId, layer, key] of clickable) {
        const f = features.find((x) => x.layer.id === layerId);
        if (!f) continue;
        const id = key === 'id' ? f.id : f.properties[key];
        if (id !== undefined && id !== null) {
          highlight = null;
          void showDetail(layer, String(id));
          return;
        }
      }
    });
  }

  // ---------- tools: draw, measure, export, settings ----------

  function renderTools(): void {
    const tools = $('tools');
    tools.innerHTML = '';
    const button = (key: MessageKey, action: string, fn: () => void, on = false) => {
      const b = el('button', t(key));
      b.type = 'button';
      b.dataset.action = action;
      if (on) b.className = 'on';
      b.addEventListener('click', fn);
      tools.append(b);
    };
    const mode = draw?.active ?? null;
    button('drawPolygon', 'draw-polygon', () => draw.setMode(mode === 'polygon' ? null : 'polygon'), mode === 'polygon');
    button('drawCircle', 'draw-circle', () => draw.setMode(mode === 'circle' ? null : 'circle'), mode === 'circle');
    button('measure', 'measure', () => draw.setMode(mode === 'measure' ? null : 'measure'), mode === 'measure');
    button('clear', 'clear-draw', () => { draw.clear(); currentArea = null; $('area-panel').hidden = true; });
    button('networkCheck', 'network-check', () => (networkCheck ? closeNetworkCheck() : void openNetworkCheck()), !!networkCheck);
    button('exportView', 'export-view', () => { void exportSelection({ kind: 'bbox', bbox: viewBbox() }, EXPORT_CHOICES[0]!); });
    const png = document.createElement('form');
    png.id = 'png';
    png.innerHTML = `<input id="png-w" type="number" value="1600" min="200" max="8000" title="${t('png.width')}" /> × <input id="png-h" type="number" value="1200" min="200" max="8000" title="${t('png.height')}" /> <button type="submit">${t('png.export')}</button>`;
    png.addEventListener('submit', (e) => { e.preventDefault(); void exportPng(); });
    tools.append(png);
    button('settings', 'settings', () => {
      const url = prompt(t('basemapUrl'), localStorage.getItem(BASEMAP_KEY) ?? '');
      if (url === null) return;
      if (url.trim()) localStorage.setItem(BASEMAP_KEY, url.trim());
      else localStorage.removeItem(BASEMAP_KEY);
      window.location.reload();
    });
  }

  /** The view as a PNG of the asked size: the map, deck.gl's layers, title, legend, scale, north arrow and credits. */
  async function exportPng(): Promise<void> {
    const [w, h] = askedSize($('png-w') as HTMLInputElement, $('png-h') as HTMLInputElement);
    const blob = await exportMapPng(map, w, h, {
      title: t('title'),
      northLabel: t('png.northArrow'),
      attribution: exportCredit(basemap),
      legend: legendFromPanel($('legend')),
      overlays: [overlay.getCanvas()],
    });
    saveBlob(blob, `map-${w}x${h}.png`);
  }

  async function runAreaQuery(area: api.Area): Promise<void> {
    currentArea = area;
    if (highlight) { highlight = null; applyLayers(); }
    const panel = $('area-panel');
    const result = await api.queryArea(state.filters, area, 100, state.sizeBy);
    panel.innerHTML = '';
    const h = el('h2', t('areaResult'));
    const close = el('button', '×');
    close.className = 'close';
    close.addEventListener('click', () => { panel.hidden = true; currentArea = null; draw.clear(); });
    h.append(close);
    const total = el('div', `${fmt(result.statistics.count, 0)} ${t('sources')}`);
    total.className = 'total';
    total.dataset.testid = 'area-total';
    total.dataset.count = String(result.statistics.count);
    if (area.kind === 'circle') total.append(el('small', ` · ${t('radius')} ${fmt(area.radius / 1000, 2)} km`));
    const km2 = areaSquareMetres(area) / 1e6;
    total.dataset.areaKm2 = String(km2);
    total.append(el('small', ` · ${t('areaSize')} ${fmt(km2, km2 < 10 ? 2 : 1)} km²`));
    const em = el('table');
    em.className = 'numbers';
    for (const [p, v] of Object.entries(result.statistics.emissions)) {
      if (v === 0) continue;
      const tr = el('tr');
      tr.append(el('td', t(`pol.${p}` as MessageKey)));
      const td = el('td', fmtTonnes(v));
      td.className = 'num';
      tr.append(td);
      em.append(tr);
    }
    const buttons = el('div');
    buttons.className = 'buttons';
    buttons.append(el('span', `${t('exportAs')}:`));
    for (const choice of EXPORT_CHOICES) {
      const b = el('button', choice.label);
      b.dataset.action = `export-${choice.id}`;
      b.addEventListener('click', () => void exportSelection(area, choice));
      buttons.append(b);
    }
    const list = el('table');
    list.className = 'numbers';
    list.dataset.table = 'area-sources';
    for (const s of result.sources) {
      const tr = el('tr');
      tr.className = 'clickable';
      tr.append(el('td', s.name), el('td', t(`type.${s.source_type}` as MessageKey)));
      const v = state.sizeBy ? s.emissions[state.sizeBy] : null;
      const td = el('td', v === null ? '' : fmt(v));
      td.className = 'num';
      tr.append(td);
      tr.addEventListener('click', () => void openHit({ layer: 'source', id: s.census_id, name: s.name, detail: null, lng: s.lng, lat: s.lat, bbox: null }));
      list.append(tr);
    }
    panel.append(h, total, em, buttons);
    if (result.truncated) panel.append(el('div', t('listTruncated', { n: result.sources.length })));
    panel.append(list);
    panel.hidden = false;
  }

  async function exportSelection(area: api.Area, choice: ExportChoice): Promise<void> {
    const { blob, name } = await api.exportArea(state.filters, area, choice);
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }

  let measurePopup: maplibregl.Popup | null = null;
  function showMeasure(metres: number): void {
    const text = `${t('distance')}: ${metres >= 1000 ? `${fmt(metres / 1000, 2)} km` : `${fmt(metres, 0)} m`}`;
    measurePopup?.remove();
    measurePopup = new maplibregl.Popup({ closeOnClick: false, className: 'measure-popup' }).setLngLat(map.getCenter()).setHTML('').addTo(map);
    const div = el('div', text);
    div.className = 'measure-label';
    div.dataset.testid = 'measure';
    div.dataset.metres = String(metres);
    measurePopup.setDOMContent(div);
  }

  // ---------- boot ----------

  // Start-up order. The embedded engine answers one query at a time, so the first view's tiles
  // must not queue behind anything else: the source layer is set up at once (deck.gl does not wait
  // for the base map's style), hidden base layers fetch nothing (initialStyle), and the rest
  // (filter options, monitoring points, the view statistics with ECharts) is fetched once the map
  // is first idle.
  let booted = false;
  /** The statistics follow the view from the first idle on (filters and URL changes ask at once). */
  let statsLive = false;
  let startupDone = false;
  setDeckLayers();

  map.on('load', () => {
    draw = new DrawTools(map, {
      onArea: (area) => void runAreaQuery(area),
      onMeasure: (m) => showMeasure(m),
      onModeChange: () => renderTools(),
    });
    setupMapClicks();
    styleReady = true;
    renderChrome();
    applyLayers();
    booted = true;
    // A map that never settles (a user panning from the start) still gets its statistics.
    void whenIdle(15_000, false).then(() => idleCallback(afterFirstIdle), () => idleCallback(afterFirstIdle));
  });

  function idleCallback(fn: () => void): void {
    if ('requestIdleCallback' in window) window.requestIdleCallback(fn, { timeout: 500 });
    else setTimeout(fn, 0);
  }

  async function afterFirstIdle(): Promise<void> {
    try {
      statsLive = true;
      scheduleStats(0);
      const [monitoring, opts] = await Promise.all([
        api.fetchMonitoring().catch(() => ({ sections: [], stations: [] })),
        api.fetchOptions().catch(() => null),
      ]);
      sections = monitoring.sections;
      stations = monitoring.stations;
      options = opts;
      renderFilterPanel($('filter-panel'), state, options, filtersChanged);
      applyLayers();
    } finally {
      startupDone = true;
    }
  }

  map.on('moveend', () => {
    writeUrl();
    renderLegend($('legend'), state, map.getZoom(), DETAIL_ZOOM);
    if (statsLive) scheduleStats();
  });

  const offLang = onLangChange(() => { renderChrome(); renderTrace(); writeUrl(); });
  const onHash = () => {
    if (window.location.hash === encodeState(state)) return;
    const next = decodeState(window.location.hash);
    Object.assign(state, next);
    setLang(next.lang);
    map.jumpTo({ center: [next.view.lng, next.view.lat], zoom: next.view.zoom, bearing: next.view.bearing, pitch: next.view.pitch });
    renderChrome();
    applyLayers();
    scheduleStats(0);
  };
  window.addEventListener('hashchange', onHash);
  setupSearch();
  renderChrome();

  // ---------- hooks for tests and the benchmark ----------

  /** Resolves when the map has drawn everything it asked for and (unless told not to) the statistics are in. */
  function whenIdle(timeoutMs = 60_000, withStatistics = true): Promise<void> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const check = () => {
        const deck = (overlay as unknown as { _deck?: { props: { layers: { isLoaded: boolean }[] }; layerManager?: { getLayers(): { isLoaded: boolean }[] } } })._deck;
        const deckLayers = deck?.layerManager?.getLayers() ?? [];
        // Deck creates its layers once its WebGL device is up; until then nothing of it is drawn.
        const deckLoaded = (deckLayers.length > 0 || deckLayerCount === 0) && deckLayers.every((l) => l.isLoaded);
        if (booted && map.loaded() && map.areTilesLoaded() && !map.isMoving() && deckLoaded && (!withStatistics || (startupDone && statsPending === 0))) {
          resolve();
        } else if (performance.now() - started > timeoutMs) {
          reject(new Error('map did not become idle'));
        } else {
          setTimeout(check, 100);
        }
      };
      check();
    });
  }

  Object.assign(window, {
    __yzt: {
      map, overlay, state, whenIdle,
      runAreaQuery: (area: api.Area) => { draw.show(area); return runAreaQuery(area); },
      stats: () => lastStats,
      /** Draws a trace as the detail panel's buttons do; resolves once it is drawn (or refused). */
      trace: (from: string, direction: TraceDirection, kind?: TraceStartKind) => runTrace(from, direction, kind),
      traceAnswer: () => trace,
      networkCheck: () => openNetworkCheck(),
      networkCheckAnswer: () => networkCheck,
      chart: (id: string) => stats.chart(id),
    },
  });

  return () => {
    offLang();
    window.removeEventListener('hashchange', onHash);
    window.clearTimeout(statsTimer);
    statsAbort?.abort();
    traceAbort?.abort();
    map.remove();
    delete (window as { __yzt?: unknown }).__yzt;
  };
}
