'use client';
import { base64urlDecode, base64urlEncode, LatchkeyError } from '@latchkey/core';

/** The first byte of a wrapped key: the format's version. */
const WRAPPED_V1 = 1;
const DATA_KEY = { name: 'AES-GCM', length: 256 } as const;

/**
 * Makes a random 256-bit AES-GCM data key: the key that encrypts the user's
 * data. It is extractable only so that it can be wrapped for each passkey
 * (`wrapKey` needs that); it never leaves the page unwrapped.
 *
 * @example
 * const dataKey = await createDataKey();
 */
export async function createDataKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt']);
}

/**
 * Wraps the data key with a passkey's wrapping key (AES-KW, RFC 3394: 40 bytes
 * for a 256-bit key, with an integrity check) into the opaque text the server
 * stores for that passkey: base64url of a version byte and the wrapped key.
 *
 * @example
 * await client.setWrappedKey({ credentialId, wrappedKey: await wrapDataKey(dataKey, wrappingKey) });
 */
export async function wrapDataKey(dataKey: CryptoKey, wrappingKey: CryptoKey): Promise<string> {
  const wrapped = new Uint8Array(
    await globalThis.crypto.subtle.wrapKey('raw', dataKey, wrappingKey, 'AES-KW'),
  );
  const out = new Uint8Array(1 + wrapped.byteLength);
  out[0] = WRAPPED_V1;
  out.set(wrapped, 1);
  return base64urlEncode(out);
}

/**
 * Unwraps a data key wrapped by `wrapDataKey`. A key wrapped with another
 * passkey's (or another salt's) wrapping key fails AES-KW's integrity check
 * (RFC 3394 §2.2.3): `DECRYPTION_FAILED`, never a wrong key.
 *
 * @example
 * const dataKey = await unwrapDataKey(key.wrappedKey, wrappingKey);
 */
export async function unwrapDataKey(wrapped: string, wrappingKey: CryptoKey): Promise<CryptoKey> {
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(wrapped);
  } catch (cause) {
    throw new LatchkeyError('DECRYPTION_FAILED', 'The wrapped key is not base64url', { cause });
  }
  if (bytes[0] !== WRAPPED_V1 || bytes.byteLength !== 41)
    throw new LatchkeyError('DECRYPTION_FAILED', 'The wrapped key has an unknown format');
  try {
    return await globalThis.crypto.subtle.unwrapKey(
      'raw',
      bytes.slice(1),
      wrappingKey,
      'AES-KW',
      DATA_KEY,
      true,
      ['encrypt', 'decrypt'],
    );
  } catch (cause) {
    throw new LatchkeyError(
      'DECRYPTION_FAILED',
      'This passkey’s output does not unwrap the data key',
      { cause },
    );
  }
}
