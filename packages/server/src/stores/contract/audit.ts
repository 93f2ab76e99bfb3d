import type { Millis } from './common.js';

export interface AuditRecord {
  id: string;
  type: string;
  userId: string | null;
  at: Millis;
  ip: string | null;
  userAgent: string | null;
  actor: string | null;
  data: Record<string, unknown>;
}

/** The audit trail. */
export interface AuditStore {
  appendAudit(event: AuditRecord): Promise<void>;
  /** Newest first. */
  listAudit(filter: { userId?: string; limit: number; before?: Millis }): Promise<AuditRecord[]>;
  /**
   * Deletes at most `limit` audit events older than `before` (`at < before`),
   * oldest first, and returns how many it deleted. Latchkey calls it off the
   * request path, one bounded batch at a time, to keep `audit.retention`.
   */
  pruneAudit(before: Millis, limit: number): Promise<number>;
}
