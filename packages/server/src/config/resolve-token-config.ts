import type { LatchkeyConfig } from './latchkey-config.js';

/** The resolved settings of tokens, the device flow, JWTs and related origins. */
export interface ResolvedTokenConfig {
  tokens: {
    /** Longest lifetime of a personal token, in seconds. */
    maxTtl: number;
    /** App-defined scopes (the built-in `read`, `write`, `admin` are always known). */
    scopes: string[];
  };
  jwt: { alg: 'EdDSA' | 'ES256'; ttl: number };
  /** WebAuthn L3 §5.11.1: origins served at `/.well-known/webauthn`. */
  relatedOrigins: string[];
  deviceFlow: {
    /** Where the person approves; null means `${origin}/device` of the request. */
    verificationUri: string | null;
    /** RFC 8628 §3.2 `interval`, in seconds. */
    interval: number;
  };
}

const DAY = 86_400;
/** Core's `Scope` schema, repeated so a bad scope fails at start, not on first use. */
const SCOPE_RE = /^[a-z][a-z0-9:._-]{0,63}$/;
const BUILT_IN = new Set(['read', 'write', 'admin']);

function fail(field: string, expected: string): never {
  throw new TypeError(`createLatchkey: config.${field} ${expected}`);
}

function positiveInt(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    fail(field, 'must be a positive whole number of seconds');
  return value;
}

function objectOrEmpty<T extends object>(value: T | undefined, field: string): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(field, 'must be an object');
  return value;
}

function webOrigin(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'must be a string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(field, `must be an origin like https://app.example (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(field, 'must use http or https');
  if (url.pathname !== '/' || url.search || url.hash || url.username)
    fail(field, 'must be an origin, without path, query or credentials');
  return url.origin;
}

/**
 * Checks `tokens`, `jwt`, `relatedOrigins` and `deviceFlow` and fills in their
 * defaults. A wrong field throws a `TypeError` naming it.
 *
 * @example
 * resolveTokenConfig({ rpName: 'Acme', origins: ['https://acme.example'], jwt: { alg: 'ES256' } })
 *   .jwt // { alg: 'ES256', ttl: 900 }
 */
export function resolveTokenConfig(config: LatchkeyConfig): ResolvedTokenConfig {
  const tokens = objectOrEmpty(config.tokens, 'tokens');
  const maxTtl = positiveInt(tokens.maxTtl, 'tokens.maxTtl', 90 * DAY);
  if (tokens.scopes !== undefined && !Array.isArray(tokens.scopes))
    fail('tokens.scopes', 'must be an array of scope names');
  const scopes: string[] = [];
  (tokens.scopes ?? []).forEach((scope, i) => {
    if (typeof scope !== 'string' || !SCOPE_RE.test(scope))
      fail(
        `tokens.scopes[${i}]`,
        "must look like 'notes:write' (lower case, at most 64 characters)",
      );
    if (!BUILT_IN.has(scope) && !scopes.includes(scope)) scopes.push(scope);
  });

  const jwt = objectOrEmpty(config.jwt, 'jwt');
  const alg = jwt.alg ?? 'EdDSA';
  if (alg !== 'EdDSA' && alg !== 'ES256') fail('jwt.alg', "must be 'EdDSA' or 'ES256'");
  const ttl = positiveInt(jwt.ttl, 'jwt.ttl', 15 * 60);

  if (config.relatedOrigins !== undefined && !Array.isArray(config.relatedOrigins))
    fail('relatedOrigins', 'must be an array of origins');
  const relatedOrigins = [
    ...new Set((config.relatedOrigins ?? []).map((o, i) => webOrigin(o, `relatedOrigins[${i}]`))),
  ];

  const device = objectOrEmpty(config.deviceFlow, 'deviceFlow');
  let verificationUri: string | null = null;
  if (device.verificationUri !== undefined) {
    const raw = device.verificationUri;
    let url: URL | null = null;
    try {
      url = typeof raw === 'string' ? new URL(raw) : null;
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash)
      fail('deviceFlow.verificationUri', 'must be an absolute http(s) URL without a fragment');
    verificationUri = url.href;
  }
  const interval = positiveInt(device.interval, 'deviceFlow.interval', 5);
  if (interval > 60) fail('deviceFlow.interval', 'must be at most 60 seconds');

  return {
    tokens: { maxTtl, scopes },
    jwt: { alg, ttl },
    relatedOrigins,
    deviceFlow: { verificationUri, interval },
  };
}
