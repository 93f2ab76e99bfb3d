import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeSession, makeUser } from '../stores/conformance/fixtures.js';
import type { LatchkeyStore, SessionRecord, UserRecord } from '../stores/contract.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { SessionCache, SHARED_WINDOW_MS } from './session-cache.js';

/** A memory store whose watch the test drives: `report` and `live` are the store's to say. */
function drivenStore(options: { travels?: boolean } = {}) {
  const base = memoryStore();
  const state = { live: true, watches: 0, lag: 0, report: (_userId: string) => {} };
  const store: LatchkeyStore = {
    ...base,
    async watchSessions(onChange) {
      state.watches += 1;
      state.report = onChange;
      return {
        get live() {
          return state.live;
        },
        ...(options.travels && { lag: () => state.lag }),
        async close() {},
      };
    },
  };
  return { store, state };
}

/** A cache whose watch is set up (it starts on first use and is trusted once live). */
async function readyCache(store: LatchkeyStore, options: { ttl?: number; max?: number } = {}) {
  const clock = { now: 0 };
  const cache = new SessionCache(store, {
    ttl: options.ttl ?? 2_000,
    max: options.max ?? 100,
    clock: () => clock.now,
  });
  expect(cache.trusted).toBe(false);
  await until(() => cache.trusted);
  return { cache, clock };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await Promise.resolve();
  expect(check()).toBe(true);
}

function entry(user: UserRecord = makeUser()): { session: SessionRecord; user: UserRecord } {
  return { session: makeSession(user.id), user };
}

