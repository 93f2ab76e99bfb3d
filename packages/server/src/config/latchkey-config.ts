import type { AuditEvent, OpenApiDocument } from '@latchkey/core';
import type { EmailTemplates } from '../email/email-templates.js';
import type { EmailTransport } from '../email/email-transport.js';
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
  /**
   * Answers session checks from memory for a short while, when the store reports
   * every change to sessions and users (`watchSessions`: the memory, PGlite and
   * PostgreSQL stores): a revoked session is refused by every instance as soon
   * as the store's report reaches it, and by no later than `ttl`. With any other
   * store, or while the report's connection is down, every check reads the
   * store. `false` reads the store on every check. Default `{ ttl: 2, max: 10_000 }`.
   */
  cache?: SessionCacheConfig | false;
}

/** The bounds of the session check cache (`session.cache`). */
export interface SessionCacheConfig {
  /** Seconds an answer is kept at most (fractions allowed, at most 60). Default 2. */
  ttl?: number;
  /** Most answers kept; the least recently used goes first. Default 10 000. */
  max?: number;
}

export interface RateLimitConfig {
  /** Window length in seconds. Default 60. */
  window?: number;
  /** Public POSTs per IP per window and route. Default 30. */
  perIp?: number;
  /**
   * Attempts per account (email or user) per window, for sign-in and recovery;
   * also the failed passkey assertions (sign-in and step-up) per account. Default 10.
   */
  perAccount?: number;
  /** Failed passkey assertions per passkey per window, whatever the IP. Default 10. */
  perCredential?: number;
}

