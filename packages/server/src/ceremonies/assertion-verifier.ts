import { base64urlDecode, base64urlEncode, isBase64url } from '@latchkey/core';
import {
  type VerifiedAuthenticationResponse,
  verifyAuthenticationResponse,
} from '@simplewebauthn/server';
import { decodeCredentialPublicKey } from '@simplewebauthn/server/helpers';
import {
  importVerifyKey,
  type SignatureAlgorithm,
  sha256Bytes,
  type VerifyKey,
  verifySignature,
} from '../internal/crypto.js';
import { bytesEqual } from '../internal/webauthn-data.js';

/**
 * What `verifyAuthenticationResponse` of `@simplewebauthn/server` takes, as
 * Latchkey calls it: one RP ID, no top origin, no FIDO conformance rules.
 */
export interface AssertionToVerify {
  response: Parameters<typeof verifyAuthenticationResponse>[0]['response'];
  expectedChallenge: string;
  expectedOrigin: string | string[];
  expectedRPID: string;
  /** Default `true`, as SimpleWebAuthn's. */
  requireUserVerification?: boolean;
  credential: { id: string; publicKey: Uint8Array; counter: number; transports?: never };
}

/**
 * `verifyAuthenticationResponse` with each credential's public key imported
 * once. Accepts and refuses exactly what SimpleWebAuthn does (a differential
 * test holds it to that), and answers the same `authenticationInfo`.
 */
export interface AssertionVerifier {
  verify(assertion: AssertionToVerify): Promise<VerifiedAuthenticationResponse>;
  /** Drops a credential's key, as when the passkey is deleted. */
  forget(credentialId: string): void;
  /** Keys held now (at most `maxKeys`). */
  readonly size: number;
  /** How many assertions the fast path decided, and how many went to SimpleWebAuthn. */
  readonly stats: { readonly fast: number; readonly fallback: number };
}

/** How many imported keys stay cached, least recently used out first. */
export const DEFAULT_MAX_KEYS = 5_000;

interface CachedKey {
  /** The stored COSE key the entry was made from: any other bytes mean a new import. */
  publicKey: Uint8Array;
  /** Null when Latchkey leaves the key to SimpleWebAuthn (another algorithm, or one it refused). */
  key: VerifyKey | null;
}

/** Thrown for a refusal, as SimpleWebAuthn throws; the caller maps it to VERIFICATION_FAILED. */
class AssertionRefused extends Error {}

function refuse(message: string): never {
  throw new AssertionRefused(message);
}

// WebAuthn L3 §6.1: the flags byte.
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;
const FLAG_ED = 0x80;

const TOKEN_BINDING_STATUSES = ['present', 'supported', 'notSupported'];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Creates the verifier. The fast path covers the assertions passkeys send:
 * 37 bytes of authenticator data (no attested data, no extensions),
 * canonical base64url, an ES256 (P-256), RS256 or Ed25519 key, and for ES256 a
 * DER signature in its one canonical form. Anything else goes to
 * SimpleWebAuthn's `verifyAuthenticationResponse` unchanged, so what Latchkey
 * does not understand it never decides.
 *
 * @example
 * const verifier = createAssertionVerifier();
 * const { verified, authenticationInfo } = await verifier.verify({ response, expectedChallenge, expectedOrigin, expectedRPID, credential });
 */
