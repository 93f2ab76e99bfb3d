import { describe, expect, it } from 'vitest';
import { sessionChangeChannel, watchSqlSessions } from './session-changes.js';
import type { SqlClient, SqlListenHandlers } from './sql-client.js';
import { type SqlContext, sqlTables } from './sql-context.js';

/**
 * A SQL client whose listening connection the test drives: `deaf` connections
 * (a pooler that drops LISTEN's session) connect but never hear a notice.
 */
function drivenClient(options: { triggers?: boolean; deaf?: boolean } = {}) {
  let handlers: SqlListenHandlers | null = null;
  const client: SqlClient = {
    async query<Row>(text: string, params?: readonly unknown[]) {
      if (text.includes('pg_trigger')) {
        const rows = options.triggers === false ? [] : [{}];
        return { rows: rows as Row[], rowCount: rows.length };
      }
      if (text.includes('pg_notify') && !options.deaf) handlers?.notice(String(params?.[1]));
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
  return { ctx, listen, handlers: () => handlers! };
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
