'use client';
import type { LatchkeyError, LatchkeyResult } from '@latchkey/core';
import { useCallback, useRef, useState } from 'react';

/**
 * `idle` → `pending` → `success` | `error`. A cancelled ceremony goes back to
 * `idle` (with its `error` kept for the message): the user changed their mind,
 * nothing failed.
 */
export type ActionStatus = 'idle' | 'pending' | 'success' | 'error';

export interface ActionState<T> {
  status: ActionStatus;
  data: T | null;
  error: LatchkeyError | null;
}

const IDLE = { status: 'idle', data: null, error: null } as const;

/**
 * Tracks one async `{ data, error }` action; only the latest call updates the state.
 * Answers the state, `run` and `reset`.
 */
export function useAction<A extends unknown[], T>(
  action: (...args: A) => Promise<LatchkeyResult<T>>,
): [ActionState<T>, (...args: A) => Promise<LatchkeyResult<T>>, () => void] {
  const [state, setState] = useState<ActionState<T>>(IDLE);
  const latest = useRef(0);
  const actionRef = useRef(action);
  actionRef.current = action;
  const run = useCallback(async (...args: A) => {
    const id = ++latest.current;
    setState({ status: 'pending', data: null, error: null });
    const result = await actionRef.current(...args);
    if (id === latest.current) {
      setState(
        result.error
          ? {
              status: result.error.code === 'CEREMONY_CANCELLED' ? 'idle' : 'error',
              data: null,
              error: result.error,
            }
          : { status: 'success', data: result.data, error: null },
      );
    }
    return result;
  }, []);
  const reset = useCallback(() => {
    latest.current++;
    setState(IDLE);
  }, []);
  return [state, run, reset];
}