export function createAssertionVerifier(maxKeys = DEFAULT_MAX_KEYS): AssertionVerifier {
  const keys = new Map<string, CachedKey>();
  const stats = { fast: 0, fallback: 0 };

  async function keyFor(credential: AssertionToVerify['credential']): Promise<VerifyKey | null> {
    const cached = keys.get(credential.id);
    if (cached && bytesEqual(cached.publicKey, credential.publicKey)) {
      // Most recently used goes last; the first key is the one to evict.
      keys.delete(credential.id);
      keys.set(credential.id, cached);
      return cached.key;
    }
    const entry: CachedKey = {
      publicKey: credential.publicKey.slice(),
      key: await importCoseKey(credential.publicKey),
    };
    keys.delete(credential.id);
    keys.set(credential.id, entry);
    if (keys.size > maxKeys) keys.delete(keys.keys().next().value as string);
    return entry.key;
  }

  /** The fast path: a result, a throw (refused), or undefined for "ask SimpleWebAuthn". */
  async function tryFast(
    assertion: AssertionToVerify,
  ): Promise<VerifiedAuthenticationResponse | undefined> {
    const { response, expectedChallenge, expectedOrigin, expectedRPID, credential } = assertion;
    const requireUserVerification = assertion.requireUserVerification ?? true;
    // The same checks, in the same order, as verifyAuthenticationResponse.
    const { id, rawId, type: credentialType, response: assertionResponse } = response;
    if (!id) refuse('Missing credential ID');
    if (id !== rawId) refuse('Credential ID was not base64url-encoded');
    if (credentialType !== 'public-key') refuse('Unexpected credential type');
    if (!assertionResponse) refuse('Credential missing response');
    const clientDataBytes = canonicalBase64url(assertionResponse.clientDataJSON);
    const authData = canonicalBase64url(assertionResponse.authenticatorData);
    const signature = canonicalBase64url(assertionResponse.signature);
    if (!clientDataBytes || !authData || !signature) return undefined;
    let clientDataText: string;
    try {
      clientDataText = utf8.decode(clientDataBytes);
    } catch {
      return undefined;
    }
    // JSON.parse and the destructuring throw for what is not a JSON object: refused.
    const { type, origin, challenge, tokenBinding, topOrigin } = JSON.parse(clientDataText);
    if (type !== 'webauthn.get') refuse('Unexpected authentication response type');
    if (challenge !== expectedChallenge) refuse('Unexpected authentication response challenge');
    // No expected top origin is ever given: a top origin, cross-origin or not, is refused.
    if (topOrigin) refuse('Unexpected top origin');
    if (
      Array.isArray(expectedOrigin) ? !expectedOrigin.includes(origin) : origin !== expectedOrigin
    ) {
      refuse('Unexpected authentication response origin');
    }
    const { userHandle } = assertionResponse;
    if (userHandle && typeof userHandle !== 'string') refuse('userHandle was not a string');
    if (tokenBinding) {
      if (typeof tokenBinding !== 'object') refuse('tokenBinding was not an object');
      if (TOKEN_BINDING_STATUSES.indexOf(tokenBinding.status) < 0)
        refuse('Unexpected tokenBinding status');
    }
    // Attested credential data or extensions need a CBOR parser: SimpleWebAuthn's job.
    if (authData.length !== 37) return undefined;
    const flags = authData[32]!;
    if (flags & (FLAG_AT | FLAG_ED)) return undefined;
    // SimpleWebAuthn hashes the RP ID as ASCII; Latchkey's hash is of UTF-8: the same for ASCII.
    if (!/^[\x20-\x7e]*$/.test(expectedRPID)) return undefined;
    if (!bytesEqual(authData.subarray(0, 32), await sha256Bytes(expectedRPID)))
      refuse('Unexpected RP ID hash');
    if (!(flags & FLAG_UP)) refuse('User not present during authentication');
    if (requireUserVerification && !(flags & FLAG_UV))
      refuse('User verification required, but user could not be verified');
    const counter = new DataView(authData.buffer, authData.byteOffset + 33, 4).getUint32(0, false);
    if ((counter > 0 || credential.counter > 0) && counter <= credential.counter)
      refuse('Response counter value was lower than expected');
    const key = await keyFor(credential);
    if (!key) return undefined;
    const backupEligible = (flags & FLAG_BE) !== 0;
    const backedUp = (flags & FLAG_BS) !== 0;
    if (!backupEligible && backedUp)
      refuse('Single-device credential indicated that it was backed up');
    let rawSignature = signature;
    if (key.alg === 'ES256') {
      const unwrapped = derToP1363(signature);
      if (!unwrapped) return undefined;
      rawSignature = unwrapped;
    }
    const signed = new Uint8Array(37 + 32);
    signed.set(authData, 0);
    signed.set(await sha256Bytes(clientDataBytes), 37);
    return {
      verified: await verifySignature(key, signed, rawSignature),
      authenticationInfo: {
        newCounter: counter,
        credentialID: credential.id,
        userVerified: (flags & FLAG_UV) !== 0,
        credentialDeviceType: backupEligible ? 'multiDevice' : 'singleDevice',
        credentialBackedUp: backedUp,
        authenticatorExtensionResults: undefined,
        origin,
        rpID: expectedRPID,
      },
    };
  }

  return {
    async verify(assertion) {
      let fast: VerifiedAuthenticationResponse | undefined;
      try {
        fast = await tryFast(assertion);
      } catch (error) {
        stats.fast++;
        throw error;
      }
      if (fast) {
        stats.fast++;
        return fast;
      }
      stats.fallback++;
      return verifyAuthenticationResponse({
        ...assertion,
        credential: {
          ...assertion.credential,
          publicKey: assertion.credential.publicKey as Uint8Array<ArrayBuffer>,
        },
      });
    },
    forget(credentialId) {
      keys.delete(credentialId);
    },
    get size() {
      return keys.size;
    },
    stats,
  };
}

