import { describe, expect, it } from 'vitest';
import { FILTER_NAMES, FILTERS, NO_FILTERS, parseSourceFilters, type FilterName } from '../model/source-filters.ts';
import { FILTER_SQL, filterWhere, Params } from './filter-sql.ts';

describe('the filter SQL', () => {
  it('numbers a named parameter once, however often it is read', () => {
    const p = new Params(4);
    expect([p.ref('a', 'text'), p.ref('b', 'int'), p.ref('a', 'text')]).toEqual(['$4::text', '$5::int', '$4::text']);
    expect(p.next).toBe(6);
    expect(p.values({ b: 2, a: 'x' })).toEqual(['x', 2]);
    expect(() => p.values({ a: 'x' })).toThrow(/no value for SQL parameter "b"/);
  });

  it.each(FILTER_NAMES.filter((n) => FILTER_SQL[n] !== null))('binds %s to the value parsed, and NULL when absent', (name: FilterName) => {
    const params = new Params();
    const where = filterWhere([name], { table: 'source', alias: 's' }, params);
    expect(where.clauses).toHaveLength(1);
    const query: Record<string, string> = { [name]: FILTERS[name].example, ...(name === 'pollutant' ? { min: '1' } : {}) };
    const set = params.values(where.bind(parseSourceFilters(query, FILTER_NAMES)));
    const unset = params.values(where.bind(NO_FILTERS));
    expect(set[0]).not.toBeNull();
    expect(unset.every((v) => v === null)).toBe(true);
  });

  it('reads the division of each table from its own column', () => {
    const clause = (table: string) => filterWhere(['division'], { table, alias: 't' }, new Params()).clauses[0];
    expect(clause('source')).toContain('t.division_code LIKE $1::text');
    expect(clause('census_zone')).toContain('coalesce(t.township_code, t.county_code) LIKE');
    expect(clause('division')).toContain('t.code LIKE');
    expect(() => clause('basin')).toThrow(/no division column for table basin/);
  });

  it('writes the source lists\u2019 WHERE clause as pinned', () => {
    const where = filterWhere(['type', 'industry', 'division', 'basin', 'pollutant', 'min', 'status', 'review'], { table: 'source', alias: 's' }, new Params());
    expect(where.clauses.join('\n  AND ')).toMatchSnapshot();
  });
});