describe('SessionCache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trusts a store whose reports travel only while it has heard everything up to `window` ago', async () => {
    const { store, state } = drivenStore({ travels: true });
    const { cache } = await readyCache(store);
    const value = entry();
    cache.put(cache.begin(), value.session.secretHash, value);
    expect(cache.get(value.session.secretHash)).not.toBeNull();
    state.lag = SHARED_WINDOW_MS + 1;
    expect(cache.trusted).toBe(false);
    expect(cache.get(value.session.secretHash)).toBeNull();
    state.lag = SHARED_WINDOW_MS;
    expect(cache.trusted).toBe(true);
  });

  /** A guarded store with one user, on fake timers, and a way to see when a write answers. */
  async function guardedWrites(options: { travels?: boolean }) {
    const { store } = drivenStore(options);
    const { cache } = await readyCache(store);
    const guarded = cache.guard(store);
    const user = makeUser();
    await store.createUser({ user, recoveryCodeHashes: [] });
    const session = async () => {
      const made = makeSession(user.id);
      await store.createSession(made);
      return made;
    };
    vi.useFakeTimers();
    /** Starts `write`; `answered()` says whether it has resolved yet. */
    const start = (write: Promise<unknown>) => {
      let done = false;
      const settled = write.then(() => {
        done = true;
      });
      return { settled, answered: () => done };
    };
    return { guarded, session, start };
  }

  it('answers a revoking write on a shared store once `window` has passed; a touch at once', async () => {
    const { guarded, session, start } = await guardedWrites({ travels: true });
    const signOut = start(guarded.deleteSession((await session()).id));
    await vi.advanceTimersByTimeAsync(SHARED_WINDOW_MS - 1);
    expect(signOut.answered()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await signOut.settled;
    expect(signOut.answered()).toBe(true);

    const touch = start(guarded.updateSession((await session()).id, { lastSeenAt: 5 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(touch.answered()).toBe(true);
  });

  it('answers every write at once on a store whose reports do not travel', async () => {
    const { guarded, session, start } = await guardedWrites({});
    const signOut = start(guarded.deleteSession((await session()).id));
    await vi.advanceTimersByTimeAsync(0);
    expect(signOut.answered()).toBe(true);
  });

  it('answers a session it kept, by the stored hash, as a copy', async () => {
    const { store } = drivenStore();
    const { cache } = await readyCache(store);
    const value = entry();
    const hash = value.session.secretHash;
    expect(cache.get(hash)).toBeNull();
    cache.put(cache.begin(), hash, value);
    // What was put is the caller's own: changing it changes nothing kept.
    value.session.popProvenAt = 99;
    const hit = cache.get(hash)!;
    expect(hit.session).toEqual({ ...value.session, popProvenAt: null });
    expect(hit.user).toEqual(value.user);
    // Nor does changing what a hit handed out.
    hit.session.lastSeenAt = 1;
    hit.session.secretHash = 'changed';
    hit.user.tier = 'locked';
    hit.user.displayName = 'Changed';
    const again = cache.get(hash)!;
    expect(again.session.secretHash).toBe(hash);
    expect(again.session.lastSeenAt).toBe(value.session.lastSeenAt);
    expect(again.user).toEqual(value.user);
  });

  it('keeps nothing under a hash that is not the session’s', async () => {
    const { store } = drivenStore();
    const { cache } = await readyCache(store);
    const value = entry();
    cache.put(cache.begin(), 'another-hash', value);
    expect(cache.get('another-hash')).toBeNull();
  });

  it('trusts an entry for `ttl` at most', async () => {
    const { store } = drivenStore();
    const { cache, clock } = await readyCache(store, { ttl: 1_000 });
    const value = entry();
    cache.put(cache.begin(), value.session.secretHash, value);
    clock.now = 999;
    expect(cache.get(value.session.secretHash)).not.toBeNull();
    clock.now = 1_000;
    expect(cache.get(value.session.secretHash)).toBeNull();
  });

  it('keeps `max` entries at most, dropping the least recently used', async () => {
    const { store } = drivenStore();
    const { cache } = await readyCache(store, { max: 2 });
    const [a, b, c] = [entry(), entry(), entry()];
    cache.put(cache.begin(), a.session.secretHash, a);
    cache.put(cache.begin(), b.session.secretHash, b);
    expect(cache.get(a.session.secretHash)).not.toBeNull(); // a is now the most recent
    cache.put(cache.begin(), c.session.secretHash, c);
    expect(cache.get(b.session.secretHash)).toBeNull();
    expect(cache.get(a.session.secretHash)).not.toBeNull();
    expect(cache.get(c.session.secretHash)).not.toBeNull();
  });

  it('drops every entry of a user the store reports, and all on "*"', async () => {
    const { store, state } = drivenStore();
    const { cache } = await readyCache(store);
    const user = makeUser();
    const [mine, alsoMine, other] = [entry(user), entry(user), entry()];
    for (const x of [mine, alsoMine, other]) cache.put(cache.begin(), x.session.secretHash, x);
    state.report(user.id);
    expect(cache.get(mine.session.secretHash)).toBeNull();
    expect(cache.get(alsoMine.session.secretHash)).toBeNull();
    expect(cache.get(other.session.secretHash)).not.toBeNull();
    state.report('*');
    expect(cache.get(other.session.secretHash)).toBeNull();
  });

  it('never keeps a read that began before a report about it', async () => {
    const { store, state } = drivenStore();
    const { cache } = await readyCache(store);
    const value = entry();
    const other = entry();
    const mark = cache.begin();
    // The store was read (old state), then the change was reported, then the read returns.
    state.report(value.user.id);
    cache.put(mark, value.session.secretHash, value);
    expect(cache.get(value.session.secretHash)).toBeNull();
    // A report about someone else does not stand in the way.
    cache.put(mark, other.session.secretHash, other);
    expect(cache.get(other.session.secretHash)).not.toBeNull();
    const later = cache.begin();
    state.report('*');
    cache.put(later, value.session.secretHash, value);
    expect(cache.get(value.session.secretHash)).toBeNull();
  });

  it('is bypassed while the watch is down, and drops what it had', async () => {
    const { store, state } = drivenStore();
    const { cache } = await readyCache(store);
    const value = entry();
    cache.put(cache.begin(), value.session.secretHash, value);
    state.live = false;
    expect(cache.get(value.session.secretHash)).toBeNull();
    cache.put(cache.begin(), value.session.secretHash, value);
    expect(cache.get(value.session.secretHash)).toBeNull();
    // Back: nothing from before is trusted, new reads are kept again.
    state.live = true;
    expect(cache.get(value.session.secretHash)).toBeNull();
    cache.put(cache.begin(), value.session.secretHash, value);
    expect(cache.get(value.session.secretHash)).not.toBeNull();
  });

  it('keeps nothing for a store that cannot report changes', async () => {
    const { watchSessions: _, ...store } = memoryStore();
    const cache = new SessionCache(store, { ttl: 2_000, max: 100 });
    const value = entry();
    for (let i = 0; i < 3; i++) await Promise.resolve();
    cache.put(cache.begin(), value.session.secretHash, value);
    expect(cache.trusted).toBe(false);
    expect(cache.get(value.session.secretHash)).toBeNull();
  });

  it('drops what a write through the guard touched, before it resolves, without a report', async () => {
    const { store, state } = drivenStore();
    const { cache } = await readyCache(store);
    state.report = () => {}; // this store never reports: only the guard can drop
    const guarded = cache.guard(store);
    const user = makeUser();
    await store.createUser({ user, recoveryCodeHashes: [] });
    const put = (session: SessionRecord) => {
      const value = { session, user };
      cache.put(cache.begin(), session.secretHash, value);
      expect(cache.get(session.secretHash)).not.toBeNull();
      return session;
    };
    const writes: [string, (s: SessionRecord) => Promise<unknown>][] = [
      ['updateSession', (s) => guarded.updateSession(s.id, { popProvenAt: 5 })],
      ['rotateSession', (s) => guarded.rotateSession(s.id, `${s.secretHash}-new`)],
      ['deleteSession', (s) => guarded.deleteSession(s.id)],
      ['deleteSessionsOfUser', () => guarded.deleteSessionsOfUser(user.id)],
      ['updateUser', () => guarded.updateUser(user.id, { tier: 'locked' })],
      ['setPassword', () => guarded.setPassword(user.id, null, 1)],
      ['deleteUser', () => guarded.deleteUser(user.id)],
    ];
    for (const [name, write] of writes) {
      const session = makeSession(user.id);
      await store.createSession(session).catch(() => {});
      put(session);
      await write(session);
      expect(cache.get(session.secretHash), name).toBeNull();
    }
    // Reads pass through untouched.
    expect(await guarded.getUser(user.id)).toBeNull();
  });

  it('drops at once what a memory store shared by two instances changes', async () => {
    const store = memoryStore();
    const a = await readyCache(store);
    const b = await readyCache(store);
    const user = makeUser();
    await store.createUser({ user, recoveryCodeHashes: [] });
    const session = makeSession(user.id);
    await store.createSession(session);
    for (const { cache } of [a, b]) cache.put(cache.begin(), session.secretHash, { session, user });
    // A writes through its guard; B hears the store.
    await a.cache.guard(store).updateUser(user.id, { tier: 'locked' });
    expect(a.cache.get(session.secretHash)).toBeNull();
    expect(b.cache.get(session.secretHash)).toBeNull();
  });

  it('stops trusting anything once closed', async () => {
    const { store } = drivenStore();
    const { cache } = await readyCache(store);
    const value = entry();
    cache.put(cache.begin(), value.session.secretHash, value);
    await cache.close();
    expect(cache.get(value.session.secretHash)).toBeNull();
    expect(cache.trusted).toBe(false);
  });
});
