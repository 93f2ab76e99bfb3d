'use client';
import type { LatchkeyError, LatchkeyResult } from '@latchkey/core';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { SessionStore } from '../client/session-store.js';

export type ResourceStatus = 'loading' | 'ready' | 'error';

export interface ResourceState<T> {
  status: ResourceStatus;
  data: T | null;
  error: LatchkeyError | null;
}

/**
 * The signed-in account's data from one route: `load()` answers it, `pick`
 * takes the part to keep. It loads after mount (never during a server render),
 * once the session is known and again whenever someone signs in or out (here or
 * in another tab), and on `refresh()`. Data already shown stays while a refresh
 * runs.
 */
export function useResource<D, T>(
  store: SessionStore,
  load: (signal: AbortSignal) => Promise<LatchkeyResult<D>>,
  pick: (data: D) => T,
): ResourceState<T> & {
  refresh: () => Promise<void>;
  /** The latest data, also between renders. */
  getData: () => T | null;
  setData: (data: T | null) => void;
} {
  const [state, setState] = useState<ResourceState<T>>({
    status: 'loading',
    data: null,
    error: null,
  });
  const dataRef = useRef<T | null>(null);
  const loadRef = useRef({ load, pick });
  loadRef.current = { load, pick };
  const controller = useRef<AbortController | null>(null);
  // `null` while the session loads, then a key that changes with the account.
  const key = useSyncExternalStore(
    store.subscribe,
    () => {
      const { status, user } = store.getSnapshot();
      return status === 'loading' ? null : `${status}:${user?.id ?? ''}`;
    },
    () => null,
  );

  const refresh = useCallback(async () => {
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    const result = await loadRef.current.load(own.signal);
    if (own.signal.aborted) return;
    if (!result.error) dataRef.current = loadRef.current.pick(result.data);
    setState({
      status: result.error ? 'error' : 'ready',
      data: dataRef.current,
      error: result.error,
    });
  }, []);

  useEffect(() => {
    if (key === null) return;
    // Another account (or none): what was shown belongs to someone else.
    if (dataRef.current !== null) {
      dataRef.current = null;
      setState({ status: 'loading', data: null, error: null });
    }
    void refresh();
    return () => controller.current?.abort();
  }, [key, refresh]);

  const getData = useCallback(() => dataRef.current, []);
  const setData = useCallback((data: T | null) => {
    dataRef.current = data;
    setState((previous) => ({ ...previous, data }));
  }, []);

  return { ...state, refresh, getData, setData };
}
