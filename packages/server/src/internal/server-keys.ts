import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { hmacSha256, randomBytes, sha256 } from './crypto.js';

/** What a stored hash protects; each has its own key and its own legacy form. */
export type SecretPurpose = 'session' | 'token' | 'recovery' | 'link';

/** The prefix of a sealed value: the format's version, so a later format can sit beside it. */
const SEALED_PREFIX = 'lk-sealed.v1.';
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const subtle = globalThis.crypto.subtle;
type CryptoKey = Awaited<ReturnType<typeof subtle.importKey>>;

/** The keys derived from one secret (RFC 5869 HKDF-SHA-256, one `info` per use). */
interface KeySet {
  /** Names the secret in sealed values, so unsealing tries the right key first. */
  id: string;
  seal: CryptoKey;
  pepper: Record<SecretPurpose, Uint8Array>;
  decoy: Uint8Array;
  handoff: Uint8Array;
}

async function hkdf(ikm: CryptoKey, info: string, bits = 256): Promise<Uint8Array> {
  return new Uint8Array(
    await subtle.deriveBits(
      {
        name: 'HKDF',
        hash: 'SHA-256',
        salt: encoder.encode('latchkey'),
        info: encoder.encode(info),
      },
      ikm,
      bits,
    ),
  );
}

async function deriveKeySet(secret: string): Promise<KeySet> {
  const ikm = await subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveBits']);
  const sealBytes = await hkdf(ikm, 'latchkey/v1/seal');
  return {
    id: base64urlEncode((await hkdf(ikm, 'latchkey/v1/key-id', 64)) as Uint8Array),
    seal: await subtle.importKey('raw', sealBytes as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]),
    pepper: {
      session: await hkdf(ikm, 'latchkey/v1/pepper/session'),
      token: await hkdf(ikm, 'latchkey/v1/pepper/token'),
      recovery: await hkdf(ikm, 'latchkey/v1/pepper/recovery'),
      link: await hkdf(ikm, 'latchkey/v1/pepper/link'),
    },
    decoy: await hkdf(ikm, 'latchkey/v1/decoy'),
    handoff: await hkdf(ikm, 'latchkey/v1/handoff'),
  };
}

/** How rows written before peppering were hashed: plain SHA-256 (still accepted, see `candidates`). */
function legacyHash(purpose: SecretPurpose, value: string): Promise<string> {
  return sha256(purpose === 'recovery' ? `recovery:${value}` : value);
}

/**
 * The keys Latchkey derives from the server secret, which lives outside the
 * store: a read of the store alone then signs no one in. The first secret of
 * the list is current (it seals and hashes what is written now); every secret
 * of the list opens and verifies, so a secret can be rotated without signing
 * anyone out.
 *
 * - `seal` / `unseal`: AES-256-GCM (NIST SP 800-38D) with a random 96-bit IV and
 *   associated data naming the record, for the JWT signing private keys.
 * - `hash` / `candidates`: HMAC-SHA-256 (RFC 2104) "peppered" hashes of session
 *   cookies, API tokens, recovery codes and email-link tokens, so a stolen hash cannot be searched
 *   offline (a recovery code has about 59 bits).
 * - `mac`: keyed values that must agree across instances (decoy credentials,
 *   the handoff binding).
 *
 * @example
 * const keys = await ServerKeys.derive(['a-long-random-secret-of-32-characters-or-more']);
 * const stored = await keys.hash('token', presented);
 */
export class ServerKeys {
  private constructor(private readonly sets: KeySet[]) {}

  /** Derives the keys of every secret; the first one is current. */
  static async derive(secrets: readonly string[]): Promise<ServerKeys> {
    if (secrets.length === 0) throw new TypeError('ServerKeys.derive: at least one secret');
    return new ServerKeys(await Promise.all(secrets.map(deriveKeySet)));
  }

  private get current(): KeySet {
    return this.sets[0]!;
  }

  /** The stored form of a secret value, under the current secret. */
  async hash(purpose: SecretPurpose, value: string): Promise<string> {
    return base64urlEncode(await hmacSha256(this.current.pepper[purpose], value));
  }

  /**
   * Every stored form `value` may have, to look it up by, made one at a time so
   * that a lookup that hits stops hashing: under the current secret first, then
   * under older secrets, then the plain SHA-256 of rows written before the
   * secret existed (so an upgrade signs no one out).
   */
  async *forms(purpose: SecretPurpose, value: string): AsyncGenerator<string> {
    for (const set of this.sets)
      yield base64urlEncode(await hmacSha256(set.pepper[purpose], value));
    // Email links came after the pepper: they never had a plain-hash form.
    if (purpose !== 'link') yield await legacyHash(purpose, value);
  }

  /** All of `forms`, for a caller that needs every one (recovery codes). */
  async candidates(purpose: SecretPurpose, value: string): Promise<string[]> {
    const all: string[] = [];
    for await (const form of this.forms(purpose, value)) all.push(form);
    return all;
  }

  /** A MAC under the current secret's key for `use`. */
  mac(use: 'decoy' | 'handoff', message: string): Promise<Uint8Array> {
    return hmacSha256(this.current[use], message);
  }

  /** The MACs of `message` under every secret's key for `use` (to verify a value made before a rotation). */
  macs(use: 'decoy' | 'handoff', message: string): Promise<Uint8Array[]> {
    return Promise.all(this.sets.map((set) => hmacSha256(set[use], message)));
  }

  /** Encrypts `plaintext` under the current secret, bound to `context` (e.g. `signing-key:<kid>`). */
  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(12);
    const sealed = await subtle.encrypt(
      {
        name: 'AES-GCM',
        iv: iv as Uint8Array<ArrayBuffer>,
        additionalData: encoder.encode(context),
      },
      this.current.seal,
      encoder.encode(plaintext),
    );
    return `${SEALED_PREFIX}${this.current.id}.${base64urlEncode(iv)}.${base64urlEncode(new Uint8Array(sealed))}`;
  }

  /**
   * Decrypts a value `seal` made under any secret of the list, for the same
   * `context`. Throws when no secret opens it (a wrong or missing secret, a
   * value moved to another record, a changed byte).
   */
  async unseal(value: string, context: string): Promise<string> {
    if (!ServerKeys.isSealed(value)) throw new Error('not a sealed value');
    const [id, iv, data] = value.slice(SEALED_PREFIX.length).split('.');
    if (!id || !iv || !data) throw new Error('malformed sealed value');
    // The named secret first; every other one after, in case two secrets share an id.
    const ordered = [...this.sets].sort((a, b) => Number(b.id === id) - Number(a.id === id));
    for (const set of ordered) {
      try {
        const plain = await subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: base64urlDecode(iv) as Uint8Array<ArrayBuffer>,
            additionalData: encoder.encode(context),
          },
          set.seal,
          base64urlDecode(data) as Uint8Array<ArrayBuffer>,
        );
        return decoder.decode(plain);
      } catch {
        // the next secret
      }
    }
    throw new Error(
      'no configured server secret opens this sealed value (was the secret changed without keeping the old one in the list?)',
    );
  }

  /** Whether a stored value is in the sealed format (older rows hold plaintext). */
  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }
}
