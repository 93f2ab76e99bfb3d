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
 * other. A schema name too long for the channel is cut and a hash of the whole
 * name appended; two names that still met would only drop each other's cached
 * entries more often.
 *
 * @example
 * sessionChangeChannel('latchkey') // 'latchkey_sessions:latchkey'
 */
export function sessionChangeChannel(schema: string): string {
  const whole = `${CHANNEL_PREFIX}${schema}`;
  if (whole.length <= MAX_CHANNEL_LENGTH) return whole;
  const hash = fnv1a(schema).toString(16).padStart(8, '0');
  return `${whole.slice(0, MAX_CHANNEL_LENGTH - hash.length - 1)}:${hash}`;
}

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

/** FNV-1a, 32 bits: a short, stable hash of a schema name. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
