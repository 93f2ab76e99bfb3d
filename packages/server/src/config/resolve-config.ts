import { base64urlEncode, OpenApiDocument } from '@latchkey/core';
import * as z from 'zod/mini';
import type { EmailTemplates } from '../email/email-templates.js';
import type { EmailTransport } from '../email/email-transport.js';
import { type ClientIpRule, PLATFORM_IP_HEADERS } from '../http/client-address.js';
import { defaultRpId } from '../relying-party/resolve-rp-id.js';
import type { LatchkeyStore } from '../stores/contract.js';
import type { LatchkeyConfig, SessionCacheConfig } from './latchkey-config.js';
import { type ResolvedTokenConfig, resolveTokenConfig } from './resolve-token-config.js';
import { type ResolvedWebAuthnConfig, resolveWebAuthnConfig } from './resolve-webauthn-config.js';
import { resolveServerSecret, type SecretSource } from './server-secret.js';

export interface ResolvedConfig extends ResolvedTokenConfig {
  rpName: string;
  rpIdFor: (origin: string) => string;
  origins: string[];
  /** Web origins only (the allow-list for `Origin` headers). */
  webOrigins: Set<string>;
  basePath: string;
  signUp: 'open' | 'closed';
  mode: 'app' | 'owner';
  approval: 'none' | 'required';
  userVerification: 'required' | 'preferred';
  /** Resident keys, attachment, hints, attestation, the AAGUID policy and extra extensions. */
  webauthn: ResolvedWebAuthnConfig;
  session: {
    cookieName: string | null;
    ttl: number;
    idleTtl: number;
    secure: 'auto' | boolean;
    elevationTtl: number;
    /** Milliseconds and entries; null when off. */
    cache: { ttl: number; max: number } | null;
  };
  rateLimit: { window: number; perIp: number; perAccount: number; perCredential: number } | false;
  revokeSessionsWithPasskey: boolean;
  pop: { maxAge: number; defaultTier: 'standard' | 'locked' };
  audit: boolean;
  /** Seconds an audit event is kept; null: for ever. */
  auditRetention: number | null;
  /** `true`: load `@latchkey/core/openapi.json` on first use; or the document itself. */
  openapi: boolean | OpenApiDocument;
  onEvent: NonNullable<LatchkeyConfig['hooks']>['onEvent'];
  /** The host app's `identify` hook (existing identities), or null. */
  identify: NonNullable<LatchkeyConfig['identify']> | null;
  /** A proxy is trusted: `X-Forwarded-Proto` / `X-Forwarded-Host` are believed. */
  trustProxy: boolean;
  /** Where the caller's IP comes from (rate limits, audit, session lists). */
  clientIp: ClientIpRule;
  /** Where the server secret comes from (see `resolveServerSecret`). */
  secret: SecretSource;
  now: () => number;
  logger: (message: string, error: unknown) => void;
  store: LatchkeyStore | null;
  /** Milliseconds before the handler gives up on a request (503 `REQUEST_TIMEOUT`). */
  requestTimeout: number;
  /** Null when no email is configured. */
  email: {
    from: string;
    transport: EmailTransport;
    templates: EmailTemplates;
    linkUrl: string;
  } | null;
  fallbacks: { magicLink: boolean; password: boolean };
}

const DAY = 86_400;

function fail(field: string, expected: string): never {
  throw new TypeError(`createLatchkey: config.${field} ${expected}`);
}

function positive(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(field, 'must be a positive number');
  return value;
}

const NINETY_DAYS = 90 * 24 * 60 * 60;

/** The longest `session.cache.ttl`: the bound on staleness must stay short. */
const MAX_SESSION_CACHE_TTL = 60;

function resolveSessionCache(
  cache: SessionCacheConfig | false | undefined,
): ResolvedConfig['session']['cache'] {
  if (cache === false) return null;
  if (cache !== undefined && (typeof cache !== 'object' || cache === null))
    fail('session.cache', 'must be an object or false');
  const ttl = positive(cache?.ttl, 'session.cache.ttl', 2);
  if (ttl > MAX_SESSION_CACHE_TTL)
    fail('session.cache.ttl', `must be at most ${MAX_SESSION_CACHE_TTL} seconds`);
  const max = positive(cache?.max, 'session.cache.max', 10_000);
  if (!Number.isInteger(max)) fail('session.cache.max', 'must be a whole number');
  return { ttl: ttl * 1000, max };
}

