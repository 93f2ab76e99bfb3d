import { base64urlEncode } from '@latchkey/core';

// Web Crypto only, so the handler runs unchanged on Node, Bun, Deno and workers.
const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

/** `bytes` random bytes as base64url. */
export function randomToken(bytes = 32): string {
  return base64urlEncode(globalThis.crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 of UTF-8 text or bytes, as base64url: how every secret is stored. */
export async function sha256(input: string | Uint8Array): Promise<string> {
  const data = typeof input === 'string' ? encoder.encode(input) : input;
  return base64urlEncode(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/** Raw SHA-256 bytes. */
export async function sha256Bytes(input: string | Uint8Array): Promise<Uint8Array> {
  const data = typeof input === 'string' ? encoder.encode(input) : input;
  return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/** HMAC-SHA-256 of `message` under `secret`, as bytes. */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const key = await subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(message)));
}

/**
 * Compares two strings in time that depends only on their lengths, so a stored
 * hash is never leaked a character at a time.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789'; // no 0/O, 1/I/L, U

/**
 * A human-typable code of `length` characters from an unambiguous alphabet,
 * without modulo bias (rejection sampling).
 */
export function randomCode(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of globalThis.crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 256 - (256 % CODE_ALPHABET.length))
        out += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Upper-cases and drops spaces and dashes, so `abcd-efgh` and `ABCDEFGH` are one code. */
export function normaliseCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}
