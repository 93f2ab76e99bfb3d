import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../services.js';
import { toWireAuditEvent } from '../wire/to-wire-audit-event.js';

/** `GET /audit?limit=&before=`: the caller's own events, newest first. */
export const auditRoutes: RouteHandlers = {
  async audit(ctx, { store }) {
    const limitParam = ctx.url.searchParams.get('limit');
    const beforeParam = ctx.url.searchParams.get('before');
    const limit = limitParam === null ? 50 : Number(limitParam);
    const before = beforeParam === null ? undefined : Date.parse(beforeParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new LatchkeyError('INVALID_PARAMS', 'limit must be an integer from 1 to 200');
    }
    if (before !== undefined && Number.isNaN(before))
      throw new LatchkeyError('INVALID_PARAMS', 'before must be an ISO date');
    const events = await store.listAudit({
      userId: ctx.user.id,
      limit,
      ...(before !== undefined ? { before } : {}),
    });
    return { events: events.map(toWireAuditEvent) };
  },
};