function resolveAuditRetention(audit: LatchkeyConfig['audit']): number | null {
  if (audit === undefined || typeof audit === 'boolean') return NINETY_DAYS;
  if (typeof audit !== 'object' || audit === null)
    fail('audit', 'must be a boolean or { retention }');
  if (audit.retention === false) return null;
  return positive(audit.retention, 'audit.retention', NINETY_DAYS);
}

const APK_KEY_HASH = 'android:apk-key-hash:';

/**
 * An Android app's signing-certificate SHA-256 as Android writes it into
 * clientDataJSON (base64url, no padding), from that form, standard base64 (`+/=`,
 * as many guides print it) or keytool's colon-separated hex; null if it is not 32 bytes.
 */
function apkKeyHash(value: string): string | null {
  if (/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){31}$/.test(value))
    return base64urlEncode(Uint8Array.from(value.split(':'), (pair) => Number.parseInt(pair, 16)));
  const url = value.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/.test(url) ? url : null;
}

function normaliseOrigin(origin: string, index: number): string {
  if (origin.startsWith(APK_KEY_HASH)) {
    const hash = apkKeyHash(origin.slice(APK_KEY_HASH.length));
    if (!hash)
      fail(
        `origins[${index}]`,
        'must be android:apk-key-hash: and the SHA-256 of the signing certificate, in base64url (43 characters), base64 or keytool hex',
      );
    return APK_KEY_HASH + hash;
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    fail(
      `origins[${index}]`,
      `must be an origin like https://app.example (got ${JSON.stringify(origin)})`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`origins[${index}]`, 'must use http or https');
  if (url.pathname !== '/' || url.search || url.hash || url.username)
    fail(`origins[${index}]`, 'must be an origin, without path, query or credentials');
  return url.origin;
}

/**
 * Checks a configuration at start and fills in defaults. A wrong field throws a
 * `TypeError` that names it, so a misconfiguration never surfaces as a 500 later.
 */
export function resolveConfig(config: LatchkeyConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null)
    throw new TypeError('createLatchkey: config must be an object');
  if (
    typeof config.rpName !== 'string' ||
    config.rpName.trim() === '' ||
    config.rpName.length > 128
  ) {
    fail('rpName', 'must be a non-empty string of at most 128 characters');
  }
  if (!Array.isArray(config.origins) || config.origins.length === 0)
    fail('origins', 'must be a non-empty array of origins');
  const origins = config.origins.map((o, i) =>
    typeof o === 'string' ? normaliseOrigin(o, i) : fail(`origins[${i}]`, 'must be a string'),
  );
  const webOrigins = new Set(origins.filter((o) => !o.startsWith('android:')));

  let rpIdFor: (origin: string) => string;
  if (config.rpID === undefined) rpIdFor = defaultRpId;
  else if (typeof config.rpID === 'string') {
    if (!/^[a-z0-9.-]+$/i.test(config.rpID) && config.rpID !== 'localhost')
      fail('rpID', 'must be a host name without scheme or port');
    const rpId = config.rpID.toLowerCase();
    rpIdFor = () => rpId;
  } else if (typeof config.rpID === 'function') rpIdFor = config.rpID;
  else fail('rpID', 'must be a string or a function of the origin');

  const basePath = config.basePath ?? '/auth';
  if (typeof basePath !== 'string' || !/^(\/[A-Za-z0-9._~-]+)*$/.test(basePath))
    fail('basePath', "must look like '/auth' (or '' for the root)");

  const signUp = config.signUp ?? 'open';
  if (signUp !== 'open' && signUp !== 'closed') fail('signUp', "must be 'open' or 'closed'");
  const mode = config.mode ?? 'app';
  if (mode !== 'app' && mode !== 'owner') fail('mode', "must be 'app' or 'owner'");
  const approval = config.approval ?? 'none';
  if (approval !== 'none' && approval !== 'required')
    fail('approval', "must be 'none' or 'required'");
  if (approval === 'required' && mode !== 'owner')
    fail('approval', "'required' needs mode: 'owner'");
  const userVerification = config.userVerification ?? 'required';
  if (userVerification !== 'required' && userVerification !== 'preferred')
    fail('userVerification', "must be 'required' or 'preferred'");

  const s = config.session ?? {};
  if (typeof s !== 'object') fail('session', 'must be an object');
  if (s.cookieName !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(s.cookieName))
    fail('session.cookieName', 'must be 1-64 letters, digits, _ or -');
  if (s.secure !== undefined && s.secure !== 'auto' && typeof s.secure !== 'boolean')
    fail('session.secure', "must be 'auto', true or false");
  const ttl = positive(s.ttl, 'session.ttl', 30 * DAY);
  const idleTtl = positive(s.idleTtl, 'session.idleTtl', 7 * DAY);

  let rateLimit: ResolvedConfig['rateLimit'] = {
    window: 60,
    perIp: 30,
    perAccount: 10,
    perCredential: 10,
  };
  if (config.rateLimit === false) rateLimit = false;
  else if (config.rateLimit !== undefined) {
    if (typeof config.rateLimit !== 'object' || config.rateLimit === null)
      fail('rateLimit', 'must be an object or false');
    rateLimit = {
      window: positive(config.rateLimit.window, 'rateLimit.window', 60),
      perIp: positive(config.rateLimit.perIp, 'rateLimit.perIp', 30),
      perAccount: positive(config.rateLimit.perAccount, 'rateLimit.perAccount', 10),
      perCredential: positive(config.rateLimit.perCredential, 'rateLimit.perCredential', 10),
    };
  }

  if (config.hooks?.onEvent !== undefined && typeof config.hooks.onEvent !== 'function')
    fail('hooks.onEvent', 'must be a function');
  if (config.identify !== undefined && typeof config.identify !== 'function')
    fail('identify', 'must be a function of the request');
  if (config.now !== undefined && typeof config.now !== 'function')
    fail('now', 'must be a function');
  if (
    config.openapi !== undefined &&
    typeof config.openapi !== 'boolean' &&
    !z.safeParse(OpenApiDocument, config.openapi).success
  )
    fail('openapi', 'must be true, false or the document of @latchkey/core/openapi.json');
  if (
    config.store !== undefined &&
    (typeof config.store !== 'object' || typeof config.store?.consumeChallenge !== 'function')
  ) {
    fail('store', 'must be a LatchkeyStore (memoryStore(), pgliteStore(), postgresStore(), …)');
  }

  return {
    rpName: config.rpName,
    rpIdFor,
    origins,
    webOrigins,
    basePath,
    signUp,
    mode,
    approval,
    userVerification,
    webauthn: resolveWebAuthnConfig(config.webauthn),
    session: {
      cookieName: s.cookieName ?? null,
      ttl,
      idleTtl: Math.min(idleTtl, ttl),
      secure: s.secure ?? 'auto',
      elevationTtl: positive(s.elevationTtl, 'session.elevationTtl', 300),
      cache: resolveSessionCache(s.cache),
    },
    rateLimit,
    revokeSessionsWithPasskey: config.revokeSessionsWithPasskey !== false,
    pop: resolvePop(config.pop),
    audit: config.audit !== false,
    auditRetention: resolveAuditRetention(config.audit),
    openapi: config.openapi ?? false,
    onEvent: config.hooks?.onEvent,
    identify: config.identify ?? null,
    ...resolveTrustProxy(config.trustProxy),
    secret: resolveServerSecret(config, config.store ?? null),
    now: config.now ?? Date.now,
    logger: config.logger ?? ((message, error) => console.error(`[latchkey] ${message}`, error)),
    store: config.store ?? null,
    requestTimeout: positive(config.requestTimeout, 'requestTimeout', 5_000),
    ...resolveTokenConfig(config),
    ...resolveEmail(config, webOrigins),
  };
}

