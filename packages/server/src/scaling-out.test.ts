import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deviceKey } from '../test/device-key.js';
import { startFaultProxy } from '../test/fault-proxy.js';
import { createTestServer, type TestBrowser, type TestServer } from '../test/harness.js';
import { SHARED_WINDOW_MS } from './sessions/session-cache.js';
import { combineStores } from './stores/combine-stores.js';
import type { EphemeralStoreAdapter, LatchkeyStore, SessionWatch } from './stores/contract.js';
import { postgresStore } from './stores/postgres/postgres-store.js';
import { redisStore } from './stores/redis/redis-store.js';
import { createTestAuthenticator } from './testing/index.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const skipReason = 'DATABASE_URL or REDIS_URL is not set: the two-instance test is skipped';
if (!databaseUrl || !redisUrl) console.warn(`⚠ ${skipReason}`);

const runId = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
const schema = `latchkey_test_scale_${runId}`;
const prefix = `latchkey-test-scale-${runId}:`;

/** What an instance's store reported (`watchSessions`), and how many session checks reached it. */
interface Probe {
  heard: { userId: string; live: boolean }[];
  reads: number;
  watch: SessionWatch | null;
  wake(): void;
}

/** Watches `store` as the instance using it does: records each report after the instance heard it. */
function probe(store: LatchkeyStore): Probe {
  const seen: Probe = { heard: [], reads: 0, watch: null, wake: () => {} };
  const watchSessions = store.watchSessions!.bind(store);
  const getSessionAndUser = store.getSessionAndUser.bind(store);
  store.watchSessions = async (onChange) => {
    const watch = await watchSessions((userId) => {
      onChange(userId);
      // The first report may come before the watch is handed back.
      seen.heard.push({ userId, live: seen.watch?.live ?? true });
      seen.wake();
    });
    seen.watch = watch;
    seen.wake();
    return watch;
  };
  store.getSessionAndUser = async (secretHash) => {
    seen.reads += 1;
    return getSessionAndUser(secretHash);
  };
  return seen;
}

