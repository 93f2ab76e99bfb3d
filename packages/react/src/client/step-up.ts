'use client';
import type { LatchkeyClient, LatchkeyResult, VerifyResponse } from '@latchkey/core';
import { assertionCeremony } from './assertion-ceremony.js';
import type { CeremonyCoordinator } from './ceremony-coordinator.js';

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
  return assertionCeremony(
    coordinator,
    'modal',
    (signal) => client.verifyOptions({}, { signal }),
    (response, _options, signal) => client.verify({ response }, { signal }),
  );
}