/**
 * The text as bytes when it is base64url in its one canonical form (no
 * padding, no stray bits), where every decoder agrees; otherwise undefined.
 */
function canonicalBase64url(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !isBase64url(text)) return undefined;
  const bytes = base64urlDecode(text);
  return base64urlEncode(bytes) === text ? bytes : undefined;
}

// RFC 9053 §2.1, §7.1; RFC 8812 §2; RFC 8152 §13.2: the COSE labels and values used here.
const COSE_KTY = 1;
const COSE_ALG = 3;
const COSE_CRV = -1;
const COSE_X = -2;
const COSE_Y = -3;
const COSE_N = -1;
const COSE_E = -2;

/**
 * Imports a stored COSE key when it is one of the three the fast path verifies,
 * decoded with SimpleWebAuthn's own decoder so both read the same key.
 * Null for any other key, or one the platform refuses to import.
 */
async function importCoseKey(publicKey: Uint8Array): Promise<VerifyKey | null> {
  try {
    const cose = decodeCredentialPublicKey(publicKey as Uint8Array<ArrayBuffer>) as Map<
      number,
      unknown
    >;
    if (!(cose instanceof Map)) return null;
    const kty = cose.get(COSE_KTY);
    const alg = cose.get(COSE_ALG);
    const crv = cose.get(COSE_CRV);
    const bytes = (label: number, ok: (b: Uint8Array) => boolean) => {
      const value = cose.get(label);
      return value instanceof Uint8Array && ok(value) ? base64urlEncode(value) : undefined;
    };
    let found: { alg: SignatureAlgorithm; jwk: Parameters<typeof importVerifyKey>[1] } | null =
      null;
    if (kty === 2 && alg === -7 && crv === 1) {
      const x = bytes(COSE_X, (b) => b.length === 32);
      const y = bytes(COSE_Y, (b) => b.length === 32);
      if (x && y) found = { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x, y } };
    } else if (kty === 3 && alg === -257) {
      // A modulus of 2048 bits or more and an exponent, both without leading zeros.
      const n = bytes(COSE_N, (b) => b.length >= 256 && b.length <= 1024 && b[0] !== 0);
      const e = bytes(COSE_E, (b) => b.length >= 1 && b.length <= 8 && b[0] !== 0);
      if (n && e) found = { alg: 'RS256', jwk: { kty: 'RSA', n, e } };
    } else if (kty === 1 && alg === -8 && crv === 6) {
      const x = bytes(COSE_X, (b) => b.length === 32);
      if (x) found = { alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519', x } };
    }
    return found ? await importVerifyKey(found.alg, found.jwk) : null;
  } catch {
    return null;
  }
}

/**
 * An ECDSA P-256 signature in DER (`SEQUENCE { INTEGER r, INTEGER s }`,
 * X.690 §8.3 and §10.1: short lengths, minimal positive integers, nothing
 * after) as 64 bytes of `r || s`. Undefined for anything else, which the
 * caller leaves to SimpleWebAuthn.
 */
export function derToP1363(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const out = new Uint8Array(64);
  let at = 2;
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) return undefined;
    const length = der[at + 1]!;
    const start = at + 2;
    const end = start + length;
    if (length < 1 || length > 33 || end > der.length) return undefined;
    const first = der[start]!;
    if (first & 0x80) return undefined; // negative
    if (length > 1 && first === 0 && !(der[start + 1]! & 0x80)) return undefined; // not minimal
    // 33 bytes only as 00 and a 32-byte integer with its top bit set; more does not fit P-256.
    if (length === 33 && first !== 0) return undefined;
    const value = der.subarray(length === 33 ? start + 1 : start, end);
    out.set(value, part * 32 + 32 - value.length);
    at = end;
  }
  return at === der.length ? out : undefined;
}
