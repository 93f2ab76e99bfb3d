'use client';
import { LatchkeyError, type LatchkeyResult } from '@latchkey/core';
import { type Enrolled, enrolPasskey } from './enrol-passkey.js';
import type { SessionStore } from './session-store.js';

type CapabilityStatics = { getClientCapabilities?: () => Promise<Record<string, boolean>> };

/**
 * True when the browser says it can create a passkey conditionally (WebAuthn
 * L3 §5.1.7 `getClientCapabilities()`, `conditionalCreate`). A browser that
 * does not know the capability is taken as unable: it might ignore
 * `mediation: 'conditional'` and show a dialog nobody asked for.
 *
 * @example
 * if (await isConditionalCreateAvailable()) await upgradeToPasskeyIn(store);
 */
export async function isConditionalCreateAvailable(): Promise<boolean> {
  try {
    const pkc = globalThis.PublicKeyCredential as unknown as CapabilityStatics | undefined;
    return (await pkc?.getClientCapabilities?.())?.conditionalCreate === true;
  } catch {
    return false;
  }
}

/**
 * Upgrades a signed-in person to a passkey without a dialog (a conditional
 * create, WebAuthn L3 §5.1.3): the browser may create one in the password
 * manager the person just signed in with. Call it right after a sign-in
 * without a passkey (a recovery code, a paired device). It fails quietly: it
 * never shows anything or steps up, and answers `{ error }` when the browser
 * cannot (`WEBAUTHN_UNSUPPORTED`), declines (`CEREMONY_CANCELLED`), or the
 * server's add-passkey rule refuses (`STEP_UP_REQUIRED` for a full session
 * that has not stepped up). The session refreshes after a success.
 *
 * @example
 * const { data } = await upgradeToPasskeyIn(store);
 * if (data) toast('A passkey was saved for next time');
 */
export async function upgradeToPasskeyIn(
  store: SessionStore,
  { name }: { name?: string } = {},
): Promise<LatchkeyResult<Enrolled>> {
  if (!(await isConditionalCreateAvailable())) {
    return {
      data: null,
      error: new LatchkeyError('WEBAUTHN_UNSUPPORTED', 'This browser cannot upgrade to a passkey'),
    };
  }
  const result = await enrolPasskey(
    store.client,
    store.coordinator,
    { name },
    [{ popKey: store.popKey }],
    'conditional',
  );
  if (result.data) await store.changed(result.data.userHandle);
  return result;
}
