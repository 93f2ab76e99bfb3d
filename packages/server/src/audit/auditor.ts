import type { AuditEvent, AuditEventType } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { RequestContext } from '../http/request-context.js';
import { randomToken } from '../internal/crypto.js';
import type { AuditRecord, LatchkeyStore } from '../stores/contract.js';

/**
 * Records security-relevant changes. The store keeps them (readable by the user
 * at `GET /audit` and by the host app through `api.audit`), and `hooks.onEvent`
 * sees each one after it is stored. Never put a secret in `data`.
 */
export class Auditor {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: LatchkeyStore,
  ) {}

  async record(
    ctx: Pick<RequestContext, 'ip' | 'userAgent' | 'now' | 'token'> | null,
    type: AuditEventType,
    userId: string | null,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (!this.config.audit && !this.config.onEvent) return;
    const record: AuditRecord = {
      id: randomToken(12),
      type,
      userId,
      at: ctx?.now ?? this.config.now(),
      ip: ctx?.ip ?? null,
      userAgent: ctx?.userAgent?.slice(0, 512) ?? null,
      actor: ctx?.token ? `token:${ctx.token.id}` : null,
      data,
    };
    if (this.config.audit) await this.store.appendAudit(record);
    if (this.config.onEvent) {
      try {
        await this.config.onEvent(toWireAuditEvent(record));
      } catch (error) {
        this.config.logger('hooks.onEvent threw', error);
      }
    }
  }
}

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
