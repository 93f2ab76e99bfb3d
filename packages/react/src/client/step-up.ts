'use client';
import type { LatchkeyClient, LatchkeyResult, VerifyResponse } from '@latchkey/core';
import type { CeremonyCoordinator } from './ceremony-coordinator.js';
import { getPasskeyAssertion } from './get-passkey-assertion.js';

/** A step-up answer, with the WebAuthn user handle the authenticator returned (if any). */
export type SteppedUp = VerifyResponse & { userHandle: string | null };

/**
 * The step-up ceremony: `verify-options` → `navigator.credentials.get` →
 * `verify`. It proves the user is present with a passkey without opening a new
 * session, and marks the session elevated for a few minutes.
 *
 * @example
 * const { data, error } = await stepUp(client, coordinator);
 * if (data) console.log('elevated until', data.elevatedUntil);
 */
export function stepUp(
  client: LatchkeyClient,
  coordinator: CeremonyCoordinator,
): Promise<LatchkeyResult<SteppedUp>> {
  return coordinator.run('modal', async (signal) => {
    const options = await client.verifyOptions({}, { signal });
    if (options.error) return options;
    const response = await getPasskeyAssertion(options.data.options, {
      mediation: 'modal',
      signal,
    });
    const verified = await client.verify({ response }, { signal });
    if (verified.error) return verified;
    return {
      data: { ...verified.data, userHandle: response.response.userHandle ?? null },
      error: null,
    };
  });
}

/**
 * Calls `call`; when the server answers `STEP_UP_REQUIRED` (403), runs
 * `performStepUp` and, if it succeeds, calls `call` once more. Any other answer,
 * and the second answer, is returned as it is.
 *
 * @example
 * const result = await withStepUp(() => client.deletePasskey({ credentialId }), () =>
 *   stepUp(client, coordinator),
 * );
 */
export async function withStepUp<T>(
  call: () => Promise<LatchkeyResult<T>>,
  performStepUp: () => Promise<LatchkeyResult<unknown>>,
): Promise<LatchkeyResult<T>> {
  const first = await call();
  if (first.error?.code !== 'STEP_UP_REQUIRED') return first;
  const elevated = await performStepUp();
  if (elevated.error) return elevated;
  return call();
}