const TEMPLATE_NAMES = new Set(['magicLink', 'verifyEmail', 'signUpAttempt']);

function resolveEmail(
  config: LatchkeyConfig,
  webOrigins: Set<string>,
): Pick<ResolvedConfig, 'email' | 'fallbacks'> {
  const { email, fallbacks } = config;
  if (fallbacks !== undefined && (typeof fallbacks !== 'object' || fallbacks === null))
    fail('fallbacks', 'must be an object');
  const magicLink = fallbacks?.magicLink ?? false;
  if (typeof magicLink !== 'boolean') fail('fallbacks.magicLink', 'must be a boolean');
  const password = fallbacks?.password ?? false;
  if (typeof password !== 'boolean') fail('fallbacks.password', 'must be a boolean');
  if (email === undefined) {
    if (magicLink) fail('fallbacks.magicLink', 'needs `email` (a sender and a transport)');
    return { email: null, fallbacks: { magicLink, password } };
  }
  if (typeof email !== 'object' || email === null) fail('email', 'must be an object');
  // One address, optionally named; no line breaks (header injection).
  if (typeof email.from !== 'string' || !/^[^\r\n]{0,200}<?[^\s<>@]+@[^\s<>@]+>?$/.test(email.from))
    fail('email.from', "must be an address like 'Acme <no-reply@acme.example>'");
  if (typeof email.transport?.send !== 'function')
    fail('email.transport', 'must be a transport (smtpTransport(url), consoleTransport(), …)');
  const templates = email.templates ?? {};
  if (typeof templates !== 'object' || templates === null)
    fail('email.templates', 'must be an object');
  for (const [name, labels] of Object.entries(templates)) {
    if (!TEMPLATE_NAMES.has(name)) fail(`email.templates.${name}`, 'is not a template');
    for (const [key, value] of Object.entries(labels ?? {}))
      if (typeof value !== 'string') fail(`email.templates.${name}.${key}`, 'must be a string');
  }
  const linkUrl = email.linkUrl ?? '/auth/email-link';
  if (typeof linkUrl !== 'string') fail('email.linkUrl', 'must be a path or a URL');
  if (!linkUrl.startsWith('/') || linkUrl.startsWith('//')) {
    let origin = '';
    try {
      origin = new URL(linkUrl).origin;
    } catch {
      fail('email.linkUrl', "must be a path ('/auth/email-link') or a URL on one of `origins`");
    }
    if (!webOrigins.has(origin)) fail('email.linkUrl', 'must be on one of `origins`');
  }
  return {
    email: { from: email.from, transport: email.transport, templates, linkUrl },
    fallbacks: { magicLink, password },
  };
}

