import { LatchkeyError } from '@latchkey/core';
import { signedOutEnrolment } from '../owner/enrolment-target.js';
import type { RouteHandlers } from '../services.js';
import { toWireSession, toWireSessionInfo } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';

/** `GET /session`, `POST /sign-out`, `GET /sessions`, `DELETE /sessions/:id`. */
export const sessionRoutes: RouteHandlers = {
  async getSession(ctx, services) {
    const grace = !(await services.enrolment.hasPasskeys(ctx.rpId));
    // Can a device that is not signed in register here (sign up, or enrol for approval)?
    const signUp = (await signedOutEnrolment(services)).kind !== 'closed';
    const rp = { id: ctx.rpId, grace, signUp: signUp ? ('open' as const) : ('closed' as const) };
    if (!ctx.user) return { user: null, session: null, rp };
    // A bearer token has no browser session; it answers with the user alone.
    return {
      user: toWireUser(ctx.user),
      session: ctx.session ? toWireSession(ctx.session) : null,
      rp,
    };
  },

  async signOut(ctx, { sessions, audit }) {
    const userId = ctx.user.id;
    await sessions.end(ctx);
    await audit.record(ctx, 'signout', userId, {});
    return { ok: true as const };
  },

  async listSessions(ctx, { store }) {
    const current = ctx.session?.id ?? null;
    const list = await store.listSessions(ctx.user.id);
    return {
      sessions: list
        .filter((s) => s.expiresAt > ctx.now)
        .sort((a, b) => b.lastSeenAt - a.lastSeenAt)
        .map((s) => toWireSessionInfo(s, current)),
    };
  },

  async revokeSession(ctx, { store, sessions, audit }) {
    const userId = ctx.user.id;
    const id = ctx.params.id;
    const mine = (await store.listSessions(userId)).some((s) => s.id === id);
    if (!mine) throw new LatchkeyError('NOT_FOUND', 'No such session');
    if (id === ctx.session?.id) await sessions.end(ctx);
    else await store.deleteSession(id);
    await audit.record(ctx, 'session.revoked', userId, { sessionId: id });
    return { ok: true as const };
  },
};