/** Resolves once `check` holds, looking again at each report; never sleeps. */
function until(seen: Probe, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 5 s`)), 5_000);
    seen.wake = () => {
      if (!check()) return;
      clearTimeout(timer);
      seen.wake = () => {};
      resolve();
    };
    seen.wake();
  });
}

/**
 * Resolves once the instance's watch has heard everything committed up to its
 * cache's window ago (`SessionWatch.lag`), so its cache is trusted.
 */
async function synced(seen: Probe): Promise<void> {
  await vi.waitFor(
    () => {
      const lag = seen.watch?.live ? seen.watch.lag?.() : undefined;
      if (lag === undefined || lag > SHARED_WINDOW_MS) throw new Error(`lag ${lag}`);
    },
    { timeout: 5_000, interval: 5 },
  );
}

/**
 * Resolves once `browser`'s session check on the instance is answered from its
 * cache: a check fills it, the next reads nothing. Tried again until it holds,
 * since a busy machine may leave the watch behind its window for a moment (the
 * instance then reads the database, as it should).
 */
async function answeredFromCache(seen: Probe, browser: TestBrowser): Promise<void> {
  await vi.waitFor(
    async () => {
      await synced(seen);
      expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
      const reads = seen.reads;
      expect((await browser.call('GET', '/auth/session')).body.user).not.toBeNull();
      expect(seen.reads).toBe(reads);
    },
    { timeout: 10_000, interval: 20 },
  );
}

/**
 * An instance whose session watch listens through a proxy the test controls,
 * and reads through a pool of its own that does not.
 */
async function listeningThroughProxy(
  databaseUrl: string,
  schema: string,
  redis: EphemeralStoreAdapter,
) {
  const url = new URL(databaseUrl);
  const proxy = await startFaultProxy(Number(url.port || 5432), url.hostname);
  const listener = `latchkey_scale_listen_${Math.random().toString(36).slice(2, 10)}`;
  const through = new URL(url);
  through.host = proxy.address;
  through.searchParams.set('application_name', listener);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => {});
  const durable = postgresStore({
    pool: {
      query: (text, values) => pool.query(text, values),
      connect: () => pool.connect(),
      end: () => pool.end(),
      options: { connectionString: through.href },
    },
    schema,
  });
  const seen = probe(durable);
  const server = createTestServer({}, combineStores(durable, redis));
  return {
    proxy,
    listener,
    seen,
    server,
    async close() {
      await server.latchkey.close();
      await pool.end();
      await proxy.close();
    },
  };
}

/** A browser on `server` holding `browser`'s cookies, as a copy of them would. */
function copyOn(server: TestServer, browser: TestBrowser): TestBrowser {
  const copy = server.browser();
  for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
  return copy;
}

describe.skipIf(!databaseUrl || !redisUrl)(
  'two instances sharing PostgreSQL and Redis (needs DATABASE_URL and REDIS_URL)',
  () => {
    const shared = () =>
      combineStores(
        postgresStore({ connectionString: databaseUrl!, schema }),
        redisStore({ url: redisUrl!, prefix }),
      );
    const a = createTestServer({}, shared());
    const durableB = postgresStore({ connectionString: databaseUrl!, schema });
    const seenByB = probe(durableB);
    const b = createTestServer({}, combineStores(durableB, redisStore({ url: redisUrl!, prefix })));
    // Each test browser talks to instance A or B by swapping the handler it calls.
    const on = (browser: TestBrowser, server: typeof a) =>
      Object.assign(browser, { latchkey: server.latchkey });

    afterAll(async () => {
      await a.latchkey.close();
      await b.latchkey.close();
      const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      const { default: Redis } = await import('ioredis');
      const redis = new Redis(redisUrl!);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    });

    it('finishes on one instance a ceremony started on the other, and shares sessions and revocation', async () => {
      // The two instances share a clock in these tests; move both together.
      b.clock.now = a.clock.now;
      const browser = a.browser();
      const { response } = await browser.registration({ email: `ada-${runId}@example.com` });
      on(browser, b);
      const registered = await browser.call('POST', '/auth/passkeys/register', { response });
      expect(registered.status).toBe(201);

      on(browser, a);
      expect((await browser.call('GET', '/auth/session')).body.user.email).toBe(
        `ada-${runId}@example.com`,
      );
      await browser.signOut();

      const assertion = await browser.assertion({ email: `ada-${runId}@example.com` });
      on(browser, b);
      expect(
        (
          await browser.call('POST', '/auth/passkeys/authenticate', {
            response: assertion.response,
          })
        ).status,
      ).toBe(200);
      // The challenge was consumed on B: a replay on A fails.
      on(browser, a);
      const replay = await browser.call('POST', '/auth/passkeys/authenticate', {
        response: assertion.response,
      });
      expect(replay.body.error.code).toBe('CHALLENGE_EXPIRED');

      const sessionId = (await browser.call('GET', '/auth/session')).body.session.id;
      on(browser, b);
      expect((await browser.call('DELETE', `/auth/sessions/${sessionId}`)).status).toBe(200);
      on(browser, a);
      expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
    });

    describe('what one instance revokes, the other refuses on the next request', () => {
      let people = 0;

      /** Signs a new person up on A; returns A's browser and their id. */
      async function signedUpOnA(): Promise<{ onA: TestBrowser; userId: string; email: string }> {
        b.clock.now = a.clock.now;
        const onA = a.browser();
        people += 1;
        const email = `revoke-${people}-${runId}@example.com`;
        expect((await onA.signUp({ email })).status).toBe(201);
        const userId = (await onA.call('GET', '/auth/session')).body.user.id as string;
        return { onA, userId, email };
      }

      /** The same session checked on B until B answers it from its cache. */
      async function cachedOnB(onA: TestBrowser): Promise<TestBrowser> {
        const onB = copyOn(b, onA);
        expect((await onB.call('GET', '/auth/session')).body.user).not.toBeNull();
        await until(seenByB, () => seenByB.watch?.live === true, 'live watch on B');
        await answeredFromCache(seenByB, onB);
        return onB;
      }

      /**
       * Runs the revoking request on A. B is asked at once, whether or not it has
       * heard of the change yet: A answers only once B cannot answer from an
       * entry the change made stale.
       */
      async function revokedOnA(_userId: string, revoke: () => Promise<unknown>): Promise<void> {
        await revoke();
      }

      it('a session deleted by id', async () => {
        const { onA, userId } = await signedUpOnA();
        const onB = await cachedOnB(onA);
        const { id } = (await onA.call('GET', '/auth/session')).body.session;
        await revokedOnA(userId, async () => {
          expect((await onA.call('DELETE', `/auth/sessions/${id}`)).status).toBe(200);
        });
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      });

      it('a sign-out', async () => {
        const { onA, userId } = await signedUpOnA();
        const onB = await cachedOnB(onA);
        await revokedOnA(userId, () => onA.signOut());
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      });

      it('a step-up, which rotates the secret: the old cookie stops working', async () => {
        const { onA, userId } = await signedUpOnA();
        const onB = await cachedOnB(onA);
        await revokedOnA(userId, async () => {
          expect((await onA.stepUp()).status).toBe(200);
        });
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
        expect((await copyOn(b, onA).call('GET', '/auth/session')).body.user).not.toBeNull();
      });

      it('a passkey revoked, which ends the sessions it opened', async () => {
        const { onA: laptop, userId, email } = await signedUpOnA();
        // The phone signs in with the laptop's passkey, steps up and adds its own.
        const phone = a.browser({ authenticator: laptop.authenticator });
        expect((await phone.signIn({ email })).status).toBe(200);
        expect((await phone.stepUp()).status).toBe(200);
        phone.authenticator = createTestAuthenticator({ origin: phone.origin });
        expect((await phone.signUp({}, 'Phone')).status).toBe(201);
        const phonePasskey = phone.authenticator.credentials[0]!.id;
        const phoneSession = a.browser({ authenticator: phone.authenticator });
        expect((await phoneSession.signIn()).status).toBe(200);
        const onB = await cachedOnB(phoneSession);

        expect((await laptop.stepUp()).status).toBe(200);
        await revokedOnA(userId, async () => {
          expect((await laptop.call('DELETE', `/auth/passkeys/${phonePasskey}`)).status).toBe(200);
        });
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      });

      it('the account deleted', async () => {
        const { onA, userId } = await signedUpOnA();
        expect((await onA.stepUp()).status).toBe(200);
        const onB = await cachedOnB(onA);
        await revokedOnA(userId, async () => {
          expect((await onA.call('DELETE', '/auth/account')).status).toBe(200);
        });
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      });

      it('the account locked: the session needs its device key’s proof at once', async () => {
        const { onA, userId } = await signedUpOnA();
        expect((await onA.stepUp()).status).toBe(200);
        const onB = await cachedOnB(onA);
        const key = await deviceKey();
        await revokedOnA(userId, async () => {
          const res = await onA.call('POST', '/auth/tier', { tier: 'locked', popKey: key.popKey });
          expect(res.status).toBe(200);
        });
        expect((await onB.call('GET', '/auth/session')).body.user).toBeNull();
      });
    });

    it('reads every check from the database while the listening connection is down, and misses nothing', async () => {
      // C listens through a proxy the test controls, and reads through its own pool.
      const {
        proxy,
        listener,
        seen: seenByC,
        server: c,
        close,
      } = await listeningThroughProxy(databaseUrl!, schema, redisStore({ url: redisUrl!, prefix }));
      const admin = new pg.Pool({ connectionString: databaseUrl!, max: 1 });
      try {
        c.clock.now = a.clock.now;
        const first = a.browser();
        await first.signUp({ email: `outage-${runId}@example.com` });
        const second = a.browser({ authenticator: first.authenticator });
        expect((await second.signIn()).status).toBe(200);
        const [firstOnC, secondOnC] = [copyOn(c, first), copyOn(c, second)];
        await firstOnC.call('GET', '/auth/session');
        await until(seenByC, () => seenByC.watch?.live === true, 'live watch on C');
        await answeredFromCache(seenByC, firstOnC);
        await answeredFromCache(seenByC, secondOnC);

        // The listening connection is killed, and cannot come back for now.
        proxy.set('refuse-new');
        const { rows } = await admin.query<{ terminated: boolean }>(
          `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
            WHERE application_name = $1`,
          [listener],
        );
        expect(rows.filter((row) => row.terminated)).toHaveLength(1);
        await until(
          seenByC,
          () => seenByC.heard.some((report) => report.userId === '*' && !report.live),
          'report of the lost connection on C',
        );
        expect(seenByC.watch?.live).toBe(false);

        // Meanwhile every check reads the database, and sees what A changes.
        const reads = seenByC.reads;
        expect((await firstOnC.call('GET', '/auth/session')).body.user).not.toBeNull();
        expect((await firstOnC.call('GET', '/auth/session')).body.user).not.toBeNull();
        expect(seenByC.reads).toBe(reads + 2);
        await first.signOut();
        expect((await firstOnC.call('GET', '/auth/session')).body.user).toBeNull();

        // Back: nothing from before is trusted, and the cache fills again.
        const back = seenByC.heard.length;
        proxy.set('pass');
        await until(
          seenByC,
          () => seenByC.heard.slice(back).some((report) => report.userId === '*' && report.live),
          'report of the connection back on C',
        );
        expect((await firstOnC.call('GET', '/auth/session')).body.user).toBeNull();
        await answeredFromCache(seenByC, secondOnC);
      } finally {
        await close();
        await admin.end();
      }
    });

    it.each([
      { late: 40, cached: true },
      { late: 150, cached: false },
    ])(
      'refuses at once a session signed out on A, on an instance that hears of it $late ms late',
      async ({ late, cached }) => {
        // D hears every change `late` ms after it is made: its listening connection is slow.
        const d = await listeningThroughProxy(
          databaseUrl!,
          schema,
          redisStore({ url: redisUrl!, prefix }),
        );
        try {
          d.server.clock.now = a.clock.now;
          const onA = a.browser();
          await onA.signUp({ email: `late-${late}-${runId}@example.com` });
          const onD = copyOn(d.server, onA);
          expect((await onD.call('GET', '/auth/session')).body.user).not.toBeNull();
          await until(d.seen, () => d.seen.watch?.live === true, 'live watch on D');
          d.proxy.set('delay', late);
          if (cached) {
            // From D's cache while it hears within the window.
            await answeredFromCache(d.seen, onD);
          } else {
            // Later than the window: never trusted, however long D waits.
            await vi.waitFor(
              () => expect(d.seen.watch?.lag?.()).toBeGreaterThan(SHARED_WINDOW_MS),
              { timeout: 5_000, interval: 5 },
            );
            expect(d.seen.watch?.live).toBe(true);
            // From the database, however often D is asked.
            expect((await onD.call('GET', '/auth/session')).body.user).not.toBeNull();
            const reads = d.seen.reads;
            expect((await onD.call('GET', '/auth/session')).body.user).not.toBeNull();
            expect(d.seen.reads).toBe(reads + 1);
          }

          await onA.signOut();
          expect((await onD.call('GET', '/auth/session')).body.user).toBeNull();
        } finally {
          await d.close();
        }
      },
    );

    it('counts rate limits across instances', async () => {
      const limitedA = createTestServer({ rateLimit: { perIp: 2 } }, shared());
      const limitedB = createTestServer({ rateLimit: { perIp: 2 } }, shared());
      const peer = `198.51.100.${Math.floor(Math.random() * 200)}`;
      const first = limitedA.browser({ peer });
      const second = limitedB.browser({ peer });
      expect((await first.call('POST', '/auth/passkeys/auth-options', {})).status).toBe(200);
      expect((await second.call('POST', '/auth/passkeys/auth-options', {})).status).toBe(200);
      expect((await first.call('POST', '/auth/passkeys/auth-options', {})).status).toBe(429);
      await limitedA.latchkey.close();
      await limitedB.latchkey.close();
    });
  },
);
