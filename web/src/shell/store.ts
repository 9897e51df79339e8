/**
 * A small store in kepler.gl's ui-state manner, without the framework: one state value, changed
 * only by dispatching a named pure updater `(state, ...args) => state`, and subscribers told of
 * each change with the state before and after. Updaters are plain functions, unit-tested on
 * their own; the screens render from what the store holds.
 *
 * @example
 * const store = createStore(initialReviewState());
 * store.subscribe((s, prev) => { if (s.selected !== prev.selected) openItem(s.selected); });
 * store.dispatch(selectNext);
 */
export type Updater<S, A extends unknown[] = []> = (state: S, ...args: A) => S;

export interface Store<S> {
  get(): S;
  dispatch<A extends unknown[]>(updater: Updater<S, A>, ...args: A): S;
  /** Returns what unsubscribes. */
  subscribe(listener: (state: S, previous: S) => void): () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<(state: S, previous: S) => void>();
  return {
    get: () => state,
    dispatch(updater, ...args) {
      const previous = state;
      const next = updater(state, ...args);
      if (next === previous) return state;
      state = next;
      for (const l of [...listeners]) l(state, previous);
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
