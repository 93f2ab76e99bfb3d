import { LatchkeyError } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { serializeCookie } from '../http/cookies.js';
import type { RequestContext } from '../http/request-context.js';
import { randomToken, sha256 } from '../internal/crypto.js';
import type { Services } from '../services.js';
import type { EmailLinkRecord } from '../stores/contract.js';

/** How long an email link works: 15 minutes (OWASP Forgot Password Cheat Sheet: short-lived, single use). */
export const EMAIL_LINK_TTL_S = 15 * 60;

/** Emails Latchkey sends one address in an hour, whatever asks (so many IPs together cannot flood an inbox). */
export const EMAILS_PER_ADDRESS_HOURLY = 10;

/**
 * The link cookie of this browser, as stored in a sign-in link (`binding`), or
 * null when the browser has none. With `create`, a browser without one gets a
 * fresh random cookie (and every ask renews it for the link's lifetime). A
 * native app is bound by its `Latchkey-Pre-Session` instead (`nativeBinding`).
 */
export async function linkBinding(
  ctx: RequestContext,
  services: Services,
  create: boolean,
): Promise<string | null> {
  const native = await services.sessions.nativeBinding(ctx, create);
  if (native !== null) return native;
  const secure = cookieSecure(services.config, ctx);
  const name = `${services.sessions.cookieName(secure)}-link`;
  let value = ctx.cookies.get(name);
  if (value === undefined || !/^[A-Za-z0-9_-]{32,64}$/.test(value)) {
    if (!create) return null;
    value = randomToken(24);
  }
  if (create) {
    ctx.setCookies.push(serializeCookie(name, value, { maxAge: EMAIL_LINK_TTL_S, secure }));
  }
  return `link:${await sha256(value)}`;
}

function cookieSecure(config: ResolvedConfig, ctx: RequestContext): boolean {
  const { secure } = config.session;
  return secure === 'auto' ? ctx.secure : secure;
}

/**
 * Makes a single-use link for `user` and stores it: a 256-bit random token
 * whose HMAC under the server secret's link key is all the store keeps (like
 * session cookies and recovery codes), valid for 15 minutes. Returns the URL to
 * email, the token in its fragment so no server log or `Referer` carries it.
 */
export async function issueEmailLink(
  services: Services,
  issue: {
    purpose: EmailLinkRecord['purpose'];
    userId: string;
    /** The address the link goes to (for a verification link, the one it claims). */
    email: string;
    binding: string | null;
    origin: string;
    now: number;
  },
): Promise<string> {
  const { config, store } = services;
  const token = randomToken(32);
  await store.putEmailLink({
    tokenHash: await (await services.keys()).hash('link', token),
    purpose: issue.purpose,
    userId: issue.userId,
    email: issue.email,
    binding: issue.binding,
    createdAt: issue.now,
    expiresAt: issue.now + EMAIL_LINK_TTL_S * 1000,
  });
  const url = new URL(config.email!.linkUrl, issue.origin);
  url.hash = `token=${token}`;
  return url.toString();
}

/** The live link a token opens (under the current secret or an older one), without using it. */
export async function findEmailLink(
  services: Services,
  token: string,
  now: number,
): Promise<EmailLinkRecord | null> {
  for await (const hash of (await services.keys()).forms('link', token)) {
    const link = await services.store.getEmailLink(hash, now);
    if (link) return link;
  }
  return null;
}

/**
 * After a sign-up that named `email` (with `config.email` set, the account is
 * made without it): off the request path, the address gets a verification
 * link that claims it for the new account, or, when another account has it,
 * its owner is told that someone tried to sign up with it ("sign in
 * instead"). The sign-up's answer is the same either way, and no second
 * account ever holds the address.
 *
 * @example
 * sendSignUpEmail(services, { userId: user.id, email, origin: ctx.origin, now: ctx.now }, ctx);
 */
export function sendSignUpEmail(
  services: Services,
  signUp: { userId: string; email: string; origin: string; now: number },
  ctx: RequestContext,
): void {
  const { store, mailer, audit, rateLimit } = services;
  mailer.later(async () => {
    // The same hourly budget as sign-in links; over it, nothing is sent (the
    // sign-up's answer went out already, the same either way).
    try {
      await rateLimit.checkAccount(
        ctx,
        'email-hour',
        signUp.email,
        EMAILS_PER_ADDRESS_HOURLY,
        3600,
      );
    } catch (error) {
      if (error instanceof LatchkeyError && error.code === 'RATE_LIMITED') return;
      throw error;
    }
    const holder = await store.getUserByEmail(signUp.email);
    const minutes = EMAIL_LINK_TTL_S / 60;
    if (holder) {
      const url = new URL('/', signUp.origin).toString();
      await mailer.send('signUpAttempt', signUp.email, { url, minutes });
      await audit.record(ctx, 'email.signup_attempt', holder.id, {});
      return;
    }
    const url = await issueEmailLink(services, {
      purpose: 'verify',
      userId: signUp.userId,
      email: signUp.email,
      binding: null,
      origin: signUp.origin,
      now: signUp.now,
    });
    await mailer.send('verifyEmail', signUp.email, { url, minutes });
  });
}
