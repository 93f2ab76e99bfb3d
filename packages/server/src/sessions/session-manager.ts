import { LatchkeyError } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { serializeCookie } from '../http/cookies.js';
import type { RequestContext } from '../http/request-context.js';
import { randomToken, sha256 } from '../internal/crypto.js';
import type { ServerKeys } from '../internal/server-keys.js';
import type {
  AuditRecord,
  CredentialUse,
  LatchkeyStore,
  SessionRecord,
  UserRecord,
} from '../stores/contract.js';
import { recordSignIn } from '../stores/sign-in-steps.js';
import type { SessionCache } from './session-cache.js';

/** Sessions are touched (lastSeenAt) at most this often, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;
const PRE_SESSION_TTL_S = 600;
const PRE_SESSION_RE = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * The request header a native app carries its pre-session in (it keeps no
 * cookie jar). `new` on an options request asks for one; the answer's header of
 * the same name holds it. A browser page cannot send this header to another
 * site without a CORS preflight, which Latchkey does not answer.
 */
export const PRE_SESSION_HEADER = 'latchkey-pre-session';
/** The answer header that hands a native app its (new or rotated) session token. */
export const SESSION_TOKEN_HEADER = 'latchkey-session-token';
/** Session tokens start with this, so `Authorization: Bearer` tells them from API tokens (`lk_`). */
export const SESSION_TOKEN_PREFIX = 'lks_';
/** The binding of a challenge asked for with `Latchkey-Pre-Session`. */
const NATIVE_BINDING = 'native:';

/**
 * Whether a binding (a challenge's, a sign-in link's, a pairing's requester)
 * was made from `Latchkey-Pre-Session`: only a native app's signed origin may
 * answer such a challenge (`checkOrigin`), and only that pre-session collects
 * such a pairing.
 *
 * @example
 * isNativeBinding(challenge.binding) // true for a challenge asked for with the header
 */
export function isNativeBinding(binding: string): boolean {
  return binding.startsWith(NATIVE_BINDING);
}

/**
 * Whether a request is a native app's: it carries `Latchkey-Pre-Session`
 * (`new`, or a pre-session it holds) and neither header a browser adds to a
 * page's requests, which no script can set or remove: `Origin` (on every
 * POST) and `Sec-Fetch-Site` (on every request of current browsers). A browser
 * page that sends the header is refused (`INVALID_PARAMS`), so the header alone
 * never makes a page's request native. Each way in adds its own proof on top
 * (docs/design.md, "Native apps"): a signed native origin for passkeys, the
 * secret presented for a recovery code, an email link, a password or a
 * handoff token, the pre-session that started it for a pairing.
 *
 * @example
 * isNativeRequest(new Request(url, { headers: { 'latchkey-pre-session': 'new' } })) // true
 */
export function isNativeRequest(request: Request): boolean {
  const header = request.headers.get(PRE_SESSION_HEADER);
  if (header === null) return false;
  if (request.headers.has('origin') || request.headers.has('sec-fetch-site')) {
    throw new LatchkeyError(
      'INVALID_PARAMS',
      'Latchkey-Pre-Session is for native apps: a web page keeps its session in the cookie',
    );
  }
  const pre = header.trim();
  if (pre !== 'new' && !PRE_SESSION_RE.test(pre)) {
    throw new LatchkeyError(
      'INVALID_PARAMS',
      'Latchkey-Pre-Session must be "new" or a pre-session this server handed out',
    );
  }
  return true;
}

/**
 * How a session opened or rotated on this request travels, decided in this one
 * place for every route: a caller's own session keeps its carrier; otherwise a
 * native app's request (`isNativeRequest`) gets a bearer token, anything else
 * (a browser) the HttpOnly cookie.
 *
 * @example
 * ctx.sessionCarrier = sessionCarrier(request, caller.via === 'session' ? caller.carrier : null);
 */
