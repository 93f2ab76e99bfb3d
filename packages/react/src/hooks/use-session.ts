'use client';
import type { LatchkeyResult, Ok, SessionResponse } from '@latchkey/core';
import { useMemo, useSyncExternalStore } from 'react';
import type { SessionSnapshot } from '../client/session-store.js';
import type { SignedIn, SignInOptions } from '../client/sign-in-with-passkey.js';
import { useSessionStore } from './use-latchkey-client.js';

/** The session snapshot with its actions; `status` narrows `user` and `session`. */
export type UseSessionResult = SessionSnapshot & {
  /** Signs in with a passkey (discoverable without `email`). Never throws. */
  signIn(options?: SignInOptions): Promise<LatchkeyResult<SignedIn>>;
  signOut(): Promise<LatchkeyResult<Ok>>;
  refresh(): Promise<LatchkeyResult<SessionResponse>>;
};

/**
 * The current session: `loading` on the server and until the browser has
 * asked, then `authenticated` or `unauthenticated`. Other tabs' sign-ins and
 * sign-outs show up here too.
 *
 * @example
 * const { status, user, signIn, signOut } = useSession();
 * if (status === 'authenticated') return <button onClick={signOut}>Sign out {user.email}</button>;
 */
export function useSession(): UseSessionResult {
  const store = useSessionStore();
  const snapshot = useSyncExternalStore(
    store.subscribe,
    store.getSnapshot,
    store.getServerSnapshot,
  );
  return useMemo(
    () => ({ ...snapshot, signIn: store.signIn, signOut: store.signOut, refresh: store.refresh }),
    [snapshot, store],
  );
}