function resolveTrustProxy(
  trustProxy: LatchkeyConfig['trustProxy'],
): Pick<ResolvedConfig, 'trustProxy' | 'clientIp'> {
  if (trustProxy === undefined || trustProxy === false)
    return { trustProxy: false, clientIp: { from: 'peer' } };
  if (trustProxy === true) return { trustProxy: true, clientIp: { from: 'forwarded', hops: 1 } };
  if (typeof trustProxy === 'number') {
    if (!Number.isInteger(trustProxy) || trustProxy < 1 || trustProxy > 16)
      fail('trustProxy', 'as a number must be the count of proxies in front, 1 to 16');
    return { trustProxy: true, clientIp: { from: 'forwarded', hops: trustProxy } };
  }
  if (typeof trustProxy === 'string' && Object.hasOwn(PLATFORM_IP_HEADERS, trustProxy)) {
    const header = PLATFORM_IP_HEADERS[trustProxy as keyof typeof PLATFORM_IP_HEADERS];
    return { trustProxy: true, clientIp: { from: 'header', header } };
  }
  return fail(
    'trustProxy',
    "must be true, false, the number of proxies in front, or 'cloudflare', 'fly' or 'vercel'",
  );
}

function resolvePop(pop: LatchkeyConfig['pop']): ResolvedConfig['pop'] {
  if (pop !== undefined && (typeof pop !== 'object' || pop === null))
    fail('pop', 'must be an object');
  const defaultTier = pop?.defaultTier ?? 'standard';
  if (defaultTier !== 'standard' && defaultTier !== 'locked')
    fail('pop.defaultTier', "must be 'standard' or 'locked'");
  return { maxAge: positive(pop?.maxAge, 'pop.maxAge', 120), defaultTier };
}
