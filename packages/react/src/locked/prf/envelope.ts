'use client';
import {
  base64urlDecode,
  base64urlEncode,
  LatchkeyError,
  type LatchkeyResult,
} from '@latchkey/core';

const IV_BYTES = 12;
const ENVELOPE_RE = /^v([12])\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/**
 * What an envelope is bound to: `aad`, the associated data (NIST SP 800-38D
 * §7), such as the record's id and field. An envelope opens only with the same
 * `aad`, so a record's ciphertext copied into another record does not decrypt.
 */
export interface EnvelopeOptions {
  aad?: string;
}

/** Version 2's associated data: a label, so no other use of the key can forge one, then `aad`. */
function associatedData(aad = ''): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`latchkey/envelope/v2\n${aad}`);
}

/**
 * Encrypts with AES-256-GCM under `key` and a fresh random 96-bit IV (NIST SP
 * 800-38D §8.2.2), into a versioned envelope: `v2.<iv>.<ciphertext>`, both
 * base64url, the ciphertext ending with GCM's 128-bit tag, authenticated with
 * `aad` (empty by default). Text is UTF-8.
 *
 * @example
 * const envelope = await encryptEnvelope(dataKey, 'Dear diary', { aad: `note:${id}` }); // 'v2.x3v….Qm9…'
 */
export async function encryptEnvelope(
  key: CryptoKey,
  plaintext: string | Uint8Array,
  options: EnvelopeOptions = {},
): Promise<string> {
  if (typeof plaintext !== 'string' && !(plaintext instanceof Uint8Array))
    throw new TypeError('encrypt: plaintext must be a string or a Uint8Array');
  const bytes =
    typeof plaintext === 'string' ? new TextEncoder().encode(plaintext) : new Uint8Array(plaintext);
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = new Uint8Array(
    await globalThis.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: associatedData(options.aad) },
      key,
      bytes,
    ),
  );
  return `v2.${base64urlEncode(iv)}.${base64urlEncode(ciphertext)}`;
}

/**
 * Opens an envelope made by `encryptEnvelope`. A malformed envelope, a changed
 * byte, another key or (version 2) another `aad` is `DECRYPTION_FAILED` (GCM's
 * tag check), never garbage. Version 1 envelopes (no associated data) still open.
 *
 * @example
 * const { data, error } = await decryptEnvelope(dataKey, envelope, { aad: `note:${id}` });
 */
export async function decryptEnvelope(
  key: CryptoKey,
  envelope: string,
  options: EnvelopeOptions = {},
): Promise<LatchkeyResult<Uint8Array>> {
  const match = typeof envelope === 'string' ? ENVELOPE_RE.exec(envelope) : null;
  if (!match) return failed('This is not a v1 or v2 envelope');
  try {
    const plaintext = await globalThis.crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: new Uint8Array(base64urlDecode(match[2]!)),
        ...(match[1] === '2' ? { additionalData: associatedData(options.aad) } : {}),
      },
      key,
      new Uint8Array(base64urlDecode(match[3]!)),
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
  options: EnvelopeOptions = {},
): Promise<LatchkeyResult<string>> {
  const result = await decryptEnvelope(key, envelope, options);
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
