'use client';
import type { LatchkeyError, LatchkeyResult, Ok, PasskeyInfo } from '@latchkey/core';
import { useCallback } from 'react';
import type { SessionStore } from '../client/session-store.js';
import { signalPasskeyManager } from '../client/signal-passkey-manager.js';
import { type ResourceStatus, useResource } from '../internal/use-resource.js';
import { useSessionStore } from './use-latchkey-client.js';

export interface UsePasskeysResult {
  status: ResourceStatus;
  passkeys: PasskeyInfo[];
  error: LatchkeyError | null;
  refresh: () => Promise<void>;
  /** Renames a passkey, then tells the browser's passkey manager (Signal API, where supported). */
  rename: (credentialId: string, name: string) => Promise<LatchkeyResult<PasskeyInfo>>;
  /**
   * Revokes a passkey, stepping up first when the server asks; `LAST_CREDENTIAL`
   * when it is the account's only one. Then tells the passkey manager.
   */
  remove: (credentialId: string) => Promise<LatchkeyResult<Ok>>;
}

/**
 * The signed-in account's passkeys, with rename and revoke.
 *
 * @example
 * const { status, passkeys, rename, remove } = usePasskeys();
 * const { error } = await remove(passkeys[0].credentialId);
 * if (error?.code === 'LAST_CREDENTIAL') alert('Add another passkey first');
 */
export function usePasskeys(): UsePasskeysResult {
  const store = useSessionStore();
  const resource = useResource(
    store,
    (signal) => store.client.listPasskeys(undefined, { signal }),
    (data) => data.passkeys,
  );
  const { getData, setData } = resource;

  const rename = useCallback(
    async (credentialId: string, name: string) => {
      const result = await store.client.renamePasskey({ credentialId, name: name.trim() });
      if (result.error) return result;
      const { passkey } = result.data;
      const cached = getData();
      if (cached) setData(cached.map((p) => (p.credentialId === credentialId ? passkey : p)));
      void announce(store, setData, passkey.rpId);
      return { data: passkey, error: null };
    },
    [store, getData, setData],
  );

  const remove = useCallback(
    async (credentialId: string) => {
      const result = await store.withStepUp(() => store.client.deletePasskey({ credentialId }));
      if (result.error) return result;
      const cached = getData();
      if (cached) setData(cached.filter((p) => p.credentialId !== credentialId));
      const rpId =
        cached?.find((p) => p.credentialId === credentialId)?.rpId ?? store.getSnapshot().rp?.id;
      if (rpId) void announce(store, setData, rpId, credentialId);
      return result;
    },
    [store, getData, setData],
  );

  return {
    status: resource.status,
    passkeys: resource.data ?? [],
    error: resource.error,
    refresh: resource.refresh,
    rename,
    remove,
  };
}

/**
 * Tells the passkey manager what the server now accepts. The list comes from the
 * server's answer after the change, never from the cache: a list loaded before
 * (or not loaded yet) would make the manager hide passkeys the server still
 * accepts (WebAuthn L3 §5.1.10.2). Without an answer only `removed` is signalled.
 */
async function announce(
  store: SessionStore,
  setData: (passkeys: PasskeyInfo[]) => void,
  rpId: string,
  removed?: string,
) {
  const current = await store.client.listPasskeys();
  if (current.data) setData(current.data.passkeys);
  const { user, userHandle } = store.getSnapshot();
  const name = user?.email ?? user?.displayName;
  return signalPasskeyManager({
    rpId,
    userHandle,
    // Pending passkeys are still the account's: a manager must not hide them before approval.
    acceptedCredentialIds: current.data?.passkeys
      .filter((p) => p.rpId === rpId)
      .map((p) => p.credentialId),
    removed,
    user: name ? { name, displayName: user?.displayName ?? '' } : undefined,
  });
}
