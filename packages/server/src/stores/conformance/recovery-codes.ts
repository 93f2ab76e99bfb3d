import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../contract.js';
import { countTrue, seedUser, times, uid } from './fixtures.js';

/** The conformance tests of recovery codes (`contract/recovery-codes.ts`). */
export function defineRecoveryCodeTests(get: () => LatchkeyStore, concurrency: number): void {
  describe('recovery codes', () => {
    it('replaces the whole set', async () => {
      const store = get();
      const old = [uid('code'), uid('code')];
      const { user } = await seedUser(store, {}, old);
      const fresh = [uid('code'), uid('code'), uid('code')];
      await store.replaceRecoveryCodes(user.id, fresh);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
      expect(await store.findRecoveryCodeOwner(old[0]!)).toBeNull();
      expect(await store.consumeRecoveryCode(user.id, old[1]!, Date.now())).toBe(false);
      expect(await store.findRecoveryCodeOwner(fresh[2]!)).toBe(user.id);
      await store.replaceRecoveryCodes(user.id, []);
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
    });

    it('uses a code once, and only for its owner', async () => {
      const store = get();
      const codes = [uid('code'), uid('code')];
      const { user } = await seedUser(store, {}, codes);
      const { user: other } = await seedUser(store);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBe(user.id);
      expect(await store.consumeRecoveryCode(other.id, codes[0]!, Date.now())).toBe(false);
      expect(await store.consumeRecoveryCode(user.id, codes[0]!, Date.now())).toBe(true);
      expect(await store.consumeRecoveryCode(user.id, codes[0]!, Date.now())).toBe(false);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(1);
      expect(await store.consumeRecoveryCode(user.id, uid('unknown'), Date.now())).toBe(false);
      expect(await store.countRecoveryCodes(uid('nobody'))).toBe(0);
    });

    it('lets exactly one of many concurrent callers use a code', async () => {
      const store = get();
      const code = uid('code');
      const { user } = await seedUser(store, {}, [code, uid('code')]);
      const results = await times(concurrency, () =>
        store.consumeRecoveryCode(user.id, code, Date.now()),
      );
      expect(countTrue(results)).toBe(1);
      expect(await store.countRecoveryCodes(user.id)).toBe(1);
    });
  });
}
