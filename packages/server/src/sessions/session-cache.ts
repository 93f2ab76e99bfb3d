import type { LatchkeyStore, SessionRecord, SessionWatch, UserRecord } from '../stores/contract.js';

/** A session and its user, as `getSessionAndUser` answers. */
export interface SessionAndUser {
  session: SessionRecord;
  user: UserRecord;
}

/** How `SessionCache` bounds what it keeps. */
export interface SessionCacheOptions {
  /** Milliseconds an entry is trusted at most, however quiet the store's watch. */
  ttl: number;
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /**
   * Milliseconds: the bound on how late a change made by another process may be
   * heard, for a store whose reports travel (`SessionWatch.lag`). Entries are
   * trusted only while the watch's lag is within it, and a revoking write made
   * through `guard` answers only once it has passed. Default `SHARED_WINDOW_MS`.
   */
  window?: number;
  /** Milliseconds of a monotonic clock (default `performance.now`). */
  clock?: () => number;
}

/** `SessionCacheOptions.window` by default: what a sign-out waits, at most, on a shared store. */
export const SHARED_WINDOW_MS = 100;
/** After a failed `watchSessions`, the next try waits this long. */
const WATCH_RETRY_MS = 5_000;
/** Most remembered drops (see `dropped`); past it, every pending fill is refused instead. */
const MAX_REMEMBERED_DROPS = 10_000;

/** The store methods that change a session or a user row, and whose id each names first. */
const WRITES: Record<string, 'user' | 'session'> = {
  updateUser: 'user',
  deleteUser: 'user',
  setPassword: 'user',
  setAccountFallbacks: 'user',
  deleteSessionsOfUser: 'user',
  updateSession: 'session',
  rotateSession: 'session',
  deleteSession: 'session',
};

interface Entry {
  value: SessionAndUser;
  at: number;
}

