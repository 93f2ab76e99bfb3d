import { LatchkeyError } from '@latchkey/core';
import { eventStream } from '../http/event-stream.js';
import type { RouteContext } from '../http/route-context.js';
import type { RouteHandlers, Services } from '../services.js';
import { toWirePasskey } from '../wire/to-wire-passkey.js';

/** How often an approvals stream looks at the store (it is shared by every instance). */
export const STREAM_POLL_MS = 2_000;
const HEARTBEAT_MS = 15_000;

async function pendingOf(services: Services, userId: string) {
  return (await services.store.listCredentials(userId)).filter((c) => c.status === 'pending');
}

async function pendingCredential(
  services: Services,
  ctx: RouteContext<'approvePasskey' | 'denyPasskey'>,
) {
  const credential = await services.store.getCredential(ctx.params.credentialId);
  if (!credential || credential.userId !== ctx.user.id || credential.status !== 'pending') {
    throw new LatchkeyError('NOT_FOUND', 'No passkey is waiting for approval with that id');
  }
  return credential;
}

/**
 * Trusted-device approval: `GET /approvals`, the `GET /approvals/stream` SSE
 * feed, and approve / deny (after a step-up). A pending passkey cannot sign in.
 */
export const approvalRoutes: RouteHandlers = {
  async listApprovals(ctx, services) {
    return { approvals: (await pendingOf(services, ctx.user.id)).map(toWirePasskey) };
  },

  async approvePasskey(ctx, services) {
    const credential = await pendingCredential(services, ctx);
    const updated = await services.store.updateCredential(credential.credentialId, {
      status: 'active',
    });
    if (!updated)
      throw new LatchkeyError('NOT_FOUND', 'No passkey is waiting for approval with that id');
    await services.audit.record(ctx, 'passkey.approved', ctx.user.id, {
      credentialId: credential.credentialId,
      name: credential.name,
    });
    return { passkey: toWirePasskey(updated) };
  },

  async denyPasskey(ctx, services) {
    const credential = await pendingCredential(services, ctx);
    await services.store.deleteCredential(ctx.user.id, credential.credentialId, {
      allowLast: true,
    });
    services.assertions.forget(credential.credentialId);
    await services.audit.record(ctx, 'passkey.denied', ctx.user.id, {
      credentialId: credential.credentialId,
      name: credential.name,
    });
    return { ok: true as const };
  },

  /**
   * Server-Sent Events: an `approvals` event with the pending passkeys now, and
   * again whenever the set changes; a comment every 15 s keeps proxies from
   * closing it. It ends when the session does (sign-out, revocation, expiry).
   */
  async approvalsStream(ctx, services) {
    const userId = ctx.user.id;
    const sessionHash = ctx.session?.secretHash ?? null;
    let last = '';
    let lastBeat = Date.now();
    return eventStream({
      interval: STREAM_POLL_MS,
      async tick(stream) {
        if (sessionHash) {
          const session = await services.store.getSessionBySecretHash(sessionHash);
          if (!session || services.config.now() >= session.expiresAt) return stream.end();
        }
        const approvals = (await pendingOf(services, userId)).map(toWirePasskey);
        const data = JSON.stringify({ approvals });
        if (data !== last) {
          last = data;
          stream.send('approvals', { approvals });
        } else if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          stream.comment('keep-alive');
          lastBeat = Date.now();
        }
      },
      onError: (error) => services.config.logger('approvals stream ended', error),
    });
  },
};
