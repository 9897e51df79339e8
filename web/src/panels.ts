import type { FilterOptions } from './api.ts';
import { AQI_BANDS, AQI_NONE, CELL_COLOR, SECTION_COLORS, TYPE_COLORS, type Rgba } from './data-layers.ts';
import { COLORS } from './basemap-style.ts';
import { fmt, t, type MessageKey } from './i18n.ts';
import { LAYER_IDS, POLLUTANTS, SOURCE_TYPES, type AppState, type LayerId, type Pollutant } from './state.ts';
import { el } from './stats-panel.ts';

/** The layer panel: a toggle and an opacity slider per layer. */
export function renderLayerPanel(root: HTMLElement, state: AppState, hasOnlineBasemap: boolean, onChange: () => void): void {
  root.innerHTML = '';
  root.append(el('h2', t('layers')));
  for (const id of LAYER_IDS) {
    if (id === 'basemap' && !hasOnlineBasemap) continue;
    const row = el('div');
    row.className = 'layer-row';
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = state.layers[id].on;
    box.dataset.layer = id;
    box.addEventListener('change', () => {
      state.layers[id].on = box.checked;
      onChange();
    });
    label.append(box, ` ${t(`layer.${id}` as MessageKey)}`);
    const range = el('input');
    range.type = 'range';
    range.min = '0';
    range.max = '1';
    range.step = '0.05';
    range.value = String(state.layers[id].opacity);
    range.title = t('opacity');
    range.dataset.opacity = id;
    range.addEventListener('input', () => {
      state.layers[id].opacity = Number(range.value);
      onChange();
    });
    row.append(label, range);
    root.append(row);
  }
}

/** The filter panel: type, industry, division, basin, pollutant threshold, point size. */
export function renderFilterPanel(root: HTMLElement, state: AppState, options: FilterOptions | null, onChange: () => void): void {
  root.innerHTML = '';
  const f = state.filters;
  const h = el('h2', t('filters'));
  const clear = el('button', t('clearFilters'));
  clear.type = 'button';
  clear.dataset.action = 'clear-filters';
  clear.addEventListener('click', () => {
    state.filters = { type: [], industry: '', division: '', basin: '', pollutant: '', min: null };
    onChange();
  });
  h.append(clear);
  root.append(h);

  const types = row(t('sourceType'));
  const grid = el('div');
  grid.className = 'types';
  for (const ty of SOURCE_TYPES) {
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.dataset.type = ty;
    box.checked = f.type.includes(ty);
    box.addEventListener('change', () => {
      f.type = SOURCE_TYPES.filter((x) => (x === ty ? box.checked : f.type.includes(x)));
      onChange();
    });
    const sw = swatch(TYPE_COLORS[ty]);
    label.append(box, sw, ` ${t(`type.${ty}` as MessageKey)}`);
    grid.append(label);
  }
  types.append(grid);

  const industry = row(t('industry'));
  const ind = el('input');
  ind.type = 'text';
  ind.name = 'industry';
  ind.placeholder = '26';
  ind.value = f.industry;
  ind.pattern = '[0-9]{1,4}';
  ind.addEventListener('change', () => {
    f.industry = /^[0-9]{1,4}$/.test(ind.value.trim()) ? ind.value.trim() : '';
    onChange();
  });
  industry.append(ind);

  const division = row(t('division'));
  const div = select('division', [['', t('all')], ...(options?.divisions ?? []).map((d): [string, string] => [d.code, `${'　'.repeat(levelDepth(d.level))}${d.name}`])], f.division);
  div.addEventListener('change', () => {
    f.division = div.value;
    onChange();
  });
  division.append(div);

  const basin = row(t('basin'));
  const bas = select('basin', [['', t('all')], ...(options?.basins ?? []).map((b): [string, string] => [b.code, b.name])], f.basin);
  bas.addEventListener('change', () => {
    f.basin = bas.value;
    onChange();
  });
  basin.append(bas);

  const threshold = row(t('threshold'));
  const pol = select('pollutant', [['', t('none')], ...POLLUTANTS.map((p): [string, string] => [p, t(`pol.${p}` as MessageKey)])], f.pollutant);
  const min = el('input');
  min.type = 'number';
  min.name = 'min';
  min.min = '0';
  min.step = 'any';
  min.placeholder = t('minimum');
  min.value = f.min === null ? '' : String(f.min);
  const apply = () => {
    f.pollutant = pol.value as Pollutant | '';
    const v = min.value === '' ? null : Number(min.value);
    f.min = f.pollutant && v !== null && v >= 0 ? v : null;
    onChange();
  };
  pol.addEventListener('change', apply);
  min.addEventListener('change', apply);
  threshold.append(pol, min);

  const size = row(t('sizeBy'));
  const sz = select('size', [['', t('none')], ...POLLUTANTS.map((p): [string, string] => [p, t(`pol.${p}` as MessageKey)])], state.sizeBy ?? '');
  sz.addEventListener('change', () => {
    state.sizeBy = (sz.value || null) as Pollutant | null;
    onChange();
  });
  size.append(sz);
  root.append(types, industry, division, basin, threshold, size);
}