/**
 * The answers of recent session checks, so a busy session is not read from the
 * store on every request. It is trusted only while the store's `watchSessions`
 * is live: an entry goes as soon as the store reports its user changed, all go
 * when the watch may have missed something, and a store without a watch (or
 * with one that is down) is read on every check. An entry is also never older
 * than `ttl`. Writes made through `guard(store)` drop what they touch before
 * they resolve, without waiting for the store's report.
 *
 * Entries are keyed by the stored hash of the secret, never the secret, and
 * handed out as copies: a caller may change what it gets.
 *
 * A read that started before a change is never kept: `begin()` numbers each
 * read, and `put` refuses a read older than a drop that could concern it.
 *
 * @example
 * const cache = new SessionCache(store, { ttl: 2_000, max: 10_000 });
 * const mark = cache.begin();
 * const found = cache.get(hash) ?? (await store.getSessionAndUser(hash));
 * if (found) cache.put(mark, hash, found);
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Secret hashes by user id and by session id, to drop by either. */
  private readonly byUser = new Map<string, Set<string>>();
  private readonly bySession = new Map<string, string>();
  /** Bumped by every drop; `begin()` hands out its value. */
  private epoch = 0;
  /** The epoch of the last drop of each user (`u:`) and session (`s:`), and of everything. */
  private readonly dropped = new Map<string, number>();
  private droppedAll = 0;
  private watch: SessionWatch | null = null;
  private watching: Promise<void> | null = null;
  private retryAt = 0;
  private closed = false;
  private readonly clock: () => number;
  private readonly window: number;

  constructor(
    private readonly store: LatchkeyStore,
    private readonly options: SessionCacheOptions,
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.window = options.window ?? SHARED_WINDOW_MS;
  }

  /**
   * True while entries may be trusted: the store's watch is live and, when its
   * reports travel, has heard everything committed up to `window` ago. Starts
   * the watch on first use.
   */
  get trusted(): boolean {
    const watch = this.watch;
    if (watch?.live === true && !this.closed) {
      return watch.lag === undefined || watch.lag() <= this.window;
    }
    this.startWatch();
    return false;
  }

  /**
   * True when another process may hold an entry this one's write makes stale:
   * the store's reports travel, or it is not yet known whether they do.
   */
  private get shared(): boolean {
    if (this.store.watchSessions === undefined) return false;
    return this.watch === null || this.watch.lag !== undefined;
  }

  /** A number to pass to `put`, taken before the store is read. */
  begin(): number {
    return this.epoch;
  }

  /** A copy of the cached answer for a secret hash, or null (none, too old, or not trusted now). */
  get(secretHash: string): SessionAndUser | null {
    if (!this.trusted) {
      if (this.entries.size > 0) this.dropAll();
      return null;
    }
    const entry = this.entries.get(secretHash);
    if (entry === undefined) return null;
    if (this.clock() - entry.at >= this.options.ttl) {
      this.remove(secretHash);
      return null;
    }
    // Least recently used first: a hit moves the entry to the end.
    this.entries.delete(secretHash);
    this.entries.set(secretHash, entry);
    return copyOf(entry.value);
  }

  /**
   * Keeps a copy of what the store answered for `secretHash`, unless the cache
   * is not trusted now or something about it was dropped since `mark`.
   */
  put(mark: number, secretHash: string, value: SessionAndUser): void {
    if (!this.trusted || value.session.secretHash !== secretHash) return;
    const { session } = value;
    if (
      this.droppedAll > mark ||
      (this.dropped.get(`u:${session.userId}`) ?? -1) > mark ||
      (this.dropped.get(`s:${session.id}`) ?? -1) > mark
    ) {
      return;
    }
    this.remove(secretHash);
    const stale = this.bySession.get(session.id);
    if (stale !== undefined) this.remove(stale);
    this.entries.set(secretHash, { value: copyOf(value), at: this.clock() });
    this.bySession.set(session.id, secretHash);
    const hashes = this.byUser.get(session.userId);
    if (hashes === undefined) this.byUser.set(session.userId, new Set([secretHash]));
    else hashes.add(secretHash);
    while (this.entries.size > this.options.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** Drops every entry of a user (the store reported a change, or this process wrote). */
  dropUser(userId: string): void {
    if (userId === '*') {
      this.dropAll();
      return;
    }
    this.remember(`u:${userId}`);
    for (const hash of this.byUser.get(userId) ?? []) this.remove(hash);
  }

  /** Drops a session's entry, by its id. */
  dropSession(sessionId: string): void {
    this.remember(`s:${sessionId}`);
    const hash = this.bySession.get(sessionId);
    if (hash !== undefined) this.remove(hash);
  }

  /** Drops everything, and refuses every read that began before. */
  dropAll(): void {
    this.epoch += 1;
    this.droppedAll = this.epoch;
    this.dropped.clear();
    this.entries.clear();
    this.byUser.clear();
    this.bySession.clear();
  }

  /**
   * The store, with every write that changes a session or a user (`WRITES`)
   * dropping what it touched once it has run, whether it succeeded or not. Use
   * it for every write of this process, so its own changes never wait for the
   * store's report.
   */
  guard(store: LatchkeyStore): LatchkeyStore {
    return new Proxy(store, {
      get: (target, name, receiver) => {
        const value = Reflect.get(target, name, receiver);
        if (typeof name !== 'string' || typeof value !== 'function') return value;
        const kind = WRITES[name];
        if (kind === undefined) return value;
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => unknown).apply(target, args);
          } finally {
            const id = String(args[0]);
            if (kind === 'user') this.dropUser(id);
            else this.dropSession(id);
            // Another instance may answer from an entry this write made stale
            // until it has heard of it: its entries are trusted only while it
            // has heard everything up to `window` ago, so once `window` has
            // passed, none answers from what this write changed.
            if (this.shared && !isTouch(name, args)) await settle(this.window);
          }
        };
      },
    });
  }

  /** Stops the watch and forgets everything; from now on nothing is cached. */
  async close(): Promise<void> {
    this.closed = true;
    this.dropAll();
    const pending = this.watching;
    await pending?.catch(() => {});
    await this.watch?.close().catch(() => {});
    this.watch = null;
  }

  private startWatch(): void {
    const watchSessions = this.store.watchSessions;
    if (watchSessions === undefined || this.closed || this.watching !== null) return;
    if (this.watch !== null) return; // set up; live again once its connection is back
    if (this.clock() < this.retryAt) return;
    this.watching = (async () => {
      try {
        const watch = await watchSessions.call(this.store, (userId) => this.dropUser(userId));
        if (this.closed) await watch.close();
        else this.watch = watch;
        // Whatever was read while the watch was being set up may predate it.
        this.dropAll();
      } catch {
        this.retryAt = this.clock() + WATCH_RETRY_MS;
      } finally {
        this.watching = null;
      }
    })();
  }

  private remember(key: string): void {
    this.epoch += 1;
    if (this.dropped.size >= MAX_REMEMBERED_DROPS) {
      this.dropped.clear();
      this.droppedAll = this.epoch;
    }
    this.dropped.delete(key);
    this.dropped.set(key, this.epoch);
  }

  private remove(secretHash: string): void {
    const entry = this.entries.get(secretHash);
    if (entry === undefined) return;
    this.entries.delete(secretHash);
    const { id, userId } = entry.value.session;
    if (this.bySession.get(id) === secretHash) this.bySession.delete(id);
    const hashes = this.byUser.get(userId);
    hashes?.delete(secretHash);
    if (hashes?.size === 0) this.byUser.delete(userId);
  }
}

/** The once-a-minute `lastSeenAt` update of a session check: it takes nothing away, so nothing waits for it. */
function isTouch(method: string, args: unknown[]): boolean {
  if (method !== 'updateSession') return false;
  const patch = args[1];
  return (
    typeof patch === 'object' &&
    patch !== null &&
    Object.keys(patch).every((key) => key === 'lastSeenAt')
  );
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Both records are flat: a spread copies them whole. */
function copyOf({ session, user }: SessionAndUser): SessionAndUser {
  return { session: { ...session }, user: { ...user } };
}
