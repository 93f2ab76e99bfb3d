'use client';
import { base64urlDecode, base64urlEncode, LatchkeyError } from '@latchkey/core';

/** The first byte of a wrapped key: the format's version. */
const WRAPPED_V1 = 1;
/** Version 2 carries the data key's id (its check value) before the AES-KW bytes. */
const WRAPPED_V2 = 2;
const KEY_ID_BYTES = 8;
/** AES-KW of a 256-bit key (RFC 3394: 32 + 8 bytes). */
const KW_BYTES = 40;
const DATA_KEY = { name: 'AES-GCM', length: 256 } as const;
const KEY_ID_LABEL = new TextEncoder().encode('latchkey/prf/key-id/v1');

/**
 * Makes a random 256-bit AES-GCM data key: the key that encrypts the user's
 * data. It is extractable only so that it can be wrapped (`wrapKey` needs
 * that): wrap it, then work with `unwrapDataKey`'s non-extractable copy.
 *
 * @example
 * const wrapped = await wrapDataKey(await createDataKey(), wrappingKey);
 * const dataKey = await unwrapDataKey(wrapped, wrappingKey); // non-extractable
 */
export async function createDataKey(): Promise<CryptoKey> {
  return globalThis.crypto.subtle.generateKey(DATA_KEY, true, ['encrypt', 'decrypt']);
}

/**
 * The data key's id: a check value that names the key without revealing it,
 * the first 8 bytes of AES-GCM's tag over a fixed label with the all-zero IV
 * (the IV is used for nothing else; envelopes draw theirs at random). Two
 * wrapped keys with different ids hold different data keys.
 *
 * @example
 * const id = await dataKeyId(dataKey); // 'q83vEjRWeJo'
 */
export async function dataKeyId(key: CryptoKey): Promise<string> {
  const tag = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: new Uint8Array(12), additionalData: KEY_ID_LABEL },
    key,
    new Uint8Array(0),
  );
  return base64urlEncode(new Uint8Array(tag, 0, KEY_ID_BYTES));
}

/**
 * Wraps the data key with a passkey's wrapping key (AES-KW, RFC 3394, with an
 * integrity check) into the opaque text the server stores for that passkey:
 * base64url of a version byte (2), the key's id and the wrapped key.
 *
 * @example
 * await client.setWrappedKey({ credentialId, wrappedKey: await wrapDataKey(dataKey, wrappingKey), first: true });
 */
export async function wrapDataKey(dataKey: CryptoKey, wrappingKey: CryptoKey): Promise<string> {
  const [wrapped, id] = await Promise.all([
    globalThis.crypto.subtle.wrapKey('raw', dataKey, wrappingKey, 'AES-KW'),
    dataKeyId(dataKey),
  ]);
  const out = new Uint8Array(1 + KEY_ID_BYTES + KW_BYTES);
  out[0] = WRAPPED_V2;
  out.set(base64urlDecode(id), 1);
  out.set(new Uint8Array(wrapped), 1 + KEY_ID_BYTES);
  return base64urlEncode(out);
}

/**
 * The id of the data key a wrapped key holds, read without unwrapping, or
 * `null` for the version 1 format (which carries none) and for garbage.
 *
 * @example
 * const ids = new Set(keys.map((k) => k.wrappedKey && wrappedKeyId(k.wrappedKey)));
 */
export function wrappedKeyId(wrapped: string): string | null {
  const bytes = parse(wrapped);
  return bytes && bytes[0] === WRAPPED_V2
    ? base64urlEncode(bytes.subarray(1, 1 + KEY_ID_BYTES))
    : null;
}

/**
 * Unwraps a data key wrapped by `wrapDataKey` (version 1 or 2) into a
 * non-extractable working copy: script can encrypt and decrypt with it but
 * never read it. A key wrapped with another passkey's (or another salt's)
 * wrapping key fails AES-KW's integrity check (RFC 3394 §2.2.3), and a version
 * 2 key whose id does not match: `DECRYPTION_FAILED`, never a wrong key.
 *
 * @example
 * const dataKey = await unwrapDataKey(key.wrappedKey, wrappingKey);
 */
export function unwrapDataKey(wrapped: string, wrappingKey: CryptoKey): Promise<CryptoKey> {
  return unwrap(wrapped, wrappingKey, false);
}

/**
 * Wraps the data key held in `wrapped` for another passkey's wrapping key. The
 * extractable copy this needs exists only for the call.
 *
 * @example
 * const forPhone = await rewrapDataKey(unlocked.wrappedKey, unlocked.wrappingKey, phoneWrappingKey);
 */
export async function rewrapDataKey(
  wrapped: string,
  wrappingKey: CryptoKey,
  newWrappingKey: CryptoKey,
): Promise<string> {
  return wrapDataKey(await unwrap(wrapped, wrappingKey, true), newWrappingKey);
}

async function unwrap(
  wrapped: string,
  wrappingKey: CryptoKey,
  extractable: boolean,
): Promise<CryptoKey> {
  const bytes = parse(wrapped);
  const start = bytes?.[0] === WRAPPED_V2 ? 1 + KEY_ID_BYTES : 1;
  if (!bytes || bytes.byteLength !== start + KW_BYTES)
    throw new LatchkeyError('DECRYPTION_FAILED', 'The wrapped key has an unknown format');
  let key: CryptoKey;
  try {
    key = await globalThis.crypto.subtle.unwrapKey(
      'raw',
      bytes.slice(start),
      wrappingKey,
      'AES-KW',
      DATA_KEY,
      extractable,
      ['encrypt', 'decrypt'],
    );
  } catch (cause) {
    throw new LatchkeyError(
      'DECRYPTION_FAILED',
      'This passkey’s output does not unwrap the data key',
      { cause },
    );
  }
  const id = wrappedKeyId(wrapped);
  if (id !== null && id !== (await dataKeyId(key)))
    throw new LatchkeyError('DECRYPTION_FAILED', 'The wrapped key does not hold the key it names');
  return key;
}

function parse(wrapped: string): Uint8Array | null {
  try {
    const bytes = base64urlDecode(wrapped);
    return bytes[0] === WRAPPED_V1 || bytes[0] === WRAPPED_V2 ? bytes : null;
  } catch {
    return null;
  }
}
