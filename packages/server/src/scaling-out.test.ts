import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../test/harness.js';
import { combineStores } from './stores/combine-stores.js';
import { postgresStore } from './stores/postgres/postgres-store.js';
import { redisStore } from './stores/redis/redis-store.js';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
const skipReason = 'DATABASE_URL or REDIS_URL is not set: the two-instance test is skipped';
if (!databaseUrl || !redisUrl) console.warn(`⚠ ${skipReason}`);

const runId = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
const schema = `latchkey_test_scale_${runId}`;
const prefix = `latchkey-test-scale-${runId}:`;

describe.skipIf(!databaseUrl || !redisUrl)(
  'two instances sharing PostgreSQL and Redis (needs DATABASE_URL and REDIS_URL)',
  () => {
    const shared = () =>
      combineStores(
        postgresStore({ connectionString: databaseUrl!, schema }),
        redisStore({ url: redisUrl!, prefix }),
      );
    const a = createTestServer({}, shared());
    const b = createTestServer({}, shared());
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
