import { MAP_LAYER_IDS, POLLUTANTS, SOURCE_TYPES, type MapLayerId, type Pollutant, type SourceType } from '../../geodata/model/vocabulary.ts';
import { FILTERS, LIST_FILTERS, type ListFilterName } from '../../geodata/model/source-filters.ts';
import type { Lang } from './i18n.ts';

/** Everything a shared link restores: view, layers (on/off, opacity), filters, size, language. */
export interface AppState {
  view: { lng: number; lat: number; zoom: number; bearing: number; pitch: number };
  layers: Record<LayerId, { on: boolean; opacity: number }>;
  filters: Filters;
  sizeBy: Pollutant | null;
  lang: Lang;
}

/**
 * The map's filters as the query string carries them (`type=industrial,domestic`), one entry
 * per set filter of LIST_FILTERS; only text the filter module's schema accepts is kept
 * (`setFilter`). So a filter added to geodata/model/source-filters.ts reaches the URL, the
 * tiles, the statistics and the panel with no edit here.
 */
export type Filters = Partial<Record<ListFilterName, string>>;
export { LIST_FILTERS, type ListFilterName };

/**
 * The named updater of a filter: the value as the server would read it (a comma list sorted,
 * as the tile cache keys it), or the filter cleared when the text is empty or refused.
 */
export function setFilter(f: Filters, name: ListFilterName, text: string): Filters {
  const { [name]: _old, ...rest } = f;
  const parsed = text.trim() === '' ? null : FILTERS[name].schema.safeParse(text.trim());
  if (!parsed?.success) return rest;
  return { ...rest, [name]: Array.isArray(parsed.data) ? parsed.data.join(',') : text.trim() };
}

/** The source types a filter keeps (all when none is set). */
export function filteredTypes(f: Filters): SourceType[] {
  return f.type ? (f.type.split(',') as SourceType[]) : [...SOURCE_TYPES];
}

/** The map's data layers (the shared vocabulary's ids, as the tiles and the URL use them) and the online base map. */
export const LAYER_IDS = [...MAP_LAYER_IDS, 'basemap'] as const;
export type LayerId = MapLayerId | 'basemap';
export { POLLUTANTS, SOURCE_TYPES, type Pollutant, type SourceType };

const DEFAULT_ON: Record<LayerId, boolean> = {
  sources: true, census_zones: false, divisions: true, outfalls: true, river_reaches: true, basins: true, sections: true, air_stations: true, basemap: false,
};
const DEFAULT_OPACITY: Record<LayerId, number> = {
  sources: 0.85, census_zones: 0.8, divisions: 1, outfalls: 1, river_reaches: 1, basins: 0.35, sections: 1, air_stations: 1, basemap: 1,
};
/** Layer ids links made before the ids were unified still carry (`layers=rivers`). */
const OLD_LAYER_IDS: Readonly<Record<string, LayerId>> = { rivers: 'river_reaches' };
const layerIdOf = (id: string): string => OLD_LAYER_IDS[id] ?? id;

export function defaultState(): AppState {
  return {
    // The demo region (示范区), 112.9–113.9 E, 22.2–23.1 N.
    view: { lng: 113.4, lat: 22.65, zoom: 9, bearing: 0, pitch: 0 },
    layers: Object.fromEntries(LAYER_IDS.map((id) => [id, { on: DEFAULT_ON[id], opacity: DEFAULT_OPACITY[id] }])) as AppState['layers'],
    filters: {},
    sizeBy: 'cod',
    lang: 'zh',
  };
}

/** The tile service's query parameters for the current filters (same names as /api/explore/stats). */
export function filterParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  for (const name of LIST_FILTERS) {
    const v = f[name];
    // The tiles take pollutant and min only together (a pollutant alone stays in the link).
    if (v === undefined || ((name === 'pollutant' || name === 'min') && (f.pollutant === undefined || f.min === undefined))) continue;
    p.set(name, v);
  }
  return p;
}

/** `#map=zoom/lat/lng/bearing/pitch&layers=a,b&opacity=a:0.5&type=...&size=cod&lang=en` */
export function encodeState(s: AppState): string {
  const v = s.view;
  const p = new URLSearchParams();
  p.set('map', [v.zoom.toFixed(2), v.lat.toFixed(5), v.lng.toFixed(5), v.bearing.toFixed(1), v.pitch.toFixed(1)].join('/'));
  p.set('layers', LAYER_IDS.filter((id) => s.layers[id].on).join(','));
  const op = LAYER_IDS.filter((id) => s.layers[id].opacity !== DEFAULT_OPACITY[id]).map((id) => `${id}:${s.layers[id].opacity}`);
  if (op.length) p.set('opacity', op.join(','));
  for (const [k, val] of filterParams(s.filters)) p.set(k, val);
  if (s.filters.pollutant !== undefined && s.filters.min === undefined) p.set('pollutant', s.filters.pollutant);
  p.set('size', s.sizeBy ?? 'none');
  if (s.lang !== 'zh') p.set('lang', s.lang);
  return '#' + p.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':');
}

/** Reads a hash written by encodeState; anything missing or malformed keeps its default. */
export function decodeState(hash: string): AppState {
  const s = defaultState();
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const map = p.get('map')?.split('/').map(Number);
  if (map && map.length >= 3 && map.every((n) => Number.isFinite(n))) {
    s.view = { zoom: map[0]!, lat: map[1]!, lng: map[2]!, bearing: map[3] ?? 0, pitch: map[4] ?? 0 };
  }
  const layers = p.get('layers');
  if (layers !== null) {
    const on = new Set(layers.split(',').map(layerIdOf));
    for (const id of LAYER_IDS) s.layers[id].on = on.has(id);
  }
  for (const pair of (p.get('opacity') ?? '').split(',').filter(Boolean)) {
    const [old, val] = pair.split(':');
    const id = layerIdOf(old!);
    if ((LAYER_IDS as readonly string[]).includes(id) && Number.isFinite(Number(val))) {
      s.layers[id as LayerId].opacity = Math.min(1, Math.max(0, Number(val)));
    }
  }
  // Read as the server reads them (geodata/model/source-filters.ts): a link never carries a filter the tiles refuse.
  for (const name of LIST_FILTERS) s.filters = setFilter(s.filters, name, p.get(name) ?? '');
  if (s.filters.pollutant === undefined) s.filters = setFilter(s.filters, 'min', '');
  const size = p.get('size');
  if (size === 'none') s.sizeBy = null;
  else if ((POLLUTANTS as readonly string[]).includes(size ?? '')) s.sizeBy = size as Pollutant;
  s.lang = p.get('lang') === 'en' ? 'en' : 'zh';
  return s;
}
