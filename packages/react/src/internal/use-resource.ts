'use client';
import type { LatchkeyError, LatchkeyResult } from '@latchkey/core';
import { useCallback, useEffect, useRef, useState } from 'react';

export type ResourceStatus = 'loading' | 'ready' | 'error';

export interface ResourceState<T> {
  status: ResourceStatus;
  data: T | null;
  error: LatchkeyError | null;
}

/**
 * Loads `load()` after mount (never during a server render), again whenever
 * `key` changes, and on `refresh()`; a `null` key waits. Data already shown
 * stays while a refresh runs.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<LatchkeyResult<T>>,
  key: string | null,
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
  const loadRef = useRef(load);
  loadRef.current = load;
  const controller = useRef<AbortController | null>(null);

  const refresh = useCallback(async () => {
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    const result = await loadRef.current(own.signal);
    if (own.signal.aborted) return;
    if (!result.error) dataRef.current = result.data;
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
