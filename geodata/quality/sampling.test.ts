import { describe, expect, it } from 'vitest';
import { drawStrata, SamplePlanBody } from './sampling.ts';

const population = Array.from({ length: 900 }, (_, i) => ({
  id: i + 1,
  sourceType: ['industrial', 'industrial', 'agricultural', 'domestic', 'centralized'][i % 5]!,
  divisionCode: ['440305', '440306', '440103'][i % 3]!,
}));

describe('drawStrata', () => {
  const quota = SamplePlanBody.parse({ method: 'quota', name: 'q', quota: { industrial: 50, agricultural: 10, domestic: 5, centralized: 1 } });

  it('draws each city and source type up to its quota', () => {
    const { strata, picks } = drawStrata(population, quota, 'seed');
    expect(strata.map((s) => [s.stratum, s.drawn])).toEqual([
      ['440100:agricultural', 10], ['440100:centralized', 1], ['440100:domestic', 5], ['440100:industrial', 50],
      ['440300:agricultural', 10], ['440300:centralized', 1], ['440300:domestic', 5], ['440300:industrial', 50],
    ]);
    expect(new Set(picks.map((p) => p.id)).size).toBe(picks.length);
  });

  it('gives the same sample for the same seed and data, whatever order the data comes in', () => {
    const a = drawStrata(population, quota, 'seed').picks.map((p) => p.id).sort((x, y) => x - y);
    const b = drawStrata([...population].reverse(), quota, 'seed').picks.map((p) => p.id).sort((x, y) => x - y);
    const c = drawStrata(population, quota, 'other').picks.map((p) => p.id).sort((x, y) => x - y);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps one stratum\'s draw when another stratum changes', () => {
    const before = drawStrata(population, quota, 'seed').picks.filter((p) => p.stratum === '440300:industrial');
    const fewer = population.filter((s) => !(s.divisionCode === '440103' && s.sourceType === 'industrial'));
    const after = drawStrata(fewer, quota, 'seed').picks.filter((p) => p.stratum === '440300:industrial');
    expect(after).toEqual(before);
  });

  it('takes a share per county, rounded up, never more than the county has', () => {
    const share = SamplePlanBody.parse({ method: 'share', name: 's', share: 0.1 });
    const { strata } = drawStrata(population.slice(0, 25), share, 'x');
    expect(strata.map((s) => [s.stratum, s.population, s.drawn])).toEqual([['440103', 8, 1], ['440305', 9, 1], ['440306', 8, 1]]);
    const all = SamplePlanBody.parse({ method: 'share', name: 's', share: 1 });
    expect(drawStrata(population.slice(0, 25), all, 'x').picks.length).toBe(25);
  });
});
