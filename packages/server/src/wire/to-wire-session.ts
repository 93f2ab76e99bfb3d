import type { Session, SessionInfo } from '@latchkey/core';
import { describeUserAgent } from '../devices/index.js';
import type { SessionRecord } from '../stores/contract.js';

/**
 * The wire shape of a session; `token` only when this answer hands a native
 * app its bearer session (`SessionManager.issuedToken`).
 */
export function toWireSession(session: SessionRecord, token: string | null = null): Session {
  return {
    ...(token ? { token } : {}),
    id: session.id,
    kind: session.kind,
    createdAt: new Date(session.createdAt).toISOString(),
    expiresAt: new Date(session.expiresAt).toISOString(),
    lastSeenAt: new Date(session.lastSeenAt).toISOString(),
    elevatedUntil:
      session.elevatedUntil === null ? null : new Date(session.elevatedUntil).toISOString(),
    locked: session.popKey !== null,
  };
}

/** The wire shape of a session in a list (`SessionInfo`). */
export function toWireSessionInfo(s: SessionRecord, currentId: string | null): SessionInfo {
  return {
    id: s.id,
    kind: s.kind,
    device: describeUserAgent(s.userAgent),
    ip: s.ip,
    createdAt: new Date(s.createdAt).toISOString(),
    lastSeenAt: new Date(s.lastSeenAt).toISOString(),
    expiresAt: new Date(s.expiresAt).toISOString(),
    current: s.id === currentId,
  };
}
