'use client';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from '@latchkey/core';
import { WebAuthnAbortService } from '@simplewebauthn/browser';
import { encode, withAppExtensionResults, withoutPrfEval } from './client-extension-results.js';
import { attachment, bytes } from './get-passkey-assertion.js';

/**
 * Asks the browser to create a passkey (WebAuthn L3 §5.1.3
 * `navigator.credentials.create`) and returns the attestation in its JSON form
 * (§5.1.3 `toJSON()` shape). Like `getPasskeyAssertion`, it passes the
 * coordinator's `signal` straight to the browser. `mediation: 'conditional'`
 * asks for a conditional create (§5.1.3): the browser may make the passkey
 * without a dialog, for the password manager the user just signed in with.
 *
 * @example
 * const { data } = await client.registerOptions({});
 * const response = await createPasskeyCredential(data.options, { signal });
 * await client.register({ response, name: 'Chrome on macOS' });
 */
export async function createPasskeyCredential(
  options: PublicKeyCredentialCreationOptionsJSON,
  { signal, mediation }: { signal: AbortSignal; mediation?: 'conditional' },
): Promise<RegistrationResponseJSON> {
  const publicKey = {
    ...options,
    challenge: bytes(options.challenge),
    user: { ...options.user, id: bytes(options.user.id) },
    extensions: withoutPrfEval(options.extensions),
    excludeCredentials: options.excludeCredentials?.map((c) => ({
      type: 'public-key',
      id: bytes(c.id),
      transports: c.transports,
    })),
  } as PublicKeyCredentialCreationOptions;
  signal.throwIfAborted();
  WebAuthnAbortService.cancelCeremony();
  const credential = (await navigator.credentials.create({
    publicKey,
    signal,
    ...(mediation ? { mediation } : {}),
  } as CredentialCreationOptions)) as PublicKeyCredential | null;
  if (!credential) throw new DOMException('No passkey was created', 'NotAllowedError');
  const response = credential.response as AuthenticatorAttestationResponse;
  // §5.2.1.1: getTransports() and friends are missing from some older browsers and extensions.
  const transports = response.getTransports?.();
  const algorithm = response.getPublicKeyAlgorithm?.();
  const key = response.getPublicKey?.();
  const authenticatorData = response.getAuthenticatorData?.();
  return {
    id: credential.id,
    rawId: encode(credential.rawId),
    type: 'public-key',
    response: {
      clientDataJSON: encode(response.clientDataJSON),
      attestationObject: encode(response.attestationObject),
      ...(transports ? { transports } : {}),
      ...(typeof algorithm === 'number' ? { publicKeyAlgorithm: algorithm } : {}),
      ...(key ? { publicKey: encode(key) } : {}),
      ...(authenticatorData ? { authenticatorData: encode(authenticatorData) } : {}),
    },
    ...attachment(credential.authenticatorAttachment),
    clientExtensionResults: withAppExtensionResults(credential.getClientExtensionResults()),
  };
}
