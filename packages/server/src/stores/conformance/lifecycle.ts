import { describe, expect, it } from 'vitest';
import { type EphemeralStoreAdapter, StoreUnavailableError } from '../contract.js';
import { makeChallenge, uid } from './fixtures.js';

/** The conformance tests of `migrate()` and `close()`, on instances of their own. */
export function defineLifecycleTests(makeStore: () => Promise<EphemeralStoreAdapter>): void {
  describe('lifecycle', () => {
    it('migrates idempotently, also when two instances migrate together', async () => {
      const [a, b] = await Promise.all([makeStore(), makeStore()]);
      try {
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        await a.migrate();
        const record = makeChallenge();
        await b.putChallenge(record);
        expect(await b.consumeChallenge(record.challenge, Date.now())).toEqual(record);
        expect(await a.hitRateLimit(uid('rl'), 1000, Date.now())).toMatchObject({ count: 1 });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('fails with StoreUnavailableError once closed', async () => {
      const store = await makeStore();
      await store.migrate();
      await store.close();
      await expect(store.putChallenge(makeChallenge())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.hitRateLimit(uid('rl'), 1000, Date.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    });
  });
}
