import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../contract.js';
import { expectConflict, makeToken, seedUser, uid } from './fixtures.js';

/** The conformance tests of tokens (`contract/tokens.ts`). */
export function defineTokenTests(get: () => LatchkeyStore): void {
  describe('tokens', () => {
    it('creates, finds, lists, touches and deletes tokens', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      const token = makeToken(user.id);
      const forever = makeToken(user.id, {
        createdAt: token.createdAt + 1,
        expiresAt: null,
        scopes: [],
        agent: false,
      });
      await store.createToken(token);
      await store.createToken(forever);
      expect(await store.getTokenByHash(token.tokenHash)).toEqual(token);
      expect(await store.listTokens(user.id)).toEqual([token, forever]);
      expect(await store.getTokenByHash(uid('missing'))).toBeNull();

      const at = Date.now() + 5;
      await store.touchToken(token.id, at);
      expect((await store.getTokenByHash(token.tokenHash))?.lastUsedAt).toBe(at);

      expect(await store.deleteToken(other.id, token.id)).toBe(false);
      expect(await store.deleteToken(user.id, token.id)).toBe(true);
      expect(await store.deleteToken(user.id, token.id)).toBe(false);
      expect(await store.getTokenByHash(token.tokenHash)).toBeNull();
      expect(await store.listTokens(user.id)).toEqual([forever]);
    });

    it('refuses a duplicate token hash', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const token = makeToken(user.id);
      await store.createToken(token);
      await expectConflict(
        store.createToken(makeToken(user.id, { tokenHash: token.tokenHash })),
        'other',
      );
    });
  });
}
