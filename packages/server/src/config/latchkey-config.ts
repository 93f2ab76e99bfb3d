import type { AuditEvent } from '@latchkey/core';
import type { LatchkeyStore } from '../stores/contract.js';

export interface SessionConfig {
  /** Cookie name. Default `latchkey` (`__Host-latchkey` on https). */
  cookieName?: string;
  /** Absolute lifetime in seconds. Default 30 days. */
  ttl?: number;
  /** Ends a session unused for this many seconds. Default 7 days. */
  idleTtl?: number;
  /** `auto` (default): Secure and `__Host-` on https, plain on http (loopback development). */
  secure?: 'auto' | boolean;
  /** How long a step-up keeps a session elevated, in seconds. Default 300. */
  elevationTtl?: number;
}

export interface RateLimitConfig {
  /** Window length in seconds. Default 60. */
  window?: number;
  /** Public POSTs per IP per window and route. Default 30. */
  perIp?: number;
  /** Attempts per account (email or user) per window, for sign-in and recovery. Default 10. */
  perAccount?: number;
}

export interface LatchkeyConfig {
  /** Shown by authenticators: "Sign in to {rpName}". */
  rpName: string;
  /**
   * The RP ID, or a function of the request's origin. Default: the origin's host,
   * with `*.ts.net` hosts collapsed to their tailnet.
   */
  rpID?: string | ((origin: string) => string);
  /** Allowed origins: web origins (`https://app.example`) and `android:apk-key-hash:…`. */
  origins: string[];
  /** Where the routes live. Default `/auth`. */
  basePath?: string;
  /** `open` (default): anyone may sign up with a passkey. `closed`: only signed-in users add passkeys. */
  signUp?: 'open' | 'closed';
  /**
   * `app` (default): many users. `owner`: a self-hosted tool with one owner; the
   * first passkey claims the instance, then sign-up closes and new devices join
   * by pairing (or, with `approval: 'required'`, by a passkey a trusted device approves).
   */
  mode?: 'app' | 'owner';
  /**
   * Owner mode only. `required`: a device that is not signed in may enrol a passkey
   * for the owner, but it stays `pending` (it cannot sign in) until a trusted device
   * approves it. `none` (default): new devices join by pairing only.
   */
  approval?: 'none' | 'required';
  /** `required` (default) or `preferred`: WebAuthn user verification policy. */
  userVerification?: 'required' | 'preferred';
  session?: SessionConfig;
  /** `false` turns rate limiting off (tests only). */
  rateLimit?: RateLimitConfig | false;
  /** Revoking a passkey ends the sessions it opened at once (default true); `false` lets them run to expiry. */
  revokeSessionsWithPasskey?: boolean;
  /** Audit events are kept in the store unless `false`. */
  audit?: boolean;
  hooks?: {
    /** Called after every audit event is stored; errors are caught and logged. */
    onEvent?: (event: AuditEvent) => void | Promise<void>;
  };
  /**
   * Trust `X-Forwarded-For` / `X-Forwarded-Proto` / `X-Forwarded-Host` from a
   * reverse proxy in front of this server. Default false.
   */
  trustProxy?: boolean;
  /** Where to keep everything. Default: `pgliteStore({ dataDir: './.latchkey' })`. */
  store?: LatchkeyStore;
  /**
   * A long random secret for derived values (decoy credential ids). Default: one
   * generated once and kept in the store, shared by every instance.
   */
  secret?: string;
  /** Milliseconds since the epoch; for tests that move time. */
  now?: () => number;
  /** Where errors that are not the caller's fault are logged. Default `console.error`. */
  logger?: (message: string, error: unknown) => void;
  /** Personal and agent tokens (`/tokens`, the device flow). */
  tokens?: TokensConfig;
  /** JWTs for other services and for handoff, verified against `/.well-known/jwks.json`. */
  jwt?: JwtConfig;
  /**
   * Origins allowed to use this RP ID, served at `/.well-known/webauthn`
   * (WebAuthn L3 §5.11.1, related origin requests).
   */
  relatedOrigins?: string[];
  /** The CLI's device authorization flow (RFC 8628). */
  deviceFlow?: DeviceFlowConfig;
  /** Locked sessions: continuous proof of possession of a device key. */
  pop?: PopConfig;
}

export interface PopConfig {
  /**
   * How long one proof lasts, in seconds. A locked session whose last proof is
   * older is refused (`POP_REQUIRED`) until the browser proves again. Default 120.
   */
  maxAge?: number;
  /** The tier of new accounts. Default `standard`. */
  defaultTier?: 'standard' | 'locked';
}

export interface TokensConfig {
  /** The longest lifetime a token may have, in seconds. Default 90 days. */
  maxTtl?: number;
  /** App-defined scopes such as `notes:write`, besides the built-in `read`, `write`, `admin`. */
  scopes?: string[];
}

export interface JwtConfig {
  /** The signing algorithm of new keys: `EdDSA` (Ed25519, default) or `ES256`. */
  alg?: 'EdDSA' | 'ES256';
  /** Lifetime of issued JWTs in seconds. Default 24 hours. */
  ttl?: number;
}

export interface DeviceFlowConfig {
  /** The page where a person enters the user code. Default `${origin}/device`. */
  verificationUri?: string;
  /** Seconds a CLI waits between polls (RFC 8628 §3.2). Default 5. */
  interval?: number;
}
