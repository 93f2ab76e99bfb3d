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
