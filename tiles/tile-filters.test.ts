import { describe, expect, it } from 'vitest';
import { NO_FILTERS, TileFilterError, filterKey, parseTileFilters } from './tile-filters.ts';
import { TILE_LAYERS } from './tile-layers.ts';

// The behaviour at the module's surface: query parameters in, validated filters (or an error
// naming the parameter) out. Values only ever reach the SQL as bind parameters.
const sources = TILE_LAYERS.get('sources')!;
const basins = TILE_LAYERS.get('basins')!;
const zones = TILE_LAYERS.get('census_zones')!;

describe('tile filters', () => {
  it('gives no filters (grid aggregation) for an empty query', () => {
    expect(parseTileFilters(sources, {})).toEqual(NO_FILTERS);
    expect(NO_FILTERS.agg).toBe('grid');
  });

  it('reads every filter of the sources layer', () => {
    const f = parseTileFilters(sources, {
      type: 'industrial', industry: '26', division: '440305', basin: 'BJ01', pollutant: 'cod', min: '10.5', status: 'active', review: 'open', agg: 'county',
    });
    expect(f).toEqual({
      type: ['industrial'], industry: '26', division: '440305', basin: 'BJ01', pollutant: 'cod', min: 10.5, status: ['active'], review: 'open', agg: 'county',
    });
  });

  it('sorts comma lists and drops repeats and blanks, so equal filters give equal cache keys', () => {
    const a = parseTileFilters(sources, { type: 'domestic, industrial,,industrial', status: 'closed,active' });
    const b = parseTileFilters(sources, { status: 'active,closed', type: 'industrial,domestic' });
    expect(a.type).toEqual(['domestic', 'industrial']);
    expect(a.status).toEqual(['active', 'closed']);
    expect(filterKey(a)).toBe(filterKey(b));
  });

  it('gives different cache keys for different filters', () => {
    const keys = [
      {}, { type: 'industrial' }, { type: 'domestic' }, { industry: '26' }, { division: '4403' }, { basin: 'BJ01' },
      { pollutant: 'cod', min: '1' }, { pollutant: 'cod', min: '2' }, { pollutant: 'tp', min: '1' }, { status: 'active' }, { review: 'open' }, { agg: 'zone' },
    ].map((q) => filterKey(parseTileFilters(sources, q)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    [{ type: 'factory' }, /filter "type".*industrial/],
    [{ type: ',' }, /filter "type"/],
    [{ industry: '2a' }, /filter "industry"/],
    [{ industry: '12345' }, /filter "industry"/],
    [{ division: '44a3' }, /filter "division"/],
    [{ division: '4403050011' }, /filter "division"/],
    [{ basin: "BJ01' OR 1=1" }, /filter "basin"/],
    [{ pollutant: 'co2', min: '1' }, /filter "pollutant"/],
    [{ pollutant: 'cod', min: '-1' }, /filter "min"/],
    [{ pollutant: 'cod', min: '1e3' }, /filter "min"/],
    [{ status: 'gone' }, /filter "status"/],
    [{ review: 'maybe' }, /filter "review"/],
    [{ agg: 'hexagon' }, /filter "agg"/],
  ])('refuses %j, naming the filter', (query, message) => {
    expect(() => parseTileFilters(sources, query)).toThrow(TileFilterError);
    expect(() => parseTileFilters(sources, query)).toThrow(message);
  });

  it('takes pollutant and min only together', () => {
    expect(() => parseTileFilters(sources, { pollutant: 'cod' })).toThrow(/"pollutant" and "min" go together/);
    expect(() => parseTileFilters(sources, { min: '3' })).toThrow(/"pollutant" and "min" go together/);
  });

  it('refuses a parameter the layer does not take, listing the ones it does', () => {
    expect(() => parseTileFilters(sources, { colour: 'red' })).toThrow(/unknown filter "colour" for layer sources \(accepted: type, /);
    expect(() => parseTileFilters(basins, { division: '4403' })).toThrow(/unknown filter "division" for layer basins \(accepted: none\)/);
    expect(() => parseTileFilters(zones, { type: 'industrial' })).toThrow(/unknown filter "type" for layer census_zones \(accepted: division\)/);
    expect(parseTileFilters(zones, { division: '4403' }).division).toBe('4403');
  });

  it('refuses a parameter given twice or not as text', () => {
    expect(() => parseTileFilters(sources, { type: ['industrial', 'domestic'] })).toThrow(/filter "type": must be given once/);
    expect(() => parseTileFilters(sources, { industry: { $ne: 1 } })).toThrow(TileFilterError);
  });
});
