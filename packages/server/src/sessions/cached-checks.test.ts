import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../../test/harness.js';
import type { LatchkeyStore } from '../stores/contract.js';
import { memoryStore } from '../stores/memory/memory-store.js';

/** A memory store that counts the session checks that reach it. */
function countingStore() {
  const base = memoryStore();
  const reads = { count: 0 };
  const store: LatchkeyStore = {
    ...base,
    async getSessionAndUser(secretHash) {
      reads.count += 1;
      return base.getSessionAndUser(secretHash);
    },
  };
  return { store, reads };
}

/** A second browser holding the same cookies, as a copy of them would. */
function copyOf(server: { browser(): TestBrowser }, browser: TestBrowser): TestBrowser {
  const copy = server.browser();
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

describe('session checks answered from the cache', () => {
  it('reads the store once for repeated checks of one session', async () => {
    const { store, reads } = countingStore();
    const server = createTestServer({}, store);
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    // The first check starts the store's watch, the second fills the cache.
    await browser.call('GET', '/auth/session');
    await browser.call('GET', '/auth/session');
    const before = reads.count;
    for (let i = 0; i < 3; i++) {
      expect((await browser.call('GET', '/auth/session')).body.user.email).toBe('ada@example.com');
    }
    expect(reads.count).toBe(before);
  });

  it('reads the store on every check with `session.cache: false`', async () => {
    const { store, reads } = countingStore();
    const server = createTestServer({ session: { cache: false } }, store);
    const browser = server.browser();
    await browser.signUp();
    const before = reads.count;
    for (let i = 0; i < 3; i++) await browser.call('GET', '/auth/session');
    expect(reads.count).toBe(before + 3);
  });

  it('still ends a cached session at its absolute expiry, on the request’s clock', async () => {
    const server = createTestServer({ session: { ttl: 30 } });
    const browser = server.browser();
    await browser.signUp();
    // Filled (the first check starts the watch), then answered from the cache.
    await browser.call('GET', '/auth/session');
    await browser.call('GET', '/auth/session');
    server.clock.advance(29_000);
    expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
    server.clock.advance(1_000);
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
  });

  describe('two instances sharing one store: what A revokes, B refuses on the next request', () => {
    async function twoInstances() {
      const store = memoryStore();
      const a = createTestServer({}, store);
      const b = createTestServer({}, store);
      const onA = a.browser();
      await onA.signUp({ email: 'ada@example.com' });
      const onB = copyOf(b, onA);
      // Checked on B (twice: the first check starts B's watch): now in B's cache.
      expect((await onB.call('GET', '/auth/session')).body.user).not.toBeNull();
      expect((await onB.call('GET', '/auth/session')).body.user).not.toBeNull();
      return { a, b, onA, onB };
    }

    it('a session deleted by id', async () => {
      const { onA, onB } = await twoInstances();
      const { id } = (await onA.call('GET', '/auth/session')).body.session;
      expect((await onA.call('DELETE', `/auth/sessions/${id}`)).status).toBe(200);
      expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
    });

    it('a sign-out', async () => {
      const { onA, onB } = await twoInstances();
      await onA.signOut();
      expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
    });

    it('a step-up, which rotates the secret: the old cookie stops working', async () => {
      const { onA, onB } = await twoInstances();
      expect((await onA.stepUp()).status).toBe(200);
      expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      expect((await onA.call('GET', '/auth/session')).body.user).not.toBeNull();
    });

    it('an account deleted', async () => {
      const { b, onA } = await twoInstances();
      await onA.stepUp();
      const onB = copyOf(b, onA);
      expect((await onB.call('GET', '/auth/session')).body.user).not.toBeNull();
      expect((await onA.call('DELETE', '/auth/account')).status).toBe(200);
      expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
    });
  });
});
