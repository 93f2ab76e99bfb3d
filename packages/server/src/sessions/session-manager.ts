import { LatchkeyError } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { serializeCookie } from '../http/cookies.js';
import type { RequestContext } from '../http/request-context.js';
import { randomToken, sha256 } from '../internal/crypto.js';
import type { ServerKeys } from '../internal/server-keys.js';
import type { AuditRecord, LatchkeyStore, SessionRecord, UserRecord } from '../stores/contract.js';

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
 * Whether a challenge was asked for with `Latchkey-Pre-Session`: only a native
 * app's signed origin may answer it (`checkOrigin`), and its session is a bearer.
 *
 * @example
 * if (isNativeBinding(challenge.binding)) ctx.sessionCarrier = 'bearer';
 */
export function isNativeBinding(binding: string): boolean {
  return binding.startsWith(NATIVE_BINDING);
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
    let session: SessionRecord | null = null;
    for await (const form of keys.forms('session', secret)) {
      session = await this.store.getSessionBySecretHash(form);
      if (current === undefined) current = form;
      else if (session) {
        await this.store.rotateSession(session.id, current, {});
        session.secretHash = current;
      }
      if (session) break;
    }
    if (!session) return null;
    const idleExpiry = session.lastSeenAt + this.config.session.idleTtl * 1000;
    if (now >= session.expiresAt || now >= idleExpiry) {
      await this.store.deleteSession(session.id);
      return null;
    }
    const user = await this.store.getUser(session.userId);
    if (!user) return null;
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      session.lastSeenAt = now;
      await this.store.updateSession(session.id, { lastSeenAt: now });
    }
    return { session, user };
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
   * `Latchkey-Pre-Session` header instead (`new` asks for one, handed back in
   * the answer's header); such a binding never matches a cookie's, and only a
   * native app's signed origin may answer its challenge.
   */
  async binding(ctx: RequestContext, create: boolean): Promise<string | null> {
    if (ctx.session) return `session:${ctx.session.id}`;
    const header = ctx.request.headers.get(PRE_SESSION_HEADER);
    if (header !== null) {
      let pre = header.trim();
      if (pre === 'new' && create) {
        pre = randomToken(24);
        ctx.headers.set(PRE_SESSION_HEADER, pre);
      } else if (!PRE_SESSION_RE.test(pre)) {
        throw new LatchkeyError(
          'INVALID_PARAMS',
          create
            ? 'Latchkey-Pre-Session must be "new" or a pre-session this server handed out'
            : 'Latchkey-Pre-Session must be the pre-session the options answer handed out',
        );
      }
      return `${NATIVE_BINDING}${await sha256(pre)}`;
    }
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
