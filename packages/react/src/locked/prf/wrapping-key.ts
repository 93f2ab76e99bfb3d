'use client';
import { base64urlDecode } from '@latchkey/core';

const INFO = new TextEncoder().encode('latchkey/prf/wrapping-key/v1');

/**
 * Derives the key that wraps the data key from a passkey's PRF output: HKDF
 * with SHA-256 (RFC 5869), the user's PRF salt as HKDF salt and a fixed,
 * versioned `info`, to a non-extractable AES-KW key (RFC 3394). The PRF output
 * itself is already a per-passkey secret (WebAuthn L3 §10.1.4, from the
 * authenticator's hmac-secret); HKDF turns it into a key for one purpose only.
 *
 * @example
 * const wrappingKey = await deriveWrappingKey(prfOutput, salt);
 */
export async function deriveWrappingKey(prfOutput: Uint8Array, salt: string): Promise<CryptoKey> {
  if (prfOutput.byteLength < 32)
    throw new TypeError('deriveWrappingKey: a PRF output has 32 bytes');
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', new Uint8Array(prfOutput), 'HKDF', false, [
    'deriveKey',
  ]);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(base64urlDecode(salt)), info: INFO },
    material,
    { name: 'AES-KW', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}
