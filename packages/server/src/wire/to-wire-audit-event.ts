import type { AuditEvent, AuditEventType } from '@latchkey/core';
import type { AuditRecord } from '../stores/contract.js';

/** The wire shape of an audit record (`AuditEvent`), as `GET /audit` and `hooks.onEvent` see it. */
export function toWireAuditEvent(record: AuditRecord): AuditEvent {
  return {
    id: record.id,
    type: record.type as AuditEventType,
    userId: record.userId,
    at: new Date(record.at).toISOString(),
    ip: record.ip,
    userAgent: record.userAgent,
    actor: record.actor,
    data: record.data,
  };
}
