'use client';
import { LatchkeyError, type LatchkeyResult, type Ok, type Tier } from '@latchkey/core';
import { useCallback } from 'react';
import { useSessionStore } from '../../hooks/use-latchkey-client.js';
import { useSession } from '../../hooks/use-session.js';
import { type ActionState, useAction } from '../../internal/use-action.js';
import { defaultDeviceKeyStore } from '../device-key/default-device-key-store.js';
import { loadDeviceKey } from '../device-key/device-key.js';
import type { DeviceKeyStore } from '../device-key/device-key-store.js';

export interface UseTierOptions {
  /** Where the device key lives (default: the same IndexedDB store as `lockedSessions()`). */
  keyStore?: DeviceKeyStore;
}

export type UseTierResult = ActionState<Ok> & {
  /** The account's tier, or `null` while signed out or loading. */
  tier: Tier | null;
  /** This session is bound to the device key (it proves possession). */
  locked: boolean;
  /**
   * Moves the account to `locked`: every future sign-in must bind its session to
   * a device key. Steps up with a passkey first when the server asks, and binds
   * the current session to this browser's key so it keeps working.
   */
  upgrade(): Promise<LatchkeyResult<Ok>>;
  /** Back to `standard` (after a step-up when the server asks). */
  downgrade(): Promise<LatchkeyResult<Ok>>;
};

/**
 * The account's security tier and the actions that change it. The server
 * records every change in the audit log (`tier.changed`).
 *
 * @example
 * const { tier, upgrade, status } = useTier();
 * if (tier === 'standard') return <button onClick={upgrade}>Lock sessions to my devices</button>;
 */
export function useTier(options: UseTierOptions = {}): UseTierResult {
  const store = useSessionStore();
  const session = useSession();
  const keyStore = options.keyStore;

  const change = useCallback(
    async (tier: Tier): Promise<LatchkeyResult<Ok>> => {
      let popKey: Awaited<ReturnType<typeof loadDeviceKey>>;
      if (tier === 'locked') {
        try {
          popKey = await loadDeviceKey(keyStore ?? defaultDeviceKeyStore(), { create: true });
        } catch (cause) {
          return {
            data: null,
            error: new LatchkeyError('POP_REQUIRED', 'This browser cannot keep a device key', {
              cause,
              status: 0,
            }),
          };
        }
      }
      const result = await store.withStepUp(() =>
        store.client.setTier(popKey ? { tier, popKey: popKey.publicJwk } : { tier }),
      );
      // The session now carries the new tier (and, upgrading, `locked`).
      if (result.data) await store.refresh();
      return result;
    },
    [store, keyStore],
  );
  const [state, run] = useAction(change);
  const upgrade = useCallback(() => run('locked'), [run]);
  const downgrade = useCallback(() => run('standard'), [run]);

  return {
    ...state,
    tier: session.user?.tier ?? null,
    locked: session.session?.locked ?? false,
    upgrade,
    downgrade,
  };
}
