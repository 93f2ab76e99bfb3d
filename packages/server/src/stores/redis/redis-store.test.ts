import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from '../../../test/fault-proxy.js';
import { combineStores } from '../combine-stores.js';
import { describeEphemeralStoreConformance, describeStoreConformance } from '../conformance.js';
import { StoreUnavailableError } from '../contract.js';
import { memoryStore } from '../memory/memory-store.js';
import { redisStore } from './redis-store.js';

const redisUrl = process.env.REDIS_URL;
const skipReason = 'REDIS_URL is not set: the Redis store tests are skipped';
if (redisUrl === undefined) console.warn(`⚠ ${skipReason}`);

/** Every key this run writes starts with it; they are all deleted at the end. */
const prefix = `latchkey-test:${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}:`;

describe.skipIf(redisUrl === undefined)('redisStore (needs REDIS_URL)', () => {
  const url = redisUrl ?? '';
  const admin = new Redis(url, { lazyConnect: true });

  afterAll(async () => {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    expect(await admin.keys(`${prefix}*`)).toEqual([]);
    await admin.quit();
  });

  describeEphemeralStoreConformance('redisStore', async () => redisStore({ url, prefix }));

  describeStoreConformance('combineStores(memoryStore, redisStore)', async () =>
    combineStores(memoryStore(), redisStore({ url, prefix })),
  );

  it('writes prefixed keys with a TTL, and tags the keys that scripts use together', async () => {
    const store = redisStore({ url, prefix: `${prefix}layout:` });
    try {
      const now = Date.now();
      await store.putChallenge({
        challenge: 'c1',
        kind: 'registration',
        binding: 'session:s1',
        userId: 'u1',
        rpId: 'example.com',
        expiresAt: now + 300_000,
        data: {},
      });
      await store.putPairing({
        id: 'p1',
        codeHash: 'h1',
        status: 'pending',
        deviceName: null,
        device: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
        ip: null,
        rpId: 'example.com',
        createdAt: now,
        expiresAt: now + 600_000,
        userId: null,
        requesterHash: 'r1',
      });
      const keys = (await admin.keys(`${prefix}layout:*`)).sort();
      expect(keys).toEqual([
        `${prefix}layout:challenge:c1`,
        `${prefix}layout:{pairing}:code:h1`,
        `${prefix}layout:{pairing}:id:p1`,
      ]);
      for (const key of keys) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(600_000 + 5_000);
      }
      expect(await admin.pttl(`${prefix}layout:challenge:c1`)).toBeLessThanOrEqual(305_000);
    } finally {
      await store.close();
    }
  });

  it('uses a client it is given and leaves it open on close', async () => {
    const client = new Redis(url);
    try {
      const store = redisStore({ client, prefix });
      await store.migrate();
      expect(await store.markOnce('given-client', Date.now() + 60_000)).toBe(true);
      await store.close();
      await expect(store.markOnce('given-client', Date.now() + 60_000)).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('reloads its scripts after Redis forgets them', async () => {
    const store = redisStore({ url, prefix });
    try {
      expect((await store.hitRateLimit('flush', 60_000, Date.now())).count).toBe(1);
      await admin.script('FLUSH');
      expect((await store.hitRateLimit('flush', 60_000, Date.now())).count).toBe(2);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(redisUrl === undefined)('redisStore when Redis goes down (needs REDIS_URL)', () => {
  const target = new URL(redisUrl ?? 'redis://127.0.0.1:6379');

  /** Milliseconds until `attempt` settles, and whether it failed as unavailable. */
  async function timed(attempt: Promise<unknown>): Promise<{ ms: number; unavailable: boolean }> {
    const started = performance.now();
    const outcome = await attempt.then(
      () => false,
      (error: unknown) => {
        if (!(error instanceof StoreUnavailableError)) throw error;
        return true;
      },
    );
    return { ms: performance.now() - started, unavailable: outcome };
  }

  // ioredis's defaults queue commands while it reconnects, with a delay that grows
  // to seconds: a Redis outage held every request for longer and longer.
  it('fails every command at once while Redis is down, however long, and recovers quickly', async () => {
    const proxy = await startFaultProxy(Number(target.port || 6379), target.hostname);
    const store = redisStore({ url: `redis://${proxy.address}`, prefix: `${prefix}down:` });
    try {
      expect((await store.hitRateLimit('k', 60_000, Date.now())).count).toBe(1);
      proxy.set('refuse');
      // Keep it down across many reconnection attempts: the wait must not grow.
      const waits: number[] = [];
      const downUntil = performance.now() + 3_000;
      while (performance.now() < downUntil) {
        const { ms, unavailable } = await timed(store.hitRateLimit('k', 60_000, Date.now()));
        expect(unavailable).toBe(true);
        waits.push(ms);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(waits.length).toBeGreaterThan(10);
      expect(Math.max(...waits)).toBeLessThan(500);

      proxy.set('pass');
      const back = performance.now();
      let count = 0;
      while (count === 0) {
        count = await store.hitRateLimit('k', 60_000, Date.now()).then(
          (hit) => hit.count,
          () => 0,
        );
        if (count === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(performance.now() - back).toBeLessThan(1_000);
      expect(count).toBe(2); // what was written before the outage is still there
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  it('fails a command on a blackholed connection after its timeout instead of hanging', async () => {
    const proxy = await startFaultProxy(Number(target.port || 6379), target.hostname);
    const store = redisStore({
      url: `redis://${proxy.address}`,
      prefix: `${prefix}hole:`,
      timeout: 300,
    });
    try {
      await store.migrate();
      proxy.set('blackhole');
      const { ms, unavailable } = await timed(store.consumeChallenge('c', Date.now()));
      expect(unavailable).toBe(true);
      expect(ms).toBeLessThan(2_000);
    } finally {
      await store.close();
      await proxy.close();
    }
  });

  // A connection that stops answering without closing (a Redis host that
  // vanished, a dropped NAT entry) used to time out every later command too.
  it('finding: opens a new connection after a command times out, so a silent connection heals', async () => {
    const proxy = await startFaultProxy(Number(target.port || 6379), target.hostname);
    const store = redisStore({
      url: `redis://${proxy.address}`,
      prefix: `${prefix}heal:`,
      timeout: 300,
    });
    try {
      expect((await store.hitRateLimit('k', 60_000, Date.now())).count).toBe(1);
      // Answers held for a minute: the connection stays open and says nothing.
      proxy.set('delay', 60_000);
      expect((await timed(store.hitRateLimit('k', 60_000, Date.now()))).unavailable).toBe(true);
      proxy.set('pass');
      const back = performance.now();
      let count = 0;
      while (count === 0 && performance.now() - back < 5_000) {
        count = await store.hitRateLimit('k', 60_000, Date.now()).then(
          (hit) => hit.count,
          () => 0,
        );
        if (count === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(count).toBe(2);
      expect(performance.now() - back).toBeLessThan(1_000);
    } finally {
      await store.close();
      await proxy.close();
    }
  });
});

describe('redisStore when Redis cannot be reached', () => {
  it('throws StoreUnavailableError for a closed port', async () => {
    const port = await closedPort();
    const store = redisStore({ url: `redis://127.0.0.1:${port}`, prefix });
    try {
      await expect(store.migrate()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.consumeChallenge('c', Date.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.hitRateLimit('k', 1000, Date.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });
});

/** A loopback port that was just free: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
