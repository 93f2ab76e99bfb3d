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

/** How often a measured watch in use sends a sync probe (see `lag`). */
const SYNC_EVERY_MS = 20;
/** A measured watch nobody asked for this long stops probing until asked again. */
const SYNC_IDLE_MS = 2_000;
/** Probes sent and not yet heard, at most; past it the connection is too slow to be trusted anyway. */
const MAX_SYNCS_IN_FLIGHT = 50;

/** What `watchSqlSessions` needs to know of its client. */
export interface SqlWatchOptions {
  /**
   * True when notices travel over a connection, so they may arrive after the
   * writer has its answer (PostgreSQL); the watch then measures its `lag`. False
   * when they are handed over before the committing statement resolves (PGlite).
   */
  travels: boolean;
}

/**
 * `watchSessions` of the SQL store, on a client that can listen: the triggers of
 * migration 6 send the user id of every changed or deleted session and user
 * row, and `listen` holds a connection of its own for them.
 *
 * A watch whose notices travel measures how far behind it may be (`lag`): while
 * asked, it sends a sync probe every `SYNC_EVERY_MS` over another connection and
 * notes when each was sent. NOTIFY delivers in commit order, so hearing a probe
 * sent at time t proves every change committed before t has been heard.
 *
 * @example
 * const watch = await watchSqlSessions(ctx, listen, 'latchkey', (userId) => cache.drop(userId), { travels: true });
 */
export async function watchSqlSessions(
  ctx: SqlContext,
  listen: (channel: string, handlers: SqlListenHandlers) => Promise<() => Promise<void>>,
  schema: string,
  onChange: Parameters<NonNullable<SessionStore['watchSessions']>>[0],
  options: SqlWatchOptions = { travels: true },
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
  const self = crypto.randomUUID();
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

  // The sync probes of a watch whose notices travel (see `lag`).
  const syncPrefix = `sync:${self}:`;
  /** When each probe in flight was sent, by its number. */
  const syncsInFlight = new Map<number, number>();
  let syncCount = 0;
  /** When the newest heard probe was sent: every change committed before it has been heard. */
  let heardUpTo = Number.NEGATIVE_INFINITY;
  let askedAt = Number.NEGATIVE_INFINITY;
  let syncing: ReturnType<typeof setInterval> | undefined;
  const stopSyncing = () => {
    if (syncing !== undefined) clearInterval(syncing);
    syncing = undefined;
  };
  const sendSync = () => {
    const now = performance.now();
    if (closed || now - askedAt > SYNC_IDLE_MS) return stopSyncing();
    if (!live || syncsInFlight.size >= MAX_SYNCS_IN_FLIGHT) return;
    syncCount += 1;
    const n = syncCount;
    // Taken before the statement is sent: the probe commits after this moment.
    syncsInFlight.set(n, now);
    // From a timer: nothing may throw out of here (a closed store throws at once).
    const forget = () => syncsInFlight.delete(n);
    try {
      ctx
        .db()
        .query('SELECT pg_notify($1, $2)', [channel, `${syncPrefix}${n}`])
        .catch(forget);
    } catch {
      forget();
    }
  };
  const heardSync = (payload: string) => {
    const n = Number(payload.slice(syncPrefix.length));
    const sentAt = syncsInFlight.get(n);
    if (sentAt === undefined) return;
    // Delivered in commit order: the probes sent before this one are settled too.
    for (const k of syncsInFlight.keys()) if (k <= n) syncsInFlight.delete(k);
    if (live) heardUpTo = Math.max(heardUpTo, sentAt);
  };
  const forgetSyncs = () => {
    syncsInFlight.clear();
    heardUpTo = Number.NEGATIVE_INFINITY;
  };

  const stop = await listen(channel, {
    notice(payload) {
      if (payload.startsWith(syncPrefix)) return heardSync(payload);
      if (payload !== probe) {
        // User ids never hold ':' (`[A-Za-z0-9_-]`): this is another watch's probe.
        if (!payload.includes(':')) report(payload);
        return;
      }
      probe = null;
      live = true;
      firstLive();
      // Back: changes may have been missed while it was down.
      report('*');
    },
    live(up) {
      if (!up) {
        probe = null;
        forgetSyncs();
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
  const watch: SessionWatch = {
    get live() {
      return live && !closed;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopSyncing();
      forgetSyncs();
      await stop();
    },
  };
  if (!options.travels) return watch;
  return Object.assign(watch, {
    lag() {
      askedAt = performance.now();
      if (syncing === undefined && !closed) {
        syncing = setInterval(sendSync, SYNC_EVERY_MS);
        syncing.unref?.();
        sendSync();
      }
      return live && !closed ? performance.now() - heardUpTo : Number.POSITIVE_INFINITY;
    },
  });
}
