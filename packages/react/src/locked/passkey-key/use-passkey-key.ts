'use client';
import { useMemo, useSyncExternalStore } from 'react';
import type { SessionStore } from '../../client/session-store.js';
import { useSessionStore } from '../../hooks/use-latchkey-client.js';
import {
  createPasskeyKeyStore,
  type PasskeyKeySnapshot,
  type PasskeyKeyStore,
} from '../prf/passkey-key-store.js';

export type UsePasskeyKeyResult = PasskeyKeySnapshot &
  Pick<
    PasskeyKeyStore,
    'unlock' | 'enrolWrapping' | 'lock' | 'encrypt' | 'decrypt' | 'decryptText' | 'refresh'
  >;

// One data key per provider: every component under it sees the same lock state.
const stores = new WeakMap<SessionStore, PasskeyKeyStore>();

/**
 * The passkey-derived data key of the signed-in user (the WebAuthn PRF
 * extension): `unlock()` runs one passkey ceremony (also a step-up) and keeps an
 * AES-256-GCM key in memory; `encrypt` / `decrypt` use it with versioned
 * envelopes (`v1.<iv>.<ciphertext>`); `enrolWrapping()` lets another
 * PRF-capable passkey unlock the same key. The server stores only wrapped keys.
 *
 * Losing every passkey that unlocks the key loses the data: say so to users
 * (`DEFAULT_PASSKEY_KEY_LABELS.warning`).
 *
 * @example
 * const key = usePasskeyKey();
 * if (key.status === 'locked') return <button onClick={key.unlock}>Unlock notes</button>;
 * if (key.status === 'unlocked') await save(await key.encrypt(text));
 */
export function usePasskeyKey(): UsePasskeyKeyResult {
  const sessionStore = useSessionStore();
  let store = stores.get(sessionStore);
  if (!store) {
    store = createPasskeyKeyStore(sessionStore);
    stores.set(sessionStore, store);
  }
  const snapshot = useSyncExternalStore(
    store.subscribe,
    store.getSnapshot,
    store.getServerSnapshot,
  );
  return useMemo(
    () => ({
      ...snapshot,
      unlock: store.unlock,
      enrolWrapping: store.enrolWrapping,
      lock: store.lock,
      encrypt: store.encrypt,
      decrypt: store.decrypt,
      decryptText: store.decryptText,
      refresh: store.refresh,
    }),
    [snapshot, store],
  );
}
