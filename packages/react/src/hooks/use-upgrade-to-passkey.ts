'use client';
import type { LatchkeyResult } from '@latchkey/core';
import type { Enrolled } from '../client/enrol-passkey.js';
import { upgradeToPasskeyIn } from '../client/upgrade-to-passkey.js';
import { passkeyName } from '../internal/passkey-name.js';
import { type ActionState, useAction } from '../internal/use-action.js';
import { useSessionStore } from './use-latchkey-client.js';

export type UseUpgradeToPasskeyResult = ActionState<Enrolled> & {
  /** Asks the browser to create a passkey without a dialog; quiet when it cannot. */
  upgradeToPasskey: (options?: { name?: string }) => Promise<LatchkeyResult<Enrolled>>;
};

/**
 * The "auto-upgrade to passkeys" of a sign-in without a passkey (a recovery
 * code, a paired device): a conditional create (WebAuthn L3 §5.1.3), which the
 * browser completes silently or not at all. See `upgradeToPasskeyIn`.
 *
 * @example
 * const { upgradeToPasskey } = useUpgradeToPasskey();
 * useEffect(() => { if (session?.kind === 'recovery') void upgradeToPasskey(); }, [session?.kind]);
 */
export function useUpgradeToPasskey(): UseUpgradeToPasskeyResult {
  const store = useSessionStore();
  const [state, upgradeToPasskey] = useAction((options: { name?: string } = {}) =>
    upgradeToPasskeyIn(store, { name: passkeyName(options.name) }),
  );
  return { ...state, upgradeToPasskey };
}
