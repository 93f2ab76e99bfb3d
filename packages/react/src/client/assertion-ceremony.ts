'use client';
import type {
  AuthenticationResponseJSON,
  LatchkeyResult,
  PublicKeyCredentialRequestOptionsJSON,
} from '@latchkey/core';
import type { CeremonyCoordinator, CeremonyMediation } from './ceremony-coordinator.js';
import { getPasskeyAssertion } from './get-passkey-assertion.js';

/**
 * One assertion ceremony as a coordinated flight (the sign-in and the step-up):
 * the server's options, `navigator.credentials.get` (WebAuthn L3 §5.1.4), the
 * server's verdict on the response, plus the user handle the authenticator
 * returned, which the Signal API needs later.
 */
export function assertionCeremony<T>(
  coordinator: CeremonyCoordinator,
  mediation: CeremonyMediation,
  begin: (
    signal: AbortSignal,
  ) => Promise<LatchkeyResult<{ options: PublicKeyCredentialRequestOptionsJSON }>>,
  finish: (
    response: AuthenticationResponseJSON,
    options: PublicKeyCredentialRequestOptionsJSON,
    signal: AbortSignal,
  ) => Promise<LatchkeyResult<T>>,
): Promise<LatchkeyResult<T & { userHandle: string | null }>> {
  return coordinator.run(mediation, async (signal) => {
    const started = await begin(signal);
    if (started.error) return started;
    const { options } = started.data;
    const response = await getPasskeyAssertion(options, { mediation, signal });
    const result = await finish(response, options, signal);
    if (result.error) return result;
    return {
      data: { ...result.data, userHandle: response.response.userHandle ?? null },
      error: null,
    };
  });
}
