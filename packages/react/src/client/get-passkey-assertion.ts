'use client';
import {
  type AuthenticationResponseJSON,
  base64urlDecode,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@latchkey/core';
import { WebAuthnAbortService } from '@simplewebauthn/browser';
import type { CeremonyMediation } from './ceremony-coordinator.js';
import { clientExtensionResultsJSON, encode, withoutPrfEval } from './client-extension-results.js';

/**
 * Asks the browser for an assertion (WebAuthn L3 §5.1.4 `navigator.credentials.get`)
 * and returns it in its JSON form (§5.1.4 `toJSON()` shape).
 *
 * This calls `navigator.credentials` itself rather than through
 * `startAuthentication`, so the ceremony coordinator's `signal` reaches the browser
 * request directly: `startAuthentication` makes its own signal only after an
 * `await`, which leaves a window where an abort misses a conditional request.
 * A ceremony the host app started with `@simplewebauthn/browser` is cancelled
 * first, so the page never has two requests pending.
 *
 * @example
 * const response = await getPasskeyAssertion(options, { mediation: 'modal', signal });
 * await client.authenticate({ response });
 */
export async function getPasskeyAssertion(
  options: PublicKeyCredentialRequestOptionsJSON,
  { mediation, signal }: { mediation: CeremonyMediation; signal: AbortSignal },
): Promise<AuthenticationResponseJSON> {
  const publicKey: PublicKeyCredentialRequestOptions = {
    ...(options as Omit<PublicKeyCredentialRequestOptions, 'challenge' | 'allowCredentials'>),
    challenge: bytes(options.challenge),
    extensions: withoutPrfEval(options.extensions) as AuthenticationExtensionsClientInputs,
    // §5.1.4.1: conditional mediation needs an empty allow list; an empty list must not be sent
    // to a modal request either, or discoverable credentials are not offered.
    allowCredentials:
      mediation === 'conditional' || !options.allowCredentials?.length
        ? undefined
        : options.allowCredentials.map((c) => ({
            type: 'public-key',
            id: bytes(c.id),
            transports: c.transports as AuthenticatorTransport[] | undefined,
          })),
  };
  signal.throwIfAborted();
  WebAuthnAbortService.cancelCeremony();
  const credential = (await navigator.credentials.get({
    publicKey,
    signal,
    ...(mediation === 'conditional'
      ? { mediation: 'conditional' as CredentialMediationRequirement }
      : {}),
  })) as PublicKeyCredential | null;
  if (!credential) throw new DOMException('No passkey was chosen', 'NotAllowedError');
  const response = credential.response as AuthenticatorAssertionResponse;
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: encode(response.clientDataJSON),
      authenticatorData: encode(response.authenticatorData),
      signature: encode(response.signature),
      ...(response.userHandle ? { userHandle: encode(response.userHandle) } : {}),
    },
    ...attachment(credential.authenticatorAttachment),
    clientExtensionResults: clientExtensionResultsJSON(credential.getClientExtensionResults()),
  };
}

/** Base64url text to the `ArrayBuffer`-backed bytes WebAuthn takes. */
export function bytes(text: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(base64urlDecode(text));
}

/** §5.4.5: only the two registered values are kept. */
export function attachment(value: string | null): {
  authenticatorAttachment?: 'platform' | 'cross-platform';
} {
  return value === 'platform' || value === 'cross-platform'
    ? { authenticatorAttachment: value }
    : {};
}
