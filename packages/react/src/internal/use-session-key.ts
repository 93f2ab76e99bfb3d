'use client';
import { useSyncExternalStore } from 'react';
import type { SessionStore } from '../client/session-store.js';

/**
 * `null` while the session loads, then a key that changes when someone signs in
 * or out (here or in another tab), so account data reloads for the right user.
 */
export function useSessionKey(store: SessionStore): string | null {
  return useSyncExternalStore(
    store.subscribe,
    () => {
      const { status, user } = store.getSnapshot();
      return status === 'loading' ? null : `${status}:${user?.id ?? ''}`;
    },
    () => null,
  );
}
