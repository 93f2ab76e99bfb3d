import type { AuditRecord, AuditStore } from '../contract.js';
import type { SqlExecutor } from './sql-client.js';
import type { SqlContext, SqlTables } from './sql-context.js';
import { AUDIT_COLUMNS, jsonParam, type Row, readAudit } from './sql-rows.js';

/**
 * The audit trail. Part of `sqlStore`.
 */
export function sqlAudit({ t, db }: SqlContext): AuditStore {
  return {
    async appendAudit(event) {
      await insertAudit(t, db(), event);
    },

    async listAudit(filter) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (filter.userId !== undefined) {
        params.push(filter.userId);
        where.push(`user_id = $${params.length}`);
      }
      if (filter.before !== undefined) {
        params.push(filter.before);
        where.push(`at < $${params.length}`);
      }
      params.push(Math.max(0, Math.floor(filter.limit)));
      // seq breaks ties between events of the same millisecond: the later append first.
      const { rows } = await db().query<Row>(
        `SELECT ${AUDIT_COLUMNS} FROM ${t.audit}
          ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
          ORDER BY at DESC, seq DESC LIMIT $${params.length}`,
        params,
      );
      return rows.map(readAudit);
    },

    async pruneAudit(before, limit) {
      // Oldest first through audit_events_at_idx, a bounded batch per call.
      const result = await db().query(
        `DELETE FROM ${t.audit} WHERE seq IN (
           SELECT seq FROM ${t.audit} WHERE at < $1 ORDER BY at, seq LIMIT $2)`,
        [before, Math.max(0, Math.floor(limit))],
      );
      return result.rowCount ?? 0;
    },
  };
}

/** Appends an audit event, in `tx` (the transaction of the write it records) or alone. */
export async function insertAudit(t: SqlTables, tx: SqlExecutor, x: AuditRecord): Promise<void> {
  await tx.query(
    `INSERT INTO ${t.audit} (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    auditValues(x),
  );
}

/** An audit event's values, in the order of `AUDIT_COLUMNS`. */
export function auditValues(x: AuditRecord): unknown[] {
  return [x.id, x.type, x.userId, x.at, x.ip, x.userAgent, x.actor, jsonParam(x.data)];
}
