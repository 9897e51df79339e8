import type { Lang } from './i18n.ts';

/** Everything a shared link restores: view, layers (on/off, opacity), filters, size, language. */
export interface AppState {
  view: { lng: number; lat: number; zoom: number; bearing: number; pitch: number };
  layers: Record<LayerId, { on: boolean; opacity: number }>;
  filters: Filters;
  sizeBy: Pollutant | null;
  lang: Lang;
}

export interface Filters {
  type: SourceType[];
  industry: string;
  division: string;
  basin: string;
  pollutant: Pollutant | '';
  min: number | null;
}

export const LAYER_IDS = ['sources', 'census_zones', 'divisions', 'outfalls', 'rivers', 'basins', 'sections', 'air_stations', 'basemap'] as const;
export type LayerId = (typeof LAYER_IDS)[number];
export const SOURCE_TYPES = ['industrial', 'agricultural', 'domestic', 'centralized', 'mobile', 'other'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];
export const POLLUTANTS = ['cod', 'nh3n', 'tn', 'tp', 'so2', 'nox', 'pm', 'vocs'] as const;
export type Pollutant = (typeof POLLUTANTS)[number];

const DEFAULT_ON: Record<LayerId, boolean> = {
  sources: true, census_zones: false, divisions: true, outfalls: true, rivers: true, basins: true, sections: true, air_stations: true, basemap: false,
};
const DEFAULT_OPACITY: Record<LayerId, number> = {
  sources: 0.85, census_zones: 0.8, divisions: 1, outfalls: 1, rivers: 1, basins: 0.35, sections: 1, air_stations: 1, basemap: 1,
};

export function defaultState(): AppState {
  return {
    // The demo region (示范区), 112.9–113.9 E, 22.2–23.1 N.
    view: { lng: 113.4, lat: 22.65, zoom: 9, bearing: 0, pitch: 0 },
    layers: Object.fromEntries(LAYER_IDS.map((id) => [id, { on: DEFAULT_ON[id], opacity: DEFAULT_OPACITY[id] }])) as AppState['layers'],
    filters: { type: [], industry: '', division: '', basin: '', pollutant: '', min: null },
    sizeBy: 'cod',
    lang: 'zh',
  };
}

/** The tile service's query parameters for the current filters (same names as /api/explore/stats). */
export function filterParams(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.type.length) p.set('type', [...f.type].sort().join(','));
  if (f.industry) p.set('industry', f.industry);
  if (f.division) p.set('division', f.division);
  if (f.basin) p.set('basin', f.basin);
  // The tiles take pollutant and min only together.
  if (f.pollutant && f.min !== null) {
    p.set('pollutant', f.pollutant);
    p.set('min', String(f.min));
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
  if (s.filters.pollutant && s.filters.min === null) p.set('pollutant', s.filters.pollutant);
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
    const on = new Set(layers.split(','));
    for (const id of LAYER_IDS) s.layers[id].on = on.has(id);
  }
  for (const pair of (p.get('opacity') ?? '').split(',').filter(Boolean)) {
    const [id, val] = pair.split(':');
    if ((LAYER_IDS as readonly string[]).includes(id!) && Number.isFinite(Number(val))) {
      s.layers[id as LayerId].opacity = Math.min(1, Math.max(0, Number(val)));
    }
  }
  const types = (p.get('type') ?? '').split(',').filter((x): x is SourceType => (SOURCE_TYPES as readonly string[]).includes(x));
  s.filters.type = types;
  s.filters.industry = /^[0-9]{1,4}$/.test(p.get('industry') ?? '') ? p.get('industry')! : '';
  s.filters.division = /^[0-9]{2,9}$/.test(p.get('division') ?? '') ? p.get('division')! : '';
  s.filters.basin = p.get('basin') ?? '';
  const pol = p.get('pollutant');
  s.filters.pollutant = (POLLUTANTS as readonly string[]).includes(pol ?? '') ? (pol as Pollutant) : '';
  const min = p.get('min');
  s.filters.min = min !== null && Number.isFinite(Number(min)) && Number(min) >= 0 ? Number(min) : null;
  const size = p.get('size');
  if (size === 'none') s.sizeBy = null;
  else if ((POLLUTANTS as readonly string[]).includes(size ?? '')) s.sizeBy = size as Pollutant;
  s.lang = p.get('lang') === 'en' ? 'en' : 'zh';
  return s;
}
