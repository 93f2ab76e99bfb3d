import { describe, expect, it, vi } from 'vitest';
import { sessionChangeChannel, watchSqlSessions } from './session-changes.js';
import type { SqlClient, SqlListenHandlers } from './sql-client.js';
import { type SqlContext, sqlTables } from './sql-context.js';

/**
 * A SQL client whose listening connection the test drives: `deaf` connections
 * (a pooler that drops LISTEN's session) connect but never hear a notice.
 */
function drivenClient(options: { triggers?: boolean; deaf?: boolean } = {}) {
  let handlers: SqlListenHandlers | null = null;
  /** Sync probes are held here while `holdSyncs` is set, as a slow connection would. */
  const held: string[] = [];
  const control = { holdSyncs: false };
  const client: SqlClient = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (text.includes('pg_trigger')) {
        const rows = options.triggers === false ? [] : [{}];
        return { rows: rows as Row[], rowCount: rows.length };
      }
      const payload = String(params?.[1]);
      if (text.includes('pg_notify') && !options.deaf) {
        if (control.holdSyncs && payload.startsWith('sync:')) held.push(payload);
        else handlers?.notice(payload);
      }
      return { rows: [], rowCount: 1 };
    },
    transaction: () => Promise.reject(new Error('unused')),
    close: async () => {},
  };
  const ctx: SqlContext = { t: sqlTables('latchkey'), db: () => client };
  const listen = async (_channel: string, h: SqlListenHandlers) => {
    handlers = h;
    h.live(true);
    return async () => {};
  };
  const release = () => {
    for (const payload of held.splice(0)) handlers?.notice(payload);
  };
  return { ctx, listen, handlers: () => handlers!, control, release, held: () => held.length };
}

describe('watchSqlSessions', () => {
  it('is live once a probe sent over another connection is heard, and reports "*" on each change of state', async () => {
    const { ctx, listen, handlers } = drivenClient();
    const heard: string[] = [];
    const watch = await watchSqlSessions(ctx, listen, 'latchkey', (id) => heard.push(id));
    expect(watch.live).toBe(true);
    expect(heard).toEqual(['*']);
    handlers().notice('user-1');
    handlers().live(false);
    expect(watch.live).toBe(false);
    handlers().live(true); // connected again, and the probe comes back
    expect(watch.live).toBe(true);
    expect(heard).toEqual(['*', 'user-1', '*', '*']);
    await watch.close();
    expect(watch.live).toBe(false);
  });

  it('measures its lag by the sync probes it hears back, when notices travel', async () => {
    const { ctx, listen, handlers, control, release, held } = drivenClient();
    const heard: string[] = [];
    const watch = await watchSqlSessions(ctx, listen, 'latchkey', (id) => heard.push(id), {
      travels: true,
    });
    expect(watch.lag!()).toBeLessThan(30); // the first probe, sent and heard at once
    control.holdSyncs = true;
    const sentAt = performance.now();
    // Probes keep going while asked; none is heard, so the lag only grows.
    await vi.waitFor(
      () => {
        expect(watch.lag!()).toBeGreaterThan(30);
        expect(held()).toBeGreaterThan(0);
      },
      { interval: 5 },
    );
    release();
    expect(watch.lag!()).toBeLessThan(performance.now() - sentAt);
    handlers().live(false);
    expect(watch.lag!()).toBe(Number.POSITIVE_INFINITY);
    // Probes are never reported as changes, nor are other watches' probes.
    handlers().notice('sync:another-watch:1');
    expect(heard.filter((id) => id.includes(':'))).toEqual([]);
    await watch.close();
  });

  it('has no lag when notices are handed over before the writer resolves', async () => {
    const { ctx, listen } = drivenClient();
    const watch = await watchSqlSessions(ctx, listen, 'latchkey', () => {}, { travels: false });
    expect(watch.lag).toBeUndefined();
    await watch.close();
  });

  it('is never live on a connection that hears nothing', async () => {
    const { ctx, listen } = drivenClient({ deaf: true });
    const watch = await watchSqlSessions(ctx, listen, 'latchkey', () => {});
    expect(watch.live).toBe(false);
  });

  it('refuses to watch without the triggers of migration 6', async () => {
    const { ctx, listen } = drivenClient({ triggers: false });
    await expect(watchSqlSessions(ctx, listen, 'latchkey', () => {})).rejects.toBeInstanceOf(
      TypeError,
    );
  });
});

describe('sessionChangeChannel', () => {
  it('is one channel a schema, at most 63 bytes', () => {
    expect(sessionChangeChannel('latchkey')).toBe('latchkey_sessions:latchkey');
    expect(sessionChangeChannel('a'.repeat(63))).toBe(`latchkey_sessions:${'a'.repeat(45)}`);
  });
});