/** The host app's signed-in person, as its `identify` hook answers. */
export interface AppIdentity {
  /** The app's own id for the person (1..255 characters, compared exactly). */
  externalId: string;
  /** Stored when the user is created on first use; never used to find or link a user. */
  email?: string | null;
  displayName?: string | null;
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
  /**
   * `required` (default) or `preferred`: WebAuthn user verification policy, in
   * every ceremony's options and enforced on every response (the UV flag).
   */
  userVerification?: 'required' | 'preferred';
  /** The WebAuthn options of new passkeys and of sign-in (see the server README, "Options"). */
  webauthn?: WebAuthnConfig;
  session?: SessionConfig;
  /** `false` turns rate limiting off (tests only). */
  rateLimit?: RateLimitConfig | false;
  /** Revoking a passkey ends the sessions it opened at once (default true); `false` lets them run to expiry. */
  revokeSessionsWithPasskey?: boolean;
  /**
   * Audit events are kept in the store unless `false`. `retention`: how long an
   * event is kept, in seconds (default 90 days); older ones are deleted in
   * batches of at most 500, at most once a minute, started after an audit write
   * and never awaited by the request. `retention: false` keeps them for ever.
   */
  audit?: boolean | { retention?: number | false };
  /**
   * Serves the OpenAPI 3.1 document of the HTTP contract at `GET {basePath}/openapi.json`
   * (public and cacheable; its `servers` set to the base path). Default `false`: the
   * route answers `404 ROUTE_NOT_FOUND`.
   * - `true` loads `@latchkey/core/openapi.json` from `node_modules` on the first request,
   *   so the document is in no bundle (Node, Bun and Deno);
   * - the document itself (`import openapi from '@latchkey/core/openapi.json' with { type: 'json' }`)
   *   works on every runtime, edge bundles included: only then is it bundled.
   */
  openapi?: boolean | OpenApiDocument;
  // --- Apps that already have users (docs/design.md, "Existing identities") ---
  /**
   * Who the host app says is signed in, for an app with its own users and
   * sign-in. Asked by `register-options` and `register` when the request has
   * no Latchkey session: an answer enrols the passkey for that person (found
   * by `externalId`, created on first use with `email` and `displayName`),
   * whatever the body says; null keeps the usual rules (sign-up when open).
   * It gets the request's URL, method and headers (its cookies), not its body.
   * An app session alone enrols only an account's first passkey: once it has
   * one, adding another needs a Latchkey session that stepped up with it.
   *
   * @example
   * identify: async (request) => {
   *   const me = await appSessionUser(request.headers.get('cookie'));
   *   return me ? { externalId: String(me.id), email: me.email } : null;
   * }
   */
  identify?: (request: Request) => Promise<AppIdentity | null> | AppIdentity | null;
  // --- end of existing identities ---
  hooks?: {
    /** Called after every audit event is stored; errors are caught and logged. */
    onEvent?: (event: AuditEvent) => void | Promise<void>;
  };
  /**
   * The proxy in front of this server, whose headers are believed (default
   * `false`: none; the caller's IP is the socket peer the adapter passes):
   * - `true` or `1`: one reverse proxy; the IP is the rightmost `X-Forwarded-For`
   *   entry. `n`: n proxies in a chain; the n-th entry from the right.
   * - `'cloudflare'`, `'fly'`, `'vercel'`: the platform's own client-IP header
   *   (`CF-Connecting-IP`, `Fly-Client-IP`, `X-Real-IP`), which its edge sets.
   * Any of these also trusts `X-Forwarded-Proto` / `X-Forwarded-Host`. Name a
   * proxy only when every request comes through it: otherwise a client writes
   * its own address.
   */
  trustProxy?: boolean | number | 'cloudflare' | 'fly' | 'vercel';
  /**
   * Where to keep everything: a store from `@latchkey/server/postgres`, `/redis`,
   * `/pglite` or `/memory`. Default on Node, Bun and Deno: PGlite in `./.latchkey`
   * (install `@electric-sql/pglite`); required on other runtimes.
   */
  store?: LatchkeyStore;
  /**
   * The server secret, kept outside the store (at least 32 random characters,
   * e.g. `openssl rand -base64 48`). Keys derived from it encrypt the JWT signing
   * keys at rest and pepper the stored hashes of session cookies, tokens and
   * recovery codes, so a read of the store alone signs no one in. A list rotates:
   * the first secret seals and hashes, every one opens and verifies.
   *
   * Default: `LATCHKEY_SECRET` (one secret, or several separated by commas).
   * Without either, the embedded PGlite store on a folder (the default or one
   * passed in) generates one into that folder (`.latchkey/secret`, mode 0600);
   * any other store requires it when `NODE_ENV=production` (outside production
   * it is kept in the store, with a warning).
   */
  secret?: string | readonly string[];
  /** Milliseconds since the epoch; for tests that move time. */
  now?: () => number;
  /** Where errors that are not the caller's fault are logged. Default `console.error`. */
  logger?: (message: string, error: unknown) => void;
  /**
   * Milliseconds the handler waits for an answer (a slow or unreachable store)
   * before it answers `503 REQUEST_TIMEOUT` without any cookie. Default 5,000.
   * The store operation under way then finishes or rolls back whole; what it
   * made (a session) is never handed out.
   */
  requestTimeout?: number;
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
  /** Sending email: sign-in links, address verification, sign-up notices. */
  email?: EmailConfig;
  /** Ways in besides a passkey, each off by default. */
  fallbacks?: FallbacksConfig;
}

export interface EmailConfig {
  /** The sender: `'Acme <no-reply@acme.example>'`. */
  from: string;
  /** `smtpTransport(url)` from `@latchkey/server/smtp`, `consoleTransport()` in development, or your own. */
  transport: EmailTransport;
  /** Overrides of each email's strings, like the React kit's `labels`. */
  templates?: EmailTemplates;
  /**
   * The page of your app that opens an email link: a path on the origin that
   * asked for it (default `/auth/email-link`) or an absolute URL on one of
   * `origins`. The token is put in the fragment (`#token=…`), which no server,
   * log or `Referer` sees; the page posts it to `POST {basePath}/email/verify`.
   */
  linkUrl?: string;
}

