import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../test/harness.js';
import { type LatchkeyStore, StoreUnavailableError } from './stores/contract.js';
import { memoryStore } from './stores/memory/memory-store.js';
import { pgliteStore } from './stores/pglite/pglite-store.js';

/** Session cookies an answer sets (a cleared cookie, `Max-Age=0`, sets nothing). */
function sessionCookies(headers: Headers): string[] {
  return headers
    .getSetCookie()
    .filter((cookie) => cookie.startsWith('latchkey=') && !/Max-Age=0(;|$)/.test(cookie));
}

/**
 * An in-memory PGlite whose audit inserts fail while `failing.on`, as if the
 * connection dropped between a sign-in's writes; everything else runs for real,
 * transactions included.
 */
async function pgliteFailingAudit() {
  const db = await PGlite.create();
  const failing = { on: false };
  const guard = (text: string) => {
    if (failing.on && /INSERT INTO \S*audit_events/.test(text))
      throw new StoreUnavailableError('Connection terminated unexpectedly');
  };
  const withGuard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, prop) {
        const value = Reflect.get(inner, prop);
        if (prop === 'query')
          return (text: string, params?: unknown[]) => {
            guard(text);
            return (value as PGlite['query']).call(inner, text, params);
          };
        if (prop === 'transaction')
          return (fn: (tx: object) => Promise<unknown>) =>
            (value as PGlite['transaction']).call(inner, (tx) => fn(withGuard(tx)));
        return typeof value === 'function' ? value.bind(inner) : value;
      },
    });
  return { store: pgliteStore({ db: withGuard(db) }), failing, close: () => db.close() };
}

describe('a failed answer leaves nothing behind', () => {
  it('finding: a sign-in whose audit write fails answers 503, sets no session cookie and leaves no session', {
    timeout: 60_000,
  }, async () => {
    const { store, failing, close } = await pgliteFailingAudit();
    try {
      const server = createTestServer({}, store);
      const browser = server.browser();
      await browser.signUp({ email: 'ada@example.com' });
      await browser.signOut();
      const user = (await store.getUserByEmail('ada@example.com'))!;
      const auditBefore = await store.listAudit({ userId: user.id, limit: 100 });

      failing.on = true;
      const res = await browser.signIn();
      failing.on = false;

      expect([res.status, res.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(sessionCookies(res.headers)).toEqual([]);
      expect(await store.listSessions(user.id)).toEqual([]);
      expect(await store.listAudit({ userId: user.id, limit: 100 })).toEqual(auditBefore);
      expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();

      // Once the store is back, the same passkey signs in, with its event.
      const again = await browser.signIn();
      expect(again.status).toBe(200);
      expect(sessionCookies(again.headers)).toHaveLength(1);
      const events = await store.listAudit({ userId: user.id, limit: 1 });
      expect(events.map((event) => event.type)).toEqual(['signin.succeeded']);
    } finally {
      await close();
    }
  });

  it('finding: a sign-up whose audit events cannot be written leaves no account and no cookie', {
    timeout: 60_000,
  }, async () => {
    // The account (user, passkey, codes, session) and its `user.created` and
    // `passkey.registered` events are one transaction: an account is never
    // there without them, and a failed sign-up leaves nothing to sign in to.
    const { store, failing, close } = await pgliteFailingAudit();
    try {
      const browser = createTestServer({}, store).browser();
      failing.on = true;
      const res = await browser.signUp({ email: 'grace@example.com' });
      failing.on = false;

      expect([res.status, res.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
      expect(sessionCookies(res.headers)).toEqual([]);
      expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
      expect(await store.getUserByEmail('grace@example.com')).toBeNull();
      expect(await store.listAudit({ limit: 100 })).toEqual([]);

      // Once the store is back, the same person signs up, with both events.
      const again = await browser.signUp({ email: 'grace@example.com' });
      expect(again.status).toBe(201);
      const user = (await store.getUserByEmail('grace@example.com'))!;
      expect(await store.listCredentials(user.id)).toHaveLength(1);
      const events = await store.listAudit({ userId: user.id, limit: 10 });
      expect(events.map((event) => event.type).sort()).toEqual([
        'passkey.registered',
        'user.created',
      ]);
    } finally {
      await close();
    }
  });
});

describe('requestTimeout', () => {
  /** A memory store whose session writes wait until the test lets them through. */
  function stalledSessions() {
    const inner = memoryStore();
    let stall = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached!: (written: Promise<unknown>) => void;
    const written = new Promise<Promise<unknown>>((resolve) => {
      reached = resolve;
    });
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          // A sign-in stores its session with the passkey's use (`recordSignIn`).
          if (stall && (prop === 'createSession' || prop === 'recordSignIn')) {
            const write = gate.then(() => value.apply(target, args));
            reached(write);
            return write;
          }
          return value.apply(target, args);
        };
      },
    }) as LatchkeyStore;
    return {
      store,
      inner,
      stall: () => {
        stall = true;
      },
      release,
      /** Resolves once the stalled write was asked for and then completed. */
      written: async () => {
        await await written;
      },
    };
  }

  it('finding: a request on a stalled store answers 503 REQUEST_TIMEOUT at the deadline, with no cookie', async () => {
    const slow = stalledSessions();
    const server = createTestServer({ requestTimeout: 50 }, slow.store);
    const browser = server.browser();
    await browser.signUp({ email: 'lin@example.com' });
    await browser.signOut();
    const user = (await slow.inner.getUserByEmail('lin@example.com'))!;

    slow.stall();
    // The answer comes while the store's write is still held back.
    const res = await browser.signIn();
    expect([res.status, res.body.error.code]).toEqual([503, 'REQUEST_TIMEOUT']);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await slow.inner.listSessions(user.id)).toEqual([]);

    // The abandoned request goes on to its write, which then completes whole: the
    // session with its event, but its secret was never handed out: it opens nothing.
    slow.release();
    await slow.written();
    const [session] = await slow.inner.listSessions(user.id);
    const events = await slow.inner.listAudit({ userId: user.id, limit: 100 });
    expect(session?.userId).toBe(user.id);
    expect(events.filter((event) => event.type === 'signin.succeeded')).toHaveLength(1);
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('is a positive number of milliseconds', () => {
    expect(() => createTestServer({ requestTimeout: 0 })).toThrow(
      'createLatchkey: config.requestTimeout must be a positive number',
    );
  });
});
