'use client';
import type { LatchkeyClient } from '@latchkey/core';
import { useContext } from 'react';
import type { SessionStore } from '../client/session-store.js';
import { LatchkeyContext } from '../provider/latchkey-context.js';

/**
 * The session store of the nearest `LatchkeyProvider`.
 *
 * @example
 * const store = useSessionStore();
 * await store.withStepUp(() => store.client.createToken({ name: 'ci', scopes: ['read'] }));
 */
export function useSessionStore(): SessionStore {
  const store = useContext(LatchkeyContext);
  if (!store)
    throw new TypeError('Latchkey hooks and components must be used inside <LatchkeyProvider>');
  return store;
}

/**
 * The typed client of the nearest `LatchkeyProvider`, for routes the kit does
 * not wrap.
 *
 * @example
 * const client = useLatchkeyClient();
 * const { data } = await client.listSessions();
 */
export function useLatchkeyClient(): LatchkeyClient {
  return useSessionStore().client;
}