export interface FallbacksConfig {
  /**
   * Sign-in by a link sent by email (`POST /email/link-options`, `POST /email/verify`).
   * Needs `email`. Such a session may only add a passkey until it has one, like
   * a recovery session. Default `false`.
   */
  magicLink?: boolean;
  /**
   * An optional password (`PUT /password` after a step-up, `POST /password/sign-in`).
   * Stored as an argon2id hash; a password session is a full session that never
   * passes a step-up. Default `false`.
   */
  password?: boolean;
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
  /**
   * Lifetime of issued access JWTs in seconds. Default 900 (15 minutes): a
   * verifier that checks only the signature keeps accepting a JWT this long after
   * its session or token is revoked. Clients refresh through `POST /jwt` while
   * their session lives.
   */
  ttl?: number;
}

export interface DeviceFlowConfig {
  /** The page where a person enters the user code. Default `${origin}/device`. */
  verificationUri?: string;
  /** Seconds a CLI waits between polls (RFC 8628 §3.2). Default 5. */
  interval?: number;
}

/** The WebAuthn L3 hints (§5.8.7): which kind of authenticator the browser offers first. */
export type WebAuthnHint = 'security-key' | 'client-device' | 'hybrid';

/** Which authenticators may hold a passkey here, by AAGUID (a UUID, any case). */
export interface AuthenticatorPolicy {
  /**
   * Only these AAGUIDs may register. Needs `attestation` (`direct` or `enterprise`) and `roots`:
   * a passkey whose statement carries no certificate chain (`none`, self
   * attestation) or whose chain does not reach one of `roots` is refused, since
   * otherwise its AAGUID is only what the authenticator says (see SECURITY.md).
   */
  allow?: string[];
  /**
   * The attestation root certificates (PEM) an allow-listed authenticator's
   * chain must reach: the vendors' roots, or those of the FIDO Metadata
   * Service statements for the allowed AAGUIDs. Required with `allow`.
   */
  roots?: string[];
  /** These AAGUIDs may not register (checked on whatever AAGUID the authenticator reports). */
  deny?: string[];
}

export interface WebAuthnConfig {
  /**
   * `required` (default): every new passkey is discoverable, so sign-in without
   * an email finds it. `preferred` or `discouraged` let a security key keep a
   * non-discoverable credential: such a passkey signs in only after the user
   * types the email (which lists it in `allowCredentials`), never through the
   * account picker or autofill.
   */
  residentKey?: 'required' | 'preferred' | 'discouraged';
  /**
   * `platform` (this device's own authenticator) or `cross-platform` (security
   * keys, phones); unset (default) lets the person choose. A register-options
   * request may ask for one itself.
   */
  authenticatorAttachment?: 'platform' | 'cross-platform';
  /** Hints for registration and sign-in options (§5.8.7); a register-options request may send its own. */
  hints?: WebAuthnHint[];
  /**
   * `none` (default): no attestation statement is asked for. `direct`: the
   * authenticator's statement is asked for and verified, so `authenticators.allow`
   * can rely on it. `enterprise` (§5.4.7): as `direct`, and a managed browser
   * whose policy lists this RP ID lets the authenticator send a statement that
   * names the device itself (others send their usual one); verified the same way.
   */
  attestation?: 'none' | 'direct' | 'enterprise';
  /** AAGUID allow and deny lists, enforced by `register` (`AUTHENTICATOR_NOT_ALLOWED`). */
  authenticators?: AuthenticatorPolicy;
  /**
   * Extra extension inputs (WebAuthn L3 §9) for registration and for sign-in
   * options, sent as they are. `prf` and `credProps` are Latchkey's own and
   * refused here. The outputs of these extensions reach `hooks.onEvent` in the
   * `passkey.registered`, `passkey.added` and `signin.succeeded` events
   * (`data.extensions`).
   */
  extensions?: {
    registration?: Record<string, unknown>;
    authentication?: Record<string, unknown>;
  };
  /**
   * The signature algorithms a new passkey may use, as COSE identifiers, most
   * preferred first (§5.4 `pubKeyCredParams`). Default `[-8, -7, -257]` (Ed25519,
   * ES256, RS256). ML-DSA (FIPS 204: `-48` ML-DSA-44, `-49` ML-DSA-65, `-50`
   * ML-DSA-87) is offered only where the runtime's Web Crypto has it; elsewhere it
   * is left out of the offer and the logger says so once.
   */
  algorithms?: number[];
}
