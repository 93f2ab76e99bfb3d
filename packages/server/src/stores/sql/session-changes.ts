import { type SessionStore, type SessionWatch, StoreUnavailableError } from '../contract.js';
import type { SqlListenHandlers } from './sql-client.js';
import type { SqlContext } from './sql-context.js';

/** NOTIFY channels are identifiers: at most 63 bytes. */
const MAX_CHANNEL_LENGTH = 63;
const CHANNEL_PREFIX = 'latchkey_sessions:';
/** How long `watchSqlSessions` waits for its first probe before it resolves, not live. */
const FIRST_PROBE_WAIT_MS = 2_000;

/**
 * The NOTIFY channel a schema's session and user changes are sent on (migration
 * 6): one per schema, so two deployments sharing a database never hear each
 * other. Cut to the 63 bytes a channel name may have; two long names that still
 * met would only drop each other's cached entries more often. The triggers
 * compute the same name from the schema they run in (`CHANNEL_SQL`), so a
 * renamed schema keeps working.
 *
 * @example
 * sessionChangeChannel('latchkey') // 'latchkey_sessions:latchkey'
 */
export function sessionChangeChannel(schema: string): string {
  return `${CHANNEL_PREFIX}${schema}`.slice(0, MAX_CHANNEL_LENGTH);
}

/**
 * `sessionChangeChannel` in SQL, inside a trigger.
 *
 * @example
 * `PERFORM pg_notify(${CHANNEL_SQL}, OLD.user_id)`
 */
export const CHANNEL_SQL = `left('${CHANNEL_PREFIX}' || TG_TABLE_SCHEMA, ${MAX_CHANNEL_LENGTH})`;

/**
 * `watchSessions` of the SQL store, on a client that can listen: the triggers of
 * migration 6 send the user id of every changed or deleted session and user
 * row, and `listen` holds a connection of its own for them.
 *
 * @example
 * const watch = await watchSqlSessions(ctx, listen, 'latchkey', (userId) => cache.drop(userId));
 */
export async function watchSqlSessions(
  ctx: SqlContext,
  listen: (channel: string, handlers: SqlListenHandlers) => Promise<() => Promise<void>>,
  schema: string,
  onChange: Parameters<NonNullable<SessionStore['watchSessions']>>[0],
): Promise<SessionWatch> {
  // Without the triggers nothing would ever be reported: refuse rather than watch in vain.
  const { rowCount } = await ctx
    .db()
    .query(`SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2`, [
      ctx.t.sessions,
      'sessions_notify_change',
    ])
    .catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) throw error;
      return { rowCount: 0 }; // no such table
    });
  if (rowCount === 0) {
    throw new TypeError('watchSessions needs the session change triggers: run migrate() first');
  }
  const channel = sessionChangeChannel(schema);
  let live = false;
  let closed = false;
  /** The payload of the probe the listening connection must hear before it is trusted. */
  let probe: string | null = null;
  let firstLive: () => void = () => {};
  const wentLive = new Promise<void>((resolve) => {
    firstLive = resolve;
  });
  const report = (userId: string) => {
    if (closed) return;
    try {
      onChange(userId);
    } catch {
      // A listener's failure is its own; the watch goes on.
    }
  };
  const stop = await listen(channel, {
    notice(payload) {
      if (payload !== probe) return report(payload);
      probe = null;
      live = true;
      firstLive();
      // Back: changes may have been missed while it was down.
      report('*');
    },
    live(up) {
      if (!up) {
        probe = null;
        if (!live) return;
        live = false;
        // Down: changes may be missed from now on.
        report('*');
        return;
      }
      // Connected is not enough: a pooler that does not keep LISTEN's session
      // (PgBouncer in transaction mode) hears nothing. A notice sent over
      // another connection must arrive first.
      const token = `probe:${crypto.randomUUID()}`;
      probe = token;
      ctx
        .db()
        .query('SELECT pg_notify($1, $2)', [channel, token])
        .catch(() => {
          if (probe === token) probe = null;
        });
    },
  });
  // Set up once the first probe is heard, or after a while without it (then not live).
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    wentLive,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FIRST_PROBE_WAIT_MS);
    }),
  ]);
  clearTimeout(timer);
  return {
    get live() {
      return live && !closed;
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
    },
  };
}
