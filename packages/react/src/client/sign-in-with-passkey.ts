'use client';
import type { LatchkeyClient, LatchkeyResult, SignedInResponse } from '@latchkey/core';
import { assertionCeremony } from './assertion-ceremony.js';
import type { CeremonyCoordinator, CeremonyMediation } from './ceremony-coordinator.js';
import { type LatchkeyExtension, popKeyField } from './latchkey-extension.js';
import { sendSignal } from './signal-passkey-manager.js';

export interface SignInOptions {
  /** Sign in as this account (its passkeys are offered); without it, any discoverable passkey. */
  email?: string;
  /** `conditional` waits behind the username field's autofill; `modal` by default. */
  mediation?: CeremonyMediation;
}

/** A signed-in answer, with the WebAuthn user handle the authenticator returned (if any). */
export type SignedIn = SignedInResponse & { userHandle: string | null };

/**
 * The sign-in ceremony: `auth-options` → `navigator.credentials.get` →
 * `authenticate`, as one coordinated flight. The first extension that offers a
 * proof-of-possession key has it sent with `authenticate`, to bind the session.
 *
 * @example
 * const { data, error } = await signInWithPasskey(client, coordinator, { email: 'ada@example.com' });
 * if (error?.code === 'CEREMONY_CANCELLED') return; // the user closed the prompt
 */
export function signInWithPasskey(
  client: LatchkeyClient,
  coordinator: CeremonyCoordinator,
  { email, mediation = 'modal' }: SignInOptions = {},
  extensions?: readonly LatchkeyExtension[],
): Promise<LatchkeyResult<SignedIn>> {
  return assertionCeremony(
    coordinator,
    mediation,
    // §5.1.4.1: a conditional request is discoverable by nature, so it never names an account.
    (signal) => client.authOptions(email && mediation === 'modal' ? { email } : {}, { signal }),
    async (response, options, signal) => {
      const signedIn = await client.authenticate(
        { response, ...(await popKeyField(extensions)) },
        { signal },
      );
      // §5.1.10.1: the server does not know this passkey (deleted there): tell the manager,
      // where supported, so it stops offering it. Only for a request that named no account:
      // then no other account's passkey can be the one refused.
      if (signedIn.error?.code === 'UNKNOWN_CREDENTIAL' && !options.allowCredentials?.length) {
        void sendSignal('unknownCredential', {
          rpId: options.rpId ?? globalThis.location.hostname,
          credentialId: response.id,
        });
      }
      return signedIn;
    },
  );
}
