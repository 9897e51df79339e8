import { describe, expect, it } from 'vitest';
import { FILTER_NAMES, FILTERS, filterKey, LIST_FILTERS, NO_FILTERS, parseSourceFilters, storedCellSource, type FilterName } from './source-filters.ts';

/** A query that sets one filter to its documented example (and its partner, for pollutant/min). */
function exampleQuery(name: FilterName): Record<string, string> {
  const q: Record<string, string> = { [name]: FILTERS[name].example };
  if (name === 'pollutant') q.min = FILTERS.min.example;
  if (name === 'min') q.pollutant = FILTERS.pollutant.example;
  return q;
}

describe('the source filters', () => {
  it.each(FILTER_NAMES)('parses the documented example of %s', (name) => {
    const f = parseSourceFilters(exampleQuery(name), FILTER_NAMES);
    expect(f[name]).not.toEqual(NO_FILTERS[name]);
  });

  it.each(FILTER_NAMES)('never serves %s, set, from stored cells that ignore it', (name) => {
    const f = parseSourceFilters(exampleQuery(name), FILTER_NAMES);
    const expected = FILTERS[name].storedCells === 'split' && Object.keys(exampleQuery(name)).length === 1 ? 'by-type' : null;
    expect(storedCellSource(f)).toBe(expected);
  });

  it('serves unfiltered tiles, and tiles filtered by type alone, from stored cells', () => {
    expect(storedCellSource(NO_FILTERS)).toBe('all');
    expect(storedCellSource(parseSourceFilters({ type: 'industrial' }, FILTER_NAMES))).toBe('by-type');
    expect(storedCellSource(parseSourceFilters({ type: 'industrial', industry: '26' }, FILTER_NAMES))).toBeNull();
  });

  it('gives each filter its own place in the cache key', () => {
    const keys = FILTER_NAMES.map((n) => filterKey(parseSourceFilters(exampleQuery(n), FILTER_NAMES)));
    // pollutant and min set each other, so their examples give one key between them.
    expect(new Set([...keys, filterKey(NO_FILTERS)]).size).toBe(FILTER_NAMES.length);
  });

  it('reads the same parameters the same way whatever their order', () => {
    const a = parseSourceFilters({ type: 'domestic,industrial', division: '4403' }, FILTER_NAMES);
    const b = parseSourceFilters({ division: '4403', type: 'industrial,domestic,industrial' }, FILTER_NAMES);
    expect(filterKey(a)).toBe(filterKey(b));
    expect(a.type).toEqual(['domestic', 'industrial']);
  });

  it.each([
    [{ division: '4' }, /filter "division": must be 2-9 digits/],
    [{ division: '4403051234' }, /filter "division": must be 2-9 digits/],
    [{ industry: '26a' }, /filter "industry": must be 1-4 digits/],
    [{ type: 'factory' }, /filter "type": expected a comma list of industrial/],
    [{ min: '3' }, /filter "min": min needs a pollutant/],
    [{ pollutant: 'cod' }, /"pollutant" and "min" go together/],
    [{ min: '-1', pollutant: 'cod' }, /filter "min": must be a non-negative number/],
    [{ review: 'maybe' }, /filter "review": must be one of open, clean/],
    [{ colour: 'red' }, /unknown filter "colour" for this request/],
    [{ type: ['industrial', 'domestic'] }, /filter "type": must be given once/],
  ])('refuses %j naming the filter', (query, message) => {
    expect(() => parseSourceFilters(query, FILTER_NAMES)).toThrow(message);
  });

  it('lets the lists take a pollutant alone, as min 0, but not the tiles', () => {
    expect(parseSourceFilters({ pollutant: 'so2' }, LIST_FILTERS, { pollutantAlone: true })).toMatchObject({ pollutant: 'so2', min: 0 });
    expect(() => parseSourceFilters({ pollutant: 'so2' }, LIST_FILTERS)).toThrow(/go together/);
  });

  it('refuses a filter the caller does not take, listing those it does', () => {
    expect(() => parseSourceFilters({ review: 'open' }, LIST_FILTERS, { what: 'the source lists' })).toThrow(
      'unknown filter "review" for the source lists (accepted: type, industry, division, basin, pollutant, min)',
    );
  });
});
