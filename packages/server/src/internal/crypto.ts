import { base64urlEncode } from '@latchkey/core';

/**
 * The few `node:crypto` calls Latchkey uses, typed here so the bundle has no
 * static `node:crypto` import (it must load on any fetch runtime).
 */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): NodeDigest;
  createHmac(algorithm: 'sha256', key: string): NodeDigest;
  randomFillSync<T extends Uint8Array>(buffer: T): T;
}
interface NodeDigest {
  update(data: string | Uint8Array): NodeDigest;
  digest(): Uint8Array;
  digest(encoding: 'base64url'): string;
}

/**
 * `node:crypto` where the runtime has it (Node 20.16+, and runtimes that copy
 * `process.getBuiltinModule`), chosen once at load. On Node every
 * `crypto.subtle` call is a job on libuv's thread pool (about 30–40 µs for a
 * short SHA-256, against about 4 µs for `createHash`), and a ceremony makes
 * several; elsewhere Web Crypto, so the handler runs unchanged on Bun, Deno and
 * workers. Both give the same bytes: SHA-256 (FIPS 180-4), HMAC (RFC 2104), and
 * a CSPRNG.
 */
const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (
    globalThis as {
      process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') {
    return undefined;
  }
  try {
    return proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

/** Which implementation this process uses: `node` or `web`. For tests and the bench. */
export const cryptoBackend: 'node' | 'web' = nodeCrypto ? 'node' : 'web';

/** `length` bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  return nodeCrypto ? nodeCrypto.randomFillSync(bytes) : globalThis.crypto.getRandomValues(bytes);
}

/** `bytes` random bytes as base64url. */
export function randomToken(bytes = 32): string {
  return base64urlEncode(randomBytes(bytes));
}

/** SHA-256 of UTF-8 text or bytes, as base64url: how every secret is stored. */
export async function sha256(input: string | Uint8Array): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(input).digest('base64url');
  const data = typeof input === 'string' ? encoder.encode(input) : input;
  return base64urlEncode(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/** Raw SHA-256 bytes. */
export async function sha256Bytes(input: string | Uint8Array): Promise<Uint8Array> {
  if (nodeCrypto) return new Uint8Array(nodeCrypto.createHash('sha256').update(input).digest());
  const data = typeof input === 'string' ? encoder.encode(input) : input;
  return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
}

/** HMAC-SHA-256 of `message` under `secret`, as bytes. */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  if (nodeCrypto) {
    return new Uint8Array(nodeCrypto.createHmac('sha256', secret).update(message).digest());
  }
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
    for (const byte of randomBytes(length * 2)) {
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
