'use client';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@latchkey/core';
import { WebAuthnAbortService } from '@simplewebauthn/browser';
import { clientExtensionResultsJSON, encode } from '../../client/client-extension-results.js';
import { attachment, bytes } from '../../client/get-passkey-assertion.js';

/** An assertion for the server, and the PRF output that stays in the browser. */
export interface PrfAssertion {
  /** Safe to send: the PRF results are taken out of `clientExtensionResults`. */
  response: AuthenticationResponseJSON;
  /** The PRF output for `salt` (32 bytes), or `null` when the passkey gave none. */
  prfOutput: Uint8Array | null;
}

/**
 * Asks for an assertion that also evaluates the PRF extension (WebAuthn L3
 * §10.1.4) with `salt` as `eval.first`, for the passkeys in `allow` only,
 * always with `userVerification: 'required'`.
 *
 * The PRF output is the secret every derived key comes from, so it is removed
 * from the JSON that goes to the server: the server must never be able to
 * derive the user's keys.
 *
 * @example
 * const { response, prfOutput } = await getPrfAssertion(options, { salt, allow, signal });
 * await client.verify({ response });
 */
export async function getPrfAssertion(
  options: PublicKeyCredentialRequestOptionsJSON,
  { salt, allow, signal }: { salt: string; allow: readonly string[]; signal: AbortSignal },
): Promise<PrfAssertion> {
  if (allow.length === 0) throw new TypeError('getPrfAssertion: allow at least one passkey');
  const known = new Map((options.allowCredentials ?? []).map((c) => [c.id, c.transports]));
  const publicKey: PublicKeyCredentialRequestOptions = {
    challenge: bytes(options.challenge),
    ...(options.rpId ? { rpId: options.rpId } : {}),
    ...(options.timeout ? { timeout: options.timeout } : {}),
    // Whatever the server asked: the PRF output unlocks the user's data, so the
    // authenticator must verify the user (§6.2.3), not only their presence.
    userVerification: 'required',
    // §5.1.4.1: only the passkeys that can unlock (or be enrolled) are offered.
    allowCredentials: allow.map((id) => ({
      type: 'public-key',
      id: bytes(id),
      transports: known.get(id) as AuthenticatorTransport[] | undefined,
    })),
    extensions: { prf: { eval: { first: bytes(salt) } } } as AuthenticationExtensionsClientInputs,
  };
  signal.throwIfAborted();
  WebAuthnAbortService.cancelCeremony();
  const credential = (await navigator.credentials.get({
    publicKey,
    signal,
  })) as PublicKeyCredential | null;
  if (!credential) throw new DOMException('No passkey was chosen', 'NotAllowedError');
  const assertion = credential.response as AuthenticatorAssertionResponse;
  const outputs = credential.getClientExtensionResults() as {
    prf?: { results?: { first?: BufferSource } };
  };
  const first = outputs.prf?.results?.first;
  const { prf: _secret, ...extensionResults } = clientExtensionResultsJSON(outputs);
  return {
    response: {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: 'public-key',
      response: {
        clientDataJSON: encode(assertion.clientDataJSON),
        authenticatorData: encode(assertion.authenticatorData),
        signature: encode(assertion.signature),
        ...(assertion.userHandle ? { userHandle: encode(assertion.userHandle) } : {}),
      },
      ...attachment(credential.authenticatorAttachment),
      clientExtensionResults: extensionResults,
    },
    prfOutput: first ? copy(first) : null,
  };
}

function copy(source: BufferSource): Uint8Array {
  return ArrayBuffer.isView(source)
    ? new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength))
    : new Uint8Array(source.slice(0));
}
