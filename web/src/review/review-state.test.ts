import { describe, expect, it } from 'vitest';
import { decodeReview, encodeReview, initialReviewState, listQuery, openItem, setFilter, setSort, stepIndex, toggleSelected, listLoaded } from './review-state.ts';

describe('review state', () => {
  it('a filter change leaves the other filters, drops the list position and the selection, and asks for a new list', () => {
    let s = setFilter(initialReviewState(), 'status', 'open');
    s = toggleSelected(openItem(s, 7, 3), 7);
    const next = setFilter(s, 'check', 'gcj02_as_wgs84');
    expect(next.filters).toMatchObject({ status: 'open', check: 'gcj02_as_wgs84' });
    expect(next.index).toBeNull();
    expect(next.selection).toEqual([]);
    expect(next.listVersion).toBe(s.listVersion + 1);
    expect(setFilter(next, 'check', 'gcj02_as_wgs84')).toBe(next);
  });

  it('steps to the first item when none is open and stops at both ends of the list', () => {
    let s = listLoaded(initialReviewState(), 3);
    expect(stepIndex(s, 1)).toBe(0);
    s = openItem(s, 11, 2);
    expect(stepIndex(s, 1)).toBe(2);
    expect(stepIndex(openItem(s, 9, 0), -1)).toBe(0);
    expect(stepIndex(listLoaded(s, 0), 1)).toBeNull();
  });

  it('round-trips filters, sort and the open item through the URL, and ignores malformed values', () => {
    let s = setFilter(setFilter(initialReviewState(), 'division', '440305'), 'check', 'bd09_as_wgs84,gcj02_as_wgs84');
    s = openItem(setSort(s, 'distance'), 42, 5);
    const url = encodeReview(s, 'en');
    expect(url).toBe('?check=bd09_as_wgs84,gcj02_as_wgs84&division=440305&sort=distance&item=42&at=5&lang=en');
    const back = decodeReview(url);
    expect(back.filters).toEqual(s.filters);
    expect([back.sort, back.item, back.index]).toEqual(['distance', 42, 5]);
    expect(decodeReview('?division=44x&sort=nope&item=-1&severity=bad')).toEqual(initialReviewState());
  });

  it('asks the server for the set filters only', () => {
    expect(listQuery(setFilter(initialReviewState(), 'batch', '12'))).toEqual({ sort: 'severity', batch: '12' });
  });
});
