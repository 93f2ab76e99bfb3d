import { base64urlEncode } from '@latchkey/core';

/**
 * The few `node:crypto` calls Latchkey uses, typed here so the bundle has no
 * static `node:crypto` import (it must load on any fetch runtime).
 */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): NodeDigest;
  createHmac(algorithm: 'sha256', key: string | Uint8Array): NodeDigest;
  randomFillSync<T extends Uint8Array>(buffer: T): T;
  createPublicKey(options: { key: JsonWebKey; format: 'jwk' }): object;
  verify(
    algorithm: 'sha256' | null,
    data: Uint8Array,
    key: object | { key: object; dsaEncoding: 'ieee-p1363' },
    signature: Uint8Array,
  ): boolean;
}
/** The JWK members Latchkey writes for a public key (RFC 7517, RFC 7518 §6, RFC 8037 §2). */
interface JsonWebKey {
  kty: 'EC' | 'RSA' | 'OKP';
  crv?: 'P-256' | 'Ed25519';
  x?: string;
  y?: string;
  n?: string;
  e?: string;
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

/**
 * Random bytes drawn from node's CSPRNG a page at a time: each call into it costs
 * more than the bytes a token needs (a ceremony draws several), so small draws
 * are cut from one page and the bytes handed out are wiped from it at once.
 */
const POOL_SIZE = 4096;
const POOLED_MAX = 256;
let pool: Uint8Array | undefined;
let poolOffset = 0;

/** `length` bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  if (!nodeCrypto) return globalThis.crypto.getRandomValues(new Uint8Array(length));
  if (length > POOLED_MAX) return nodeCrypto.randomFillSync(new Uint8Array(length));
  if (!pool || poolOffset + length > POOL_SIZE) {
    pool = nodeCrypto.randomFillSync(pool ?? new Uint8Array(POOL_SIZE));
    poolOffset = 0;
  }
  const bytes = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return bytes;
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

/** HMAC-SHA-256 of `message` under `secret` (text or key bytes), as bytes. */
export async function hmacSha256(
  secret: string | Uint8Array,
  message: string,
): Promise<Uint8Array> {
  if (nodeCrypto) {
    return new Uint8Array(nodeCrypto.createHmac('sha256', secret).update(message).digest());
  }
  const key = await subtle.importKey(
    'raw',
    (typeof secret === 'string' ? encoder.encode(secret) : secret) as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await subtle.sign('HMAC', key, encoder.encode(message)));
}

/** The signature algorithms Latchkey verifies itself (COSE -7, -257, -8; RFC 9053, RFC 8812). */
export type SignatureAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/** A public key imported once for `verifySignature`: a `KeyObject` on Node, a `CryptoKey` elsewhere. */
export interface VerifyKey {
  readonly alg: SignatureAlgorithm;
  readonly key: object;
}

const WEB_IMPORT = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
} as const;
const WEB_VERIFY = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  EdDSA: { name: 'Ed25519' },
} as const;

/** Imports a public JWK for `alg`; throws when the platform refuses it (a point off the curve…). */
export async function importVerifyKey(
  alg: SignatureAlgorithm,
  jwk: JsonWebKey,
): Promise<VerifyKey> {
  if (nodeCrypto) return { alg, key: nodeCrypto.createPublicKey({ key: jwk, format: 'jwk' }) };
  const key = await subtle.importKey('jwk', jwk as never, WEB_IMPORT[alg], false, ['verify']);
  return { alg, key };
}

/**
 * Verifies `signature` over `data` with a key from `importVerifyKey`: ES256 as
 * raw `r || s` (IEEE P1363, 64 bytes), RS256 as RSASSA-PKCS1-v1_5 with
 * SHA-256, EdDSA as Ed25519. False for any signature that does not verify,
 * including one the platform cannot even parse.
 */
export async function verifySignature(
  key: VerifyKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    if (nodeCrypto) {
      if (key.alg === 'ES256') {
        return nodeCrypto.verify(
          'sha256',
          data,
          { key: key.key, dsaEncoding: 'ieee-p1363' },
          signature,
        );
      }
      // RSA keys verify with PKCS #1 v1.5 padding unless told otherwise.
      return nodeCrypto.verify(key.alg === 'RS256' ? 'sha256' : null, data, key.key, signature);
    }
    return await subtle.verify(
      WEB_VERIFY[key.alg],
      key.key as never,
      signature as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
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
