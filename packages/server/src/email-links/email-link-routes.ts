import { LatchkeyError } from '@latchkey/core';
import { acceptsFallback } from '../fallbacks/account-fallbacks.js';
import { newSessionKey } from '../pop/new-session-key.js';
import type { RouteHandlers } from '../services.js';
import { StoreConflictError } from '../stores/contract.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';
import {
  EMAIL_LINK_TTL_S,
  EMAILS_PER_ADDRESS_HOURLY,
  findEmailLink,
  issueEmailLink,
  linkBinding,
} from './email-links.js';

/** Sign-in links sent to one address per rate-limit window, whoever asks. */
const LINKS_PER_ADDRESS = 3;

const invalid = () =>
  new LatchkeyError('LINK_INVALID', 'This link is not valid any more; ask for a new one');

/**
 * `POST /email/link-options`: emails a sign-in link (`fallbacks.magicLink`).
 * The answer is `{ ok: true }` and a link cookie whatever the address:
 * whether it has an account is decided off the request path, so neither the
 * answer nor its timing tells.
 */
export const emailLinkOptionsRoutes: RouteHandlers = {
  async emailLinkOptions(ctx, services) {
    const { rateLimit, store, mailer, audit } = services;
    await rateLimit.checkIp(ctx);
    const email = ctx.body.email.toLowerCase();
    await rateLimit.checkAccount(ctx, 'email-link', email, LINKS_PER_ADDRESS);
    await rateLimit.checkAccount(ctx, 'email-hour', email, EMAILS_PER_ADDRESS_HOURLY, 3600);
    const binding = await linkBinding(ctx, services, true);
    const { origin, now } = ctx;
    mailer.later(async () => {
      const user = await store.getUserByEmail(email);
      if (user?.email == null) return;
      // An account that turned sign-in links off gets none (the answer is the same).
      if (!(await acceptsFallback(services, user.id, 'magicLink'))) return;
      const url = await issueEmailLink(services, {
        purpose: 'sign-in',
        userId: user.id,
        email: user.email,
        binding,
        origin,
        now,
      });
      await mailer.send('magicLink', user.email, { url, minutes: EMAIL_LINK_TTL_S / 60 });
      await audit.record(ctx, 'email.link_sent', user.id, {});
    });
    return { ok: true };
  },
};

/**
 * `POST /email/verify`: opens an email link. A sign-in link opens a session of
 * kind `email` (it may only add a passkey until it has one, like a recovery
 * session) in the browser that asked for it, or in another one after
 * `LINK_CONFIRM_REQUIRED` and `confirm: true`; a verification link signs no one
 * in. Either marks the address verified. Every link works once.
 */
export const emailVerifyRoutes: RouteHandlers = {
  async emailVerify(ctx, services) {
    const { config, store, rateLimit, sessions, audit } = services;
    await rateLimit.checkIp(ctx);
    const link = await findEmailLink(services, ctx.body.token, ctx.now);
    if (!link) throw invalid();
    const signIn = link.purpose === 'sign-in';
    // A link made before the deployment turned sign-in links off does not sign in.
    if (signIn && !config.fallbacks.magicLink) throw invalid();
    // Bound to the browser that asked: a link opened elsewhere (a phone's mail
    // app, or someone who got the link from the person) signs in only once the
    // person confirms it is theirs. Checked before the link is used up.
    if (signIn && ctx.body.confirm !== true) {
      const binding = await linkBinding(ctx, services, false);
      if (binding !== link.binding) {
        throw new LatchkeyError(
          'LINK_CONFIRM_REQUIRED',
          'This link was asked for in another browser; confirm to sign in here',
        );
      }
    }
    const owner = await store.getUser(link.userId);
    // A verification link of a sign-up claims its address (see `sendSignUpEmail`).
    const claims = link.purpose === 'verify' && owner?.email === null;
    // The account went away, or no longer has that address: the link is dead.
    if (!owner || (!claims && owner.email !== link.email)) {
      await store.consumeEmailLink(link.tokenHash, ctx.now);
      throw invalid();
    }
    // A link sent before the account turned sign-in links off does not sign in.
    if (signIn && !(await acceptsFallback(services, owner.id, 'magicLink'))) throw invalid();
    // A locked account's session needs its device key; asked before the link is used up.
    const popKey = signIn ? newSessionKey(owner, ctx.body.popKey) : null;
    // Single use: of two racing requests with one link, exactly one gets through.
    if (!(await store.consumeEmailLink(link.tokenHash, ctx.now))) throw invalid();

    let user = owner;
    if (claims) {
      // Another account verified this address first: one address, one account.
      try {
        user =
          (await store.updateUser(owner.id, { email: link.email, emailVerified: true })) ?? owner;
      } catch (error) {
        if (error instanceof StoreConflictError) throw invalid();
        throw error;
      }
      await audit.record(ctx, 'email.verified', owner.id, { via: link.purpose });
    } else if (!owner.emailVerified) {
      user = (await store.updateUser(owner.id, { emailVerified: true })) ?? owner;
      await audit.record(ctx, 'email.verified', owner.id, { via: link.purpose });
    }
    if (!signIn) return { purpose: 'verify', user: toWireUser(user), session: null };

    const session = await audit.recordWith(
      ctx,
      'email.signin',
      user.id,
      { amr: ['email'] },
      (event) =>
        sessions.start(ctx, { userId: user.id, kind: 'email', credentialId: null, popKey }, event),
    );
    return {
      purpose: 'sign-in',
      user: toWireUser(user),
      session: toWireSession(session, sessions.issuedToken(ctx)),
    };
  },
};