/** The legend lists exactly the layers that are on, with the encodings they are drawn with. */
export function renderLegend(root: HTMLElement, state: AppState, zoom: number, detailZoom: number): void {
  root.innerHTML = '';
  root.append(el('h2', t('legend')));
  const on = (id: LayerId) => state.layers[id].on;
  const block = (id: LayerId, items: [HTMLElement, string][]) => {
    const b = el('div');
    b.className = 'legend-block';
    b.dataset.legend = id;
    b.append(el('strong', t(`layer.${id}` as MessageKey)));
    for (const [sw, text] of items) {
      const item = el('div');
      item.className = 'legend-item';
      item.append(sw, el('span', text));
      b.append(item);
    }
    root.append(b);
  };
  if (on('sources')) {
    if (zoom < detailZoom) {
      block('sources', [[swatch(CELL_COLOR), `${t('cell')}（${t('cellCount')}）`]]);
    } else {
      const types = state.filters.type.length ? state.filters.type : SOURCE_TYPES;
      const items: [HTMLElement, string][] = types.map((ty) => [swatch(TYPE_COLORS[ty]), t(`type.${ty}` as MessageKey)]);
      if (state.sizeBy) items.push([swatch([255, 255, 255, 255]), `${t('sizeBy')}: ${t(`pol.${state.sizeBy}` as MessageKey)}`]);
      block('sources', items);
    }
  }
  if (on('sections')) {
    block('sections', [[swatch(SECTION_COLORS.ok), t('class.ok')], [swatch(SECTION_COLORS.bad), t('class.bad')], [swatch(SECTION_COLORS.none), t('class.none')]]);
  }
  if (on('air_stations')) {
    block('air_stations', [...AQI_BANDS.map((b, i): [HTMLElement, string] => [swatch(b.color), t(`aqi.${i + 1}` as MessageKey)]), [swatch(AQI_NONE), t('aqi.none')]]);
  }
  if (on('outfalls')) block('outfalls', [[swatch(hex(COLORS.outfall)), t('layer.outfalls')]]);
  if (on('rivers')) block('rivers', [[swatch(hex(COLORS.river), 'line'), t('streamOrder')]]);
  if (on('basins')) block('basins', [[swatch(hex(COLORS.basin), 'area'), t('layer.basins')]]);
  if (on('divisions')) block('divisions', [[swatch(hex(COLORS.province), 'line'), t('layer.divisions')]]);
  if (on('census_zones')) block('census_zones', [[swatch(hex(COLORS.zone), 'line'), t('layer.census_zones')]]);
  void fmt;
}

function levelDepth(level: string): number {
  return level === 'province' ? 0 : level === 'city' ? 1 : 2;
}

function row(title: string): HTMLDivElement {
  const r = el('div');
  r.className = 'filter-row';
  r.append(el('span', title));
  return r;
}

function select(name: string, options: [string, string][], value: string): HTMLSelectElement {
  const s = el('select');
  s.name = name;
  for (const [v, label] of options) {
    const o = el('option', label);
    o.value = v;
    s.append(o);
  }
  s.value = value;
  return s;
}

export function swatch(c: Rgba | number[], kind: 'point' | 'line' | 'area' = 'point'): HTMLSpanElement {
  const s = el('span');
  s.className = `swatch ${kind === 'point' ? '' : kind}`;
  s.style.background = `rgba(${c[0]},${c[1]},${c[2]},${(c[3] ?? 255) / 255})`;
  return s;
}

function hex(h: string): Rgba {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
}
