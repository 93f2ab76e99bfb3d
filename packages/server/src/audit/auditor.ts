import type { AuditEventType } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { RequestContext } from '../http/request-context.js';
import { randomToken } from '../internal/crypto.js';
import type { AuditRecord, LatchkeyStore } from '../stores/contract.js';
import { toWireAuditEvent } from '../wire/to-wire-audit-event.js';

/**
 * Records security-relevant changes. The store keeps them (readable by the user
 * at `GET /audit` and by the host app through `api.audit`), and `hooks.onEvent`
 * sees each one after it is stored. Never put a secret in `data`.
 */
/** Events deleted per pruning pass, and the least time between two passes. */
export const AUDIT_PRUNE_BATCH = 500;
export const AUDIT_PRUNE_INTERVAL_MS = 60_000;

export class Auditor {
  private pruning: Promise<void> | null = null;
  private nextPruneAt = 0;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: LatchkeyStore,
  ) {}

  /**
   * Keeps `audit.retention`: after an audit write, at most once a minute, deletes
   * one batch of events past it. The request that wrote does not wait for it; a
   * full batch means more are due, and the next write takes the next batch.
   */
  private prune(): void {
    const retention = this.config.auditRetention;
    if (retention === null || this.pruning !== null) return;
    const now = this.config.now();
    if (now < this.nextPruneAt) return;
    this.nextPruneAt = now + AUDIT_PRUNE_INTERVAL_MS;
    this.pruning = this.store
      .pruneAudit(now - retention * 1000, AUDIT_PRUNE_BATCH)
      .then((deleted) => {
        if (deleted >= AUDIT_PRUNE_BATCH) this.nextPruneAt = 0;
      })
      .catch((error: unknown) => this.config.logger('pruning the audit log failed', error))
      .finally(() => {
        this.pruning = null;
      });
  }

  /** Resolves once no pruning pass is running (before the store closes). */
  async idle(): Promise<void> {
    await this.pruning;
  }

  async record(
    ctx: EventContext | null,
    type: AuditEventType,
    userId: string | null,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    if (!this.config.audit && !this.config.onEvent) return;
    const record = this.event(ctx, type, userId, data);
    if (this.config.audit) {
      await this.store.appendAudit(record);
      this.prune();
    }
    await this.notify(record);
  }

  /**
   * Records an event in the same store write as the change it reports: `write`
   * gets the event to store with it (none when audit is off), and `hooks.onEvent`
   * sees it once that write succeeded.
   *
   * @example
   * await audit.recordWith(ctx, 'signin.succeeded', user.id, {}, (event) =>
   *   sessions.start(ctx, start, event),
   * );
   */
  async recordWith<T>(
    ctx: EventContext,
    type: AuditEventType,
    userId: string | null,
    data: Record<string, unknown>,
    write: (event: AuditRecord | undefined) => Promise<T>,
  ): Promise<T> {
    return this.recordAllWith(ctx, [{ type, userId, data }], (records) => write(records[0]));
  }

  /**
   * `recordWith` for a write that reports several events (a sign-up's
   * `user.created` and `passkey.registered`): `write` gets them all (none when
   * audit is off), and `hooks.onEvent` sees each, in order, once it succeeded.
   *
   * @example
   * await audit.recordAllWith(ctx, [created, registered], (events) =>
   *   store.createUser({ ...account, events }),
   * );
   */
  async recordAllWith<T>(
    ctx: EventContext | null,
    events: readonly {
      type: AuditEventType;
      userId: string | null;
      data: Record<string, unknown>;
    }[],
    write: (records: AuditRecord[]) => Promise<T>,
  ): Promise<T> {
    const records = events.map(({ type, userId, data }) => this.event(ctx, type, userId, data));
    const result = await write(this.config.audit ? records : []);
    if (this.config.audit) this.prune();
    for (const record of records) await this.notify(record);
    return result;
  }

  private event(
    ctx: EventContext | null,
    type: AuditEventType,
    userId: string | null,
    data: Record<string, unknown>,
  ): AuditRecord {
    return {
      id: randomToken(12),
      type,
      userId,
      at: ctx?.now ?? this.config.now(),
      ip: ctx?.ip ?? null,
      userAgent: ctx?.userAgent?.slice(0, 512) ?? null,
      actor: ctx?.token ? `token:${ctx.token.id}` : null,
      data,
    };
  }

  private async notify(record: AuditRecord): Promise<void> {
    if (!this.config.onEvent) return;
    try {
      await this.config.onEvent(toWireAuditEvent(record));
    } catch (error) {
      this.config.logger('hooks.onEvent threw', error);
    }
  }
}

type EventContext = Pick<RequestContext, 'ip' | 'userAgent' | 'now' | 'token'>;
