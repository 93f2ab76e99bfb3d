import { LatchkeyError, type Session } from '@latchkey/core';
import { buildContext } from '../http/build-context.js';
import { newSessionKey } from '../pop/new-session-key.js';
import type { Services } from '../services.js';
import { toWireSession } from '../wire/to-wire-session.js';

/** RFC 8176 §2: short registered names (`pwd`, `otp`, `mfa`, …); apps may add their own. */
const AMR_RE = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * `api.sessions.create`: a `full` Latchkey session for a user the host app has
 * already authenticated, with its cookie from the one cookie home
 * (`SessionManager`), and `signin.succeeded` (`data.amr`, `data.by: 'api'`)
 * stored in the same write. With `request`, the context (scheme, IP, browser)
 * is the request's and a Latchkey session it carries is ended first; without,
 * the first configured web origin decides the cookie's scheme.
 *
 * @example
 * const { setCookie } = await startAppSession(services, user.id, { amr: ['pwd'], request });
 */
export async function startAppSession(
  services: Services,
  userId: string,
  options: { amr: string[]; request?: Request },
): Promise<{ session: Session; setCookie: string }> {
  const { config, store, sessions, audit } = services;
  const { amr } = options;
  if (
    !Array.isArray(amr) ||
    amr.length < 1 ||
    amr.length > 8 ||
    !amr.every((m) => typeof m === 'string' && AMR_RE.test(m))
  ) {
    throw new LatchkeyError(
      'INVALID_BODY',
      'amr: 1..8 authentication method names (RFC 8176), such as ["pwd"]',
    );
  }
  const user = typeof userId === 'string' ? await store.getUser(userId) : null;
  if (!user) throw new LatchkeyError('NOT_FOUND', 'No such user');
  const first = config.webOrigins.values().next().value ?? 'http://localhost';
  const ctx = buildContext(options.request ?? new Request(first), undefined, config, null);
  if (options.request) {
    // Session fixation (OWASP ASVS 3.2.1): a Latchkey session the browser already had ends.
    const found = await sessions.resolve(ctx);
    if (found) ctx.session = found.session;
  }
  // A locked account gets no session without a device key to bind it to.
  const popKey = newSessionKey(user, undefined);
  const session = await audit.recordWith(
    ctx,
    'signin.succeeded',
    user.id,
    { amr: [...amr], by: 'api' },
    (event) =>
      sessions.start(ctx, { userId: user.id, kind: 'full', credentialId: null, popKey }, event),
  );
  const setCookie = ctx.setCookies.at(-1);
  if (setCookie === undefined) throw new Error('the session manager set no cookie');
  return { session: toWireSession(session), setCookie };
}