export function sessionCarrier(
  request: Request,
  current: 'cookie' | 'bearer' | null,
): 'cookie' | 'bearer' {
  if (current) return current;
  return isNativeRequest(request) ? 'bearer' : 'cookie';
}

export interface SessionStart {
  userId: string;
  kind: SessionRecord['kind'];
  credentialId: string | null;
  popKey?: string | null;
  /**
   * The absolute expiry, when it must not be later than another session's (a
   * handoff carries its source's, so bouncing between origins never extends it).
   */
  notAfter?: number;
}

/**
 * Opaque, random session ids in an HttpOnly SameSite=Lax cookie (`__Host-` and
 * Secure on https). Only an HMAC of the id under a key derived from the server
 * secret is stored, so a read of the store yields nothing that signs anyone in.
 */
export class SessionManager {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: LatchkeyStore,
    private readonly keys: () => Promise<ServerKeys>,
    /** Recent answers of `lookup`, when the config keeps them (`session.cache`). */
    private readonly cache: SessionCache | null = null,
  ) {}

  cookieName(secure: boolean): string {
    return this.config.session.cookieName ?? (secure ? '__Host-latchkey' : 'latchkey');
  }

  preCookieName(secure: boolean): string {
    return `${this.cookieName(secure)}-pre`;
  }

  private isSecure(ctx: RequestContext): boolean {
    const { secure } = this.config.session;
    return secure === 'auto' ? ctx.secure : secure;
  }

  /** Finds the live session of the request's cookie; ends expired ones. */
  async resolve(ctx: RequestContext): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    return this.lookup(ctx.cookies.get(this.cookieName(this.isSecure(ctx))), ctx.now);
  }

  /**
   * The live session a native app's `Authorization: Bearer lks_…` opens (the
   * same record, hash and expiry as a cookie's), or null for anything else.
   */
  async resolveBearer(
    bearer: string,
    now: number,
  ): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    if (!bearer.startsWith(SESSION_TOKEN_PREFIX)) return null;
    return this.lookup(bearer.slice(SESSION_TOKEN_PREFIX.length), now);
  }

  /**
   * The live session a cookie secret opens, and its user; ends an expired one
   * (absolute or idle expiry) and touches `lastSeenAt` at most once a minute.
   * A recent answer may come from the cache (`SessionCache`, trusted only while
   * the store reports every change); one that would expire the session or need
   * a touch is read again from the store, which alone decides both.
   */
  async lookup(
    secret: string | undefined,
    now: number,
  ): Promise<{ session: SessionRecord; user: UserRecord } | null> {
    if (!secret || secret.length > 128) return null;
    const keys = await this.keys();
    // Under the current secret, then older ones and the plain SHA-256 of sessions
    // opened before the secret existed; a hit on an older form is re-hashed.
    let current: string | undefined;
    let mark = 0;
    let found: { session: SessionRecord; user: UserRecord } | null = null;
    for await (const form of keys.forms('session', secret)) {
      if (current === undefined) {
        current = form;
        const cached = this.cache?.get(form);
        if (cached && !this.isExpired(cached.session, now) && !this.needsTouch(cached.session, now))
          return cached;
        mark = this.cache?.begin() ?? 0;
      }
      // The session and its user in one read (one query on a SQL store).
      found = await this.store.getSessionAndUser(form);
      if (form !== current && found) {
        await this.store.rotateSession(found.session.id, current, {});
        found.session.secretHash = current;
      }
      if (found) break;
    }
    if (!found) return null;
    const { session, user } = found;
    if (this.isExpired(session, now)) {
      await this.store.deleteSession(session.id);
      return null;
    }
    if (this.needsTouch(session, now)) {
      session.lastSeenAt = now;
      await this.store.updateSession(session.id, { lastSeenAt: now });
    }
    if (current !== undefined) this.cache?.put(mark, current, found);
    return { session, user };
  }

  /** Past its absolute or its idle expiry. */
  private isExpired(session: SessionRecord, now: number): boolean {
    const idleExpiry = session.lastSeenAt + this.config.session.idleTtl * 1000;
    return now >= session.expiresAt || now >= idleExpiry;
  }

  private needsTouch(session: SessionRecord, now: number): boolean {
    return now - session.lastSeenAt >= TOUCH_INTERVAL_MS;
  }

  /**
   * Opens a session and sets its cookie; `event`, the audit event of the sign-in,
   * is stored in the same write (see `Auditor.recordWith`). A session the request
   * already had is ended first: every sign-in rotates the id (session fixation,
   * OWASP ASVS 3.2.1).
   */
  async start(
    ctx: RequestContext,
    start: SessionStart,
    event?: AuditRecord,
  ): Promise<SessionRecord> {
    if (ctx.session) await this.store.deleteSession(ctx.session.id);
    const prepared = await this.prepare(ctx, start);
    await this.store.createSession(prepared.record, event);
    return this.commit(ctx, prepared);
  }

  /**
   * `start` for a passkey sign-in: the session and its event are stored in one
   * write with the passkey's new counter (`recordSignIn`), a compare-and-set on
   * `expectedCounter`. Null, and nothing stored, when another assertion moved
   * the counter first.
   */
  async startWithUse(
    ctx: RequestContext,
    start: SessionStart & { credentialId: string },
    passkey: { expectedCounter: number; use: CredentialUse },
    event?: AuditRecord,
  ): Promise<SessionRecord | null> {
    if (ctx.session) await this.store.deleteSession(ctx.session.id);
    const prepared = await this.prepare(ctx, start);
    const { expectedCounter, use } = passkey;
    const stored = await recordSignIn(
      this.store,
      start.credentialId,
      expectedCounter,
      use,
      prepared.record,
      event,
    );
    return stored ? this.commit(ctx, prepared) : null;
  }

  /** A new session record and its secret, not yet stored (a sign-up stores it with the account). */
  async prepare(
    ctx: RequestContext,
    start: SessionStart,
  ): Promise<{ record: SessionRecord; secret: string }> {
    const secret = randomToken(32);
    const record: SessionRecord = {
      id: randomToken(16),
      secretHash: await (await this.keys()).hash('session', secret),
      userId: start.userId,
      kind: start.kind,
      credentialId: start.credentialId,
      createdAt: ctx.now,
      expiresAt: Math.min(ctx.now + this.config.session.ttl * 1000, start.notAfter ?? Infinity),
      lastSeenAt: ctx.now,
      elevatedUntil: null,
      ip: ctx.ip,
      userAgent: ctx.userAgent?.slice(0, 512) ?? null,
      popKey: start.popKey ?? null,
      popProvenAt: start.popKey ? ctx.now : null,
    };
    return { record, secret };
  }

  /** Sets the cookie (or, for a native app, the token) of a stored session and makes it the request's. */
  commit(ctx: RequestContext, prepared: { record: SessionRecord; secret: string }): SessionRecord {
    this.hand(ctx, prepared.secret, (prepared.record.expiresAt - ctx.now) / 1000);
    ctx.session = prepared.record;
    return prepared.record;
  }

  /**
   * The session token handed out on this request (`lks_…`), when the session
   * travels as a bearer; null for a cookie session.
   */
  issuedToken(ctx: RequestContext): string | null {
    return ctx.headers.get(SESSION_TOKEN_HEADER);
  }

  /**
   * Gives the session a new id (the old cookie stops working) and applies
   * `patch`: used on elevation and when an enrol-only session becomes full.
   */
  async rotate(
    ctx: RequestContext,
    patch: Partial<Pick<SessionRecord, 'kind' | 'elevatedUntil' | 'credentialId'>>,
  ): Promise<SessionRecord> {
    const session = ctx.session;
    if (!session) throw new LatchkeyError('UNAUTHENTICATED', 'Sign in first');
    const secret = randomToken(32);
    const secretHash = await (await this.keys()).hash('session', secret);
    await this.store.rotateSession(session.id, secretHash, patch);
    Object.assign(session, patch, { secretHash });
    this.hand(ctx, secret, (session.expiresAt - ctx.now) / 1000);
    return session;
  }

  /** Ends the request's session and clears its cookie. */
  async end(ctx: RequestContext): Promise<void> {
    if (ctx.session) await this.store.deleteSession(ctx.session.id);
    ctx.session = null;
    ctx.setCookies.push(
      serializeCookie(this.cookieName(this.isSecure(ctx)), '', {
        maxAge: 0,
        secure: this.isSecure(ctx),
      }),
    );
  }

  /**
   * Who asked for a challenge: the session, or a pre-session (a random cookie set
   * on the first options request) so a challenge can only be answered by the
   * browser that asked for it. A native app carries its pre-session in the
   * `Latchkey-Pre-Session` header instead (`nativeBinding`); such a binding
   * never matches a cookie's, and only a native app's signed origin may answer
   * its challenge.
   */
  async binding(ctx: RequestContext, create: boolean): Promise<string | null> {
    if (ctx.session) return `session:${ctx.session.id}`;
    const native = await this.nativeBinding(ctx, create);
    if (native !== null) return native;
    const name = this.preCookieName(this.isSecure(ctx));
    let pre = ctx.cookies.get(name);
    if (!pre || pre.length > 128) {
      if (!create) return null;
      pre = randomToken(24);
      (ctx.cookies as Map<string, string>).set(name, pre);
      ctx.setCookies.push(
        serializeCookie(name, pre, { maxAge: PRE_SESSION_TTL_S, secure: this.isSecure(ctx) }),
      );
    }
    return `pre:${await sha256(pre)}`;
  }

  /**
   * The binding of a native app's pre-session (`native:<hash>`), or null when
   * the request carries no `Latchkey-Pre-Session` (a browser: its cookies bind).
   * With `create`, `new` makes one, handed back in the answer's header of that
   * name; without, the header must hold one. What a browser keeps in a cookie
   * to be recognised on a later request (a ceremony's pre-session, a sign-in
   * link's asker, a pairing's requester), a native app keeps here. Refused from
   * a browser page (`isNativeRequest`).
   *
   * @example
   * const binding = (await sessions.nativeBinding(ctx, true)) ?? cookieBinding;
   */
  async nativeBinding(ctx: RequestContext, create: boolean): Promise<string | null> {
    if (!isNativeRequest(ctx.request)) return null;
    let pre = ctx.request.headers.get(PRE_SESSION_HEADER)!.trim();
    if (pre === 'new') {
      if (!create) {
        throw new LatchkeyError(
          'INVALID_PARAMS',
          'Latchkey-Pre-Session must be the pre-session the options answer handed out',
        );
      }
      pre = randomToken(24);
      ctx.headers.set(PRE_SESSION_HEADER, pre);
    }
    return `${NATIVE_BINDING}${await sha256(pre)}`;
  }

  isElevated(session: SessionRecord, now: number): boolean {
    // A password session never is (see `checkCanStepUp`), whatever it holds.
    if (session.kind === 'password') return false;
    return session.elevatedUntil !== null && session.elevatedUntil > now;
  }

  elevationEnd(now: number): number {
    return now + this.config.session.elevationTtl * 1000;
  }

  /** A cookie for a browser; for a native app's bearer session, the token in the answer's header. */
  private hand(ctx: RequestContext, secret: string, maxAge: number): void {
    if (ctx.sessionCarrier === 'bearer') {
      ctx.headers.set(SESSION_TOKEN_HEADER, `${SESSION_TOKEN_PREFIX}${secret}`);
      return;
    }
    const secure = this.isSecure(ctx);
    ctx.setCookies.push(serializeCookie(this.cookieName(secure), secret, { maxAge, secure }));
  }
}
