import { describe, expect, it } from 'vitest';
import { rebuildBodyFor, type NetworkIssues } from './network-check.ts';

const issues = (options: NetworkIssues['options'], linkOptions: NetworkIssues['linkOptions'] = null): NetworkIssues => ({
  builtAt: '2026-12-07T00:00:00.000Z', direction: options?.direction ?? null, options, linkOptions,
  counts: { outlet: 0, ambiguous_fork: 0, no_outlet: 0, cycle: 0, off_flow: 0 }, issues: [], truncated: false,
});

describe('the rebuild an outlet decision asks for', () => {
  it('adds a confirmed outlet to what the last build declared, keeping its tolerances and the link\'s', () => {
    const body = rebuildBodyFor(issues({ direction: 'auto', outlets: [7], notOutlets: [3], toleranceM: 80, maxBankWidthM: 2000 }, { sectionToleranceM: 30 }), { outlets: [12] });
    expect(body).toEqual({ direction: 'auto', outlets: [7, 12], notOutlets: [3], toleranceM: 80, maxBankWidthM: 2000, link: { sectionToleranceM: 30 } });
  });

  it('moves a reach from the declared outlets to the not-outlets when the admin says it is not one', () => {
    expect(rebuildBodyFor(issues({ direction: 'auto', outlets: [7, 9] }), { notOutlets: [9] })).toEqual({ direction: 'auto', outlets: [7], notOutlets: [9], link: {} });
  });

  it('takes a stored or digitised direction to auto, the mode that reads declarations; an outlet build stays one', () => {
    expect(rebuildBodyFor(issues({ direction: 'stored' }), { outlets: [4] })).toMatchObject({ direction: 'auto', outlets: [4] });
    expect(rebuildBodyFor(issues({ direction: 'outlet', outlets: [1] }), { outlets: [4] })).toEqual({ direction: 'outlet', outlets: [1, 4], link: {} });
    expect(rebuildBodyFor(issues(null), { outlets: [4] })).toEqual({ direction: 'auto', outlets: [4], link: {} });
  });
});
