import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidCreditCode } from '../model/credit-code.ts';
import { LAYERS } from '../model/layers.ts';
import { generateDemo } from './generate.ts';
import { serializeDemo } from './serialize.ts';

const digest = (seed: number, batch?: number) => {
  const hash = createHash('sha256');
  let lines = 0;
  for (const chunk of serializeDemo(generateDemo({ seed, sources: 5000 }), batch)) {
    hash.update(chunk);
    lines += chunk.split('\n').length - 1;
  }
  return { sha: hash.digest('hex'), lines };
};

describe('serialising the demo region', () => {
  it('gives byte-identical output for one seed, whatever the batch size, and different output for another seed', () => {
    const a = digest(3);
    expect(digest(3)).toEqual(a);
    expect(digest(3, 777)).toEqual(a);
    expect(digest(4).sha).not.toBe(a.sha);
    expect(a.lines).toBeGreaterThan(5000);
  });

  it('writes every row with its layer and exactly the layer columns, in LAYERS order', () => {
    const chunks = [...serializeDemo(generateDemo({ seed: 3, sources: 500 }))];
    const rows = chunks.join('').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const kinds = new Set(rows.map((r) => r.layer));
    expect(kinds).toEqual(new Set([...Object.keys(LAYERS), 'seeded_error']));
    for (const row of rows) {
      if (row.layer === 'seeded_error') continue;
      expect(Object.keys(row)).toEqual(['layer', ...LAYERS[row.layer as keyof typeof LAYERS].columns.map((c) => c.name)]);
    }
  });
});

describe('demo sources', () => {
  const region = generateDemo({ seed: 5, sources: 5000 });
  const sources = [...region.sourceBatches(1000)].flat();

  it('come in the requested number, with unique census ids and valid credit codes', () => {
    expect(sources).toHaveLength(5000);
    expect(new Set(sources.map((s) => s.census_id)).size).toBe(5000);
    const codes = sources.map((s) => s.credit_code).filter((c): c is string => c !== null);
    expect(codes.length).toBeGreaterThan(3000);
    for (const c of codes) expect(isValidCreditCode(c), c).toBe(true);
  });

  it('mix source types like a census: industrial most, then agricultural and domestic, few centralized and mobile', () => {
    const share = (type: string) => sources.filter((s) => s.source_type === type).length / sources.length;
    expect(share('industrial')).toBeGreaterThan(0.45);
    expect(share('agricultural')).toBeGreaterThan(0.08);
    expect(share('domestic')).toBeGreaterThan(0.08);
    expect(share('centralized')).toBeGreaterThan(0);
    expect(share('centralized')).toBeLessThan(0.02);
    expect(share('mobile')).toBeLessThan(0.05);
    for (const s of sources.filter((x) => x.source_type === 'centralized' && x.industry_code === '4620')) {
      expect(s.name).toMatch(/^示范区.+污水处理厂$/);
    }
  });

  it('report water pollutants only for water emitters and air pollutants only for air emitters', () => {
    const pig = sources.filter((s) => s.industry_code === '0313');
    expect(pig.length).toBeGreaterThan(0);
    for (const s of pig) {
      expect(s.cod).not.toBeNull();
      expect(s.so2).toBeNull();
    }
    const furniture = sources.filter((s) => s.industry_code === '2110');
    expect(furniture.length).toBeGreaterThan(0);
    for (const s of furniture) {
      expect(s.cod).toBeNull();
      expect(s.vocs).not.toBeNull();
    }
  });
});
