import { LatchkeyError } from '@latchkey/core';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { ACCESS_TYP, JWT_ALGORITHMS } from './signing-keys.js';

/** The claims of a Latchkey access JWT. */
export interface LatchkeyJwtClaims {
  /** The user id. */
  sub: string;
  /** The session that asked for it, or `token:<id>` when a personal token did. */
  sid?: string;
  aud: string | string[];
  iat: number;
  exp: number;
  jti: string;
  /** Space-separated scopes, present when a personal token asked (it never exceeds them). */
  scope?: string;
}

export interface VerifyLatchkeyJwtOptions {
  /** `https://auth.example/.well-known/jwks.json`: fetched and cached, refetched for an unknown `kid`. */
  jwksUrl?: string | URL;
  /** The JWKS itself (`{ keys: [...] }`, or the array), when the service has it already. */
  keys?: { keys: JWK[] } | JWK[];
  /** What `aud` must be (one of): this service's name or origin. Required (RFC 8725 §3.9). */
  audience: string | string[];
  /** Seconds of clock skew to allow on `exp` and `iat`. Default 5. */
  clockTolerance?: number;
  /** The time to check `exp` against (tests). Default now. */
  currentDate?: Date;
}

const remoteSets = new Map<string, JWTVerifyGetKey>();

/** jose codes that mean "could not get the keys", not "the token is bad". */
const FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Verifies a Latchkey access JWT in another service, without touching Latchkey's
 * stores: the signature against the JWKS (EdDSA or ES256 only), `typ`, `aud`,
 * `exp` and the required claims. A bad token throws `LatchkeyError` with code
 * `INVALID_TOKEN` (`details.reason` has jose's code); keys that cannot be fetched
 * throw `NETWORK_ERROR`. Misuse throws `TypeError`.
 *
 * @example
 * const claims = await verifyLatchkeyJwt(bearer, {
 *   jwksUrl: 'https://auth.example/.well-known/jwks.json',
 *   audience: 'https://api.example',
 * });
 * console.log(claims.sub); // the user id
 */
export async function verifyLatchkeyJwt(
  token: string,
  options: VerifyLatchkeyJwtOptions,
): Promise<LatchkeyJwtClaims> {
  if (typeof token !== 'string') throw new TypeError('verifyLatchkeyJwt: token must be a string');
  if (!options || (options.jwksUrl === undefined) === (options.keys === undefined))
    throw new TypeError('verifyLatchkeyJwt: pass exactly one of jwksUrl or keys');
  const audience = options.audience;
  if (
    !(typeof audience === 'string' && audience) &&
    !(Array.isArray(audience) && audience.length > 0)
  )
    throw new TypeError('verifyLatchkeyJwt: audience is required');

  let getKey: JWTVerifyGetKey;
  if (options.jwksUrl !== undefined) {
    const url = new URL(options.jwksUrl);
    getKey = remoteSets.get(url.href) ?? createRemoteJWKSet(url);
    remoteSets.set(url.href, getKey);
  } else {
    const keys = Array.isArray(options.keys) ? options.keys : options.keys?.keys;
    if (!Array.isArray(keys)) throw new TypeError('verifyLatchkeyJwt: keys must be a JWKS');
    getKey = createLocalJWKSet({ keys });
  }

  try {
    const { payload } = await jwtVerify(token, getKey, {
      audience,
      typ: ACCESS_TYP,
      algorithms: [...JWT_ALGORITHMS],
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      clockTolerance: options.clockTolerance ?? 5,
      ...(options.currentDate ? { currentDate: options.currentDate } : {}),
    });
    return payload as unknown as LatchkeyJwtClaims;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_') || FETCH_FAILURES.has(code)) {
      throw new LatchkeyError('NETWORK_ERROR', 'Could not fetch the keys to verify the JWT', {
        cause: error,
      });
    }
    throw new LatchkeyError('INVALID_TOKEN', describe(error, code), {
      cause: error,
      details: { reason: code },
    });
  }
}

function describe(error: unknown, code: string): string {
  if (code === 'ERR_JWT_EXPIRED') return 'The JWT has expired';
  const claim = (error as { claim?: unknown }).claim;
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'aud')
    return 'The JWT was issued for another audience';
  if (code === 'ERR_JWKS_NO_MATCHING_KEY') return 'No published key matches the JWT';
  return 'The JWT is not valid';
}
