import { base64urlEncode, requestProofMessage } from '@latchkey/core';
import { ORIGIN } from './harness.js';

/** A device key as the browser makes it: ECDSA P-256, signing raw r‖s. */
export async function deviceKey() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const signBytes = async (bytes: Uint8Array) =>
    base64urlEncode(
      new Uint8Array(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          pair.privateKey,
          bytes as Uint8Array<ArrayBuffer>,
        ),
      ),
    );
  return {
    popKey: { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! },
    signBytes,
    async sign(challenge: string) {
      const bytes = Uint8Array.from(atob(challenge.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      return signBytes(bytes);
    },
    /** A `Latchkey-Proof` header for one request, as `signedFetch` makes it. */
    async proof(
      method: string,
      path: string,
      nowMs: number,
      nonce = base64urlEncode(crypto.getRandomValues(new Uint8Array(16))),
      origin = ORIGIN,
    ) {
      const iat = Math.floor(nowMs / 1000);
      const message = requestProofMessage(method, origin, path, iat, nonce);
      const signature = await signBytes(new TextEncoder().encode(message));
      return { 'latchkey-proof': `${iat}.${nonce}.${signature}` };
    },
  };
}
