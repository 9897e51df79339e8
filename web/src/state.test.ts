import { describe, expect, it } from 'vitest';
import { FILTERS } from '../../geodata/model/source-filters.ts';
import { decodeState, defaultState, encodeState, filterParams, LAYER_IDS, LIST_FILTERS, setFilter, type AppState } from './state.ts';

/** A state that differs from the default in every part a link carries. */
function everything(): AppState {
  const s = defaultState();
  s.view = { lng: 113.93211, lat: 22.53456, zoom: 14.25, bearing: 30.5, pitch: 45 };
  s.layers.census_zones = { on: true, opacity: 0.5 };
  s.layers.sources = { on: false, opacity: 0.85 };
  s.layers.basemap = { on: true, opacity: 0.3 };
  s.filters = { type: 'agricultural,industrial', industry: '26', division: '440305', basin: 'BJ01', pollutant: 'nh3n', min: '2.5' };
  s.sizeBy = null;
  s.lang = 'en';
  return s;
}

describe('the state in the URL', () => {
  it('restores every part of a state from its link', () => {
    const s = everything();
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('restores the default state from its link', () => {
    expect(decodeState(encodeState(defaultState()))).toEqual(defaultState());
  });

  it('gives the same link after a round trip', () => {
    const hash = encodeState(everything());
    expect(encodeState(decodeState(hash))).toBe(hash);
  });

  it('writes a readable hash: view, layers, changed opacities, filters, size and language', () => {
    const hash = encodeState(everything());
    expect(hash).toBe(
      '#map=14.25/22.53456/113.93211/30.5/45.0&layers=census_zones,divisions,outfalls,river_reaches,basins,sections,air_stations,basemap' +
        '&opacity=census_zones:0.5,basemap:0.3&type=agricultural,industrial&industry=26&division=440305&basin=BJ01&pollutant=nh3n&min=2.5&size=none&lang=en',
    );
    expect(encodeState(defaultState())).not.toContain('lang=');
    expect(encodeState(defaultState())).not.toContain('opacity=');
  });

  it('keeps a pollutant chosen without a minimum in the link', () => {
    const s = defaultState();
    s.filters.pollutant = 'tp';
    expect(decodeState(encodeState(s)).filters).toEqual({ pollutant: 'tp' });
  });

  it('keeps the default for anything missing or malformed', () => {
    const d = defaultState();
    expect(decodeState('')).toEqual(d);
    expect(decodeState('#')).toEqual(d);
    const s = decodeState('#map=abc/1/2&opacity=sources:x,nowhere:0.5,rivers:7&type=industrial,factory&industry=2a&division=4&pollutant=co2&min=-3&size=huge&lang=fr');
    expect(s.view).toEqual(d.view);
    expect(s.layers.sources.opacity).toBe(d.layers.sources.opacity);
    expect(s.layers.river_reaches.opacity).toBe(1);
    // Each refused as the server refuses it: the whole value, never a part of it.
    expect(s.filters).toEqual({});
    expect(s.sizeBy).toBe(d.sizeBy);
    expect(s.lang).toBe('zh');
  });

  it('clamps opacities to 0..1 and reads a view without bearing and pitch', () => {
    const s = decodeState('#map=8/22.5/113.9&opacity=basins:-1,sources:0.25');
    expect(s.view).toEqual({ zoom: 8, lat: 22.5, lng: 113.9, bearing: 0, pitch: 0 });
    expect(s.layers.basins.opacity).toBe(0);
    expect(s.layers.sources.opacity).toBe(0.25);
  });

  it('turns off every layer a link leaves out, and keeps the defaults when the link names none', () => {
    const s = decodeState('#layers=rivers');
    expect(LAYER_IDS.filter((id) => s.layers[id].on)).toEqual(['river_reaches']);
    expect(decodeState('#size=cod').layers).toEqual(defaultState().layers);
  });
});

describe('the filters as tile query parameters', () => {
  it('sends nothing for no filters', () => {
    expect(filterParams(defaultState().filters).toString()).toBe('');
  });

  it('sends sorted types and pollutant with min only together', () => {
    let f = setFilter({}, 'type', 'mobile,domestic');
    for (const [k, v] of [['industry', '2614'], ['division', '4403'], ['basin', 'BJ01'], ['pollutant', 'cod']] as const) f = setFilter(f, k, v);
    expect([...filterParams(f)]).toEqual([['type', 'domestic,mobile'], ['industry', '2614'], ['division', '4403'], ['basin', 'BJ01']]);
    expect([...filterParams(setFilter(f, 'min', '0'))].slice(-2)).toEqual([['pollutant', 'cod'], ['min', '0']]);
    expect([...filterParams(setFilter(setFilter(f, 'pollutant', ''), 'min', '5'))].map(([k]) => k)).not.toContain('min');
  });

  it('carries every filter of the filter module through the link and to the tiles, from its documented example', () => {
    for (const name of LIST_FILTERS) {
      let f = setFilter({}, name, FILTERS[name].example);
      if (name === 'min') f = setFilter(f, 'pollutant', FILTERS.pollutant.example);
      if (name === 'pollutant') f = setFilter(f, 'min', FILTERS.min.example);
      expect(f[name], name).toBeDefined();
      const s = { ...defaultState(), filters: f };
      expect(decodeState(encodeState(s)).filters, name).toEqual(f);
      expect(filterParams(f).get(name), name).toBe(f[name]);
    }
  });

  it('keeps only what the filter module accepts', () => {
    expect(setFilter({}, 'industry', '26x')).toEqual({});
    expect(setFilter({ industry: '26' }, 'industry', '')).toEqual({});
    expect(setFilter({}, 'type', ' domestic, industrial ')).toEqual({ type: 'domestic,industrial' });
  });
});
