import { LatchkeyError } from '@latchkey/core';
import { issueChallenge } from '../ceremonies/challenges.js';
import { buildContext } from '../http/build-context.js';
import { type EventStreamControl, eventStream } from '../http/event-stream.js';
import type { ConnectionInfo } from '../http/request-context.js';
import { toErrorResponse } from '../http/responses.js';
import { identifyCaller } from '../identity/identify-caller.js';
import { checkSessionKind, FULL_SESSIONS } from '../identity/policy.js';
import type { Services } from '../services.js';
import { POP_CHALLENGE_TTL_MS } from './pop-routes.js';

export interface LockedStreamOptions {
  connection?: ConnectionInfo;
  /** Milliseconds between proof challenges. Default 30 000. */
  interval?: number;
  /**
   * Writes the app's own events. `signal` aborts when the stream ends: the
   * client left, the session ended, or two challenges in a row went unproven.
   */
  start(send: (event: string, data: unknown) => void, signal: AbortSignal): void | Promise<void>;
}

/**
 * A Server-Sent Events stream for a locked session (docs/design.md, "Proof of possession": long-lived streams
 * are challenged periodically and closed after two consecutive failures). Every
 * `interval` it sends a `pop-challenge` event; the browser proves it through
 * `POST /pop/prove` (LatchkeyProvider does so by itself). A stream whose session
 * stops proving — a copied cookie without the device key — is closed.
 */
export async function createLockedStream(
  services: Services,
  ready: () => Promise<void>,
  request: Request,
  options: LockedStreamOptions,
): Promise<Response> {
  const interval = options.interval ?? 30_000;
  if (!Number.isFinite(interval) || interval < 100)
    throw new TypeError('lockedStream: interval must be at least 100 ms');
  try {
    await ready();
    const ctx = buildContext(request, options.connection, services.config, null);
    // An EventSource cannot send headers: like a page load, it leans on the periodic proof.
    const caller = await identifyCaller(services, ctx, { bearer: false, proof: 'page-load' });
    if (caller.refused) throw caller.refused.error;
    if (caller.via !== 'session') throw new LatchkeyError('UNAUTHENTICATED', 'Sign in first');
    if (!caller.session.popKey)
      throw new LatchkeyError('POP_REQUIRED', 'This stream needs a locked session');
    checkSessionKind(caller.session.kind, FULL_SESSIONS);
    ctx.session = caller.session;
    ctx.user = caller.user;
    const sessionHash = caller.session.secretHash;
    const ttl = Math.max(POP_CHALLENGE_TTL_MS, 2 * interval);
    let failures = 0;
    let asked: { challenge: string; at: number } | null = null;
    const fail = (stream: EventStreamControl, reason: string) => {
      stream.send('pop-failed', { reason });
      stream.end();
    };
    return eventStream({
      interval,
      start: (stream) => options.start(stream.send, stream.signal),
      async tick(stream) {
        const session = await services.store.getSessionBySecretHash(sessionHash);
        const now = services.config.now();
        if (!session || now >= session.expiresAt) return fail(stream, 'session-ended');
        if (asked !== null) {
          // Proven: the challenge was used (taking it now fails) and the proof time moved.
          const unused = await services.store.consumeChallenge(asked.challenge, now);
          const proven = !unused && session.popProvenAt !== null && session.popProvenAt >= asked.at;
          failures = proven ? 0 : failures + 1;
          if (failures >= 2) {
            await services.audit.record(ctx, 'pop.failed', session.userId, {
              sessionId: session.id,
              stream: true,
            });
            return fail(stream, 'proof-missing');
          }
        }
        (ctx as { now: number }).now = now;
        const challenge = await issueChallenge(services, ctx, 'pop', session.userId, {}, ttl);
        asked = { challenge: challenge.challenge, at: now };
        stream.send('pop-challenge', {
          challenge: challenge.challenge,
          expiresAt: new Date(challenge.expiresAt).toISOString(),
        });
      },
      onError(error, stream) {
        services.config.logger('locked stream ended', error);
        stream.send('pop-failed', { reason: 'server-error' });
      },
    });
  } catch (error) {
    return toErrorResponse(error, services.config.logger);
  }
}
