import { describe, expect, it } from 'vitest';
import { createStore } from './store.ts';

describe('the store', () => {
  it('changes state only through a dispatched updater and tells subscribers the state before and after', () => {
    const store = createStore({ n: 1 });
    const seen: [number, number][] = [];
    const stop = store.subscribe((s, prev) => seen.push([prev.n, s.n]));
    const add = (s: { n: number }, k: number) => ({ n: s.n + k });
    store.dispatch(add, 2);
    stop();
    store.dispatch(add, 10);
    expect(seen).toEqual([[1, 3]]);
    expect(store.get().n).toBe(13);
  });

  it('tells nobody when an updater returns the same state', () => {
    const store = createStore({ n: 1 });
    let calls = 0;
    store.subscribe(() => calls++);
    store.dispatch((s) => s);
    expect(calls).toBe(0);
  });
});
