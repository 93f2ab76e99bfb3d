/** The shape of the kit's framework-free stores (what `useSyncExternalStore` reads). */
export interface Observable<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/**
 * Resolves with the first snapshot of `store` that `accept` takes: the current
 * one, or the next the store announces. It waits for the store's own event,
 * not for time, so a test can assert that nothing else happened once the store
 * has settled.
 *
 * @example
 * await waitForSnapshot(sessionStore, (s) => s.status === 'unauthenticated');
 */
export function waitForSnapshot<T>(store: Observable<T>, accept: (snapshot: T) => boolean) {
  return new Promise<T>((resolve) => {
    let done = false;
    const check = () => {
      const snapshot = store.getSnapshot();
      if (done || !accept(snapshot)) return;
      done = true;
      // Later, not here: `subscribe` may call this before it has returned `stop`.
      queueMicrotask(stop);
      resolve(snapshot);
    };
    const stop = store.subscribe(check);
    check();
  });
}
