import type { FilterOptions } from './api.ts';
import { AQI_BANDS, AQI_NONE, CELL_COLOR, SECTION_COLORS, TYPE_COLORS, type Rgba } from './data-layers.ts';
import { COLORS } from './basemap-style.ts';
import { FILTERS } from '../../geodata/model/source-filters.ts';
import { fmt, lang, t, type MessageKey } from './i18n.ts';
import { filteredTypes, LAYER_IDS, LIST_FILTERS, POLLUTANTS, setFilter, SOURCE_TYPES, type AppState, type LayerId, type ListFilterName, type Pollutant } from './state.ts';
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

/**
 * The filter panel: one control per filter of LIST_FILTERS, in its order. Type, division, basin
 * and the pollutant threshold have their own controls; any other filter gets one from its spec
 * (a select of its `values`, else a text field checked by its schema), labelled from the spec:
 * a filter added to geodata/model/source-filters.ts shows up here with no edit.
 */
export function renderFilterPanel(root: HTMLElement, state: AppState, options: FilterOptions | null, onChange: () => void): void {
  root.innerHTML = '';
  const h = el('h2', t('filters'));
  const clear = el('button', t('clearFilters'));
  clear.type = 'button';
  clear.dataset.action = 'clear-filters';
  clear.addEventListener('click', () => {
    state.filters = {};
    onChange();
  });
  h.append(clear);
  root.append(h);
  const update = (name: ListFilterName, text: string) => {
    state.filters = setFilter(state.filters, name, text);
    onChange();
  };
  const label = (name: ListFilterName) => FILTERS[name].label[lang()];
  const rows: HTMLElement[] = [];
  for (const name of LIST_FILTERS) {
    const value = state.filters[name] ?? '';
    if (name === 'type') {
      const types = row(label(name));
      const grid = el('div');
      grid.className = 'types';
      const chosen = value ? value.split(',') : [];
      for (const ty of SOURCE_TYPES) {
        const item = el('label');
        const box = el('input');
        box.type = 'checkbox';
        box.dataset.type = ty;
        box.checked = chosen.includes(ty);
        box.addEventListener('change', () => update('type', SOURCE_TYPES.filter((x) => (x === ty ? box.checked : chosen.includes(x))).join(',')));
        item.append(box, swatch(TYPE_COLORS[ty]), ` ${t(`type.${ty}` as MessageKey)}`);
        grid.append(item);
      }
      types.append(grid);
      rows.push(types);
    } else if (name === 'division' || name === 'basin') {
      const choices = name === 'division'
        ? (options?.divisions ?? []).map((d): [string, string] => [d.code, `${'　'.repeat(levelDepth(d.level))}${d.name}`])
        : (options?.basins ?? []).map((b): [string, string] => [b.code, b.name]);
      const r = row(label(name));
      const sel = select(name, [['', t('all')], ...choices], value);
      sel.addEventListener('change', () => update(name, sel.value));
      r.append(sel);
      rows.push(r);
    } else if (name === 'pollutant') {
      // Pollutant and minimum are one threshold control: the tiles take them only together.
      const threshold = row(t('threshold'));
      const pol = select('pollutant', [['', t('none')], ...POLLUTANTS.map((p): [string, string] => [p, t(`pol.${p}` as MessageKey)])], value);
      const min = el('input');
      min.type = 'number';
      min.name = 'min';
      min.min = '0';
      min.step = 'any';
      min.placeholder = t('minimum');
      min.value = state.filters.min ?? '';
      const apply = () => {
        let f = setFilter(state.filters, 'pollutant', pol.value);
        f = setFilter(f, 'min', f.pollutant === undefined ? '' : min.value);
        state.filters = f;
        onChange();
      };
      pol.addEventListener('change', apply);
      min.addEventListener('change', apply);
      threshold.append(pol, min);
      rows.push(threshold);
    } else if (name !== 'min') {
      const spec = FILTERS[name];
      const r = row(label(name));
      let input: HTMLInputElement | HTMLSelectElement;
      if (spec.values) {
        input = select(name, [['', t('all')], ...spec.values.map((v): [string, string] => [v, v])], value);
      } else {
        input = el('input');
        input.type = 'text';
        input.name = name;
        input.placeholder = spec.example;
        input.title = spec.description;
        input.value = value;
      }
      input.addEventListener('change', () => update(name, input.value));
      r.append(input);
      rows.push(r);
    }
  }

  const size = row(t('sizeBy'));
  const sz = select('size', [['', t('none')], ...POLLUTANTS.map((p): [string, string] => [p, t(`pol.${p}` as MessageKey)])], state.sizeBy ?? '');
  sz.addEventListener('change', () => {
    state.sizeBy = (sz.value || null) as Pollutant | null;
    onChange();
  });
  size.append(sz);
  root.append(...rows, size);
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
      const types = filteredTypes(state.filters);
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
  if (on('river_reaches')) block('river_reaches', [[swatch(hex(COLORS.river), 'line'), t('streamOrder')]]);
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
