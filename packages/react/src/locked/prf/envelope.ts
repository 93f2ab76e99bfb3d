'use client';
import {
  base64urlDecode,
  base64urlEncode,
  LatchkeyError,
  type LatchkeyResult,
} from '@latchkey/core';

const IV_BYTES = 12;
const ENVELOPE_RE = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/**
 * Encrypts with AES-256-GCM under `key` and a fresh random 96-bit IV (NIST SP
 * 800-38D §8.2.2), into a versioned envelope: `v1.<iv>.<ciphertext>`, both
 * base64url, the ciphertext ending with GCM's 128-bit tag. Text is UTF-8.
 *
 * @example
 * const envelope = await encryptEnvelope(dataKey, 'Dear diary'); // 'v1.x3v….Qm9…'
 */
export async function encryptEnvelope(
  key: CryptoKey,
  plaintext: string | Uint8Array,
): Promise<string> {
  if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array))
    throw new TypeError('encrypt: plaintext must be a string or a Uint8Array');
  const bytes =
    typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : new Uint8Array(plaintext);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = new Uint8Array(
    await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes),
  );
  return `v1.${base64urlEncode(iv)}.${base64urlEncode(ciphertext)}`;
}

/**
 * Opens an envelope made by `encryptEnvelope`. A malformed envelope, a changed
 * byte or another key is `DECRYPTION_FAILED` (GCM's tag check), never garbage.
 *
 * @example
 * const { data, error } = await decryptEnvelope(dataKey, envelope);
 */
export async function decryptEnvelope(
  key: CryptoKey,
  envelope: string,
): Promise<LatchkeyResult<Uint8Array>> {
  const match = typeof envelope === 'string' ? ENVELOPE_RE.exec(envelope) : null;
  if (!match) return failed('This is not a v1 envelope');
  try {
    const plaintext = await globalThis.crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(base64urlDecode(match[1]!)) },
      key,
      new Uint8Array(base64urlDecode(match[2]!)),
    );
    return { data: new Uint8Array(plaintext), error: null };
  } catch (cause) {
    return failed('The envelope was changed or made with another key', cause);
  }
}

/**
 * `decryptEnvelope`, read as UTF-8 text (invalid UTF-8 is `DECRYPTION_FAILED`).
 *
 * @example
 * const { data: note } = await decryptEnvelopeText(dataKey, envelope);
 */
export async function decryptEnvelopeText(
  key: CryptoKey,
  envelope: string,
): Promise<LatchkeyResult<string>> {
  const result = await decryptEnvelope(key, envelope);
  if (result.error) return result;
  try {
    return { data: new TextDecoder('utf-8', { fatal: true }).decode(result.data), error: null };
  } catch (cause) {
    return failed('The plaintext is not UTF-8 text', cause);
  }
}

function failed(message: string, cause?: unknown): { data: null; error: LatchkeyError } {
  return { data: null, error: new LatchkeyError('DECRYPTION_FAILED', message, { cause }) };
}
