import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../contract.js';
import {
  base64url,
  countTrue,
  expectConflict,
  makeCredential,
  randomBytes,
  seedUser,
  times,
  uid,
} from './fixtures.js';

/** The conformance tests of passkeys (`contract/credentials.ts`). */
export function defineCredentialTests(get: () => LatchkeyStore, concurrency: number): void {
  describe('credentials', () => {
    it('counts active passkeys by transports and id length', async () => {
      const store = get();
      // A transport no other test uses makes these shapes this test's own.
      const mark = uid('t').slice(0, 24);
      const shapeOf = async (transports: string[], idLength: number) =>
        (await store.credentialShapes()).find(
          (s) =>
            JSON.stringify(s.transports) === JSON.stringify(transports) && s.idLength === idLength,
        );
      const { user } = await seedUser(store, {
        credential: { transports: [mark, 'internal'], credentialId: base64url(randomBytes(16)) },
      });
      await store.addCredential(
        makeCredential(user.id, {
          transports: [mark, 'internal'],
          credentialId: base64url(randomBytes(16)),
        }),
      );
      await store.addCredential(
        makeCredential(user.id, { transports: [mark], credentialId: base64url(randomBytes(64)) }),
      );
      await store.addCredential(
        makeCredential(user.id, {
          transports: [mark],
          credentialId: base64url(randomBytes(64)),
          status: 'pending',
        }),
      );
      expect(await shapeOf([mark, 'internal'], 22)).toEqual({
        transports: [mark, 'internal'],
        idLength: 22,
        count: 2,
      });
      // Pending passkeys cannot sign in: they are not part of the mix.
      expect(await shapeOf([mark], 86)).toEqual({ transports: [mark], idLength: 86, count: 1 });
    });

    it('adds passkeys and lists them oldest first', async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const later = makeCredential(user.id, {
        createdAt: credential.createdAt + 1000,
        providerIcon: null,
        wrappedKey: null,
        transports: [],
        deviceType: 'singleDevice',
        backedUp: false,
        prf: false,
        status: 'pending',
        lastUsedAt: credential.createdAt + 2000,
      });
      await store.addCredential(later);
      expect(await store.getCredential(later.credentialId)).toEqual(later);
      expect(await store.listCredentials(user.id)).toEqual([credential, later]);
      expect(await store.listCredentials(uid('nobody'))).toEqual([]);
      expect(await store.getCredential(uid('missing'))).toBeNull();
    });

    it('refuses a credential id that another user holds', async () => {
      const store = get();
      const { credential: taken } = await seedUser(store);
      const { user } = await seedUser(store);
      await expectConflict(
        store.addCredential(makeCredential(user.id, { credentialId: taken.credentialId })),
        'credentialId',
      );
      expect(await store.getCredential(taken.credentialId)).toEqual(taken);
      expect(await store.listCredentials(user.id)).toHaveLength(1);
    });

    it('records a sign-in only while the counter is the expected one', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { counter: 5 } });
      const use = {
        counter: 6,
        backedUp: false,
        deviceType: 'singleDevice' as const,
        lastUsedAt: Date.now(),
      };
      expect(await store.recordCredentialUse(credential.credentialId, 5, use)).toBe(true);
      expect(await store.getCredential(credential.credentialId)).toEqual({
        ...credential,
        counter: 6,
        backedUp: false,
        deviceType: 'singleDevice',
        lastUsedAt: use.lastUsedAt,
      });
      // Stale expectation: someone else moved the counter already.
      expect(
        await store.recordCredentialUse(credential.credentialId, 5, { ...use, counter: 7 }),
      ).toBe(false);
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(6);
      expect(
        await store.recordCredentialUse(credential.credentialId, 6, {
          ...use,
          counter: 4_294_967_295,
          transports: ['usb'],
        }),
      ).toBe(true);
      const stored = await store.getCredential(credential.credentialId);
      expect(stored?.counter).toBe(4_294_967_295);
      expect(stored?.transports).toEqual(['usb']);
      expect(await store.recordCredentialUse(uid('missing'), 0, use)).toBe(false);
    });

    it('lets exactly one of many racing sign-ins move the counter', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { counter: 10 } });
      const results = await times(concurrency, (i) =>
        store.recordCredentialUse(credential.credentialId, 10, {
          counter: 11 + i,
          backedUp: true,
          deviceType: 'multiDevice',
          lastUsedAt: Date.now(),
        }),
      );
      expect(countTrue(results)).toBe(1);
      const winner = results.indexOf(true);
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(11 + winner);
    });

    it('renames, approves and rewraps a passkey', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { status: 'pending' } });
      expect(
        await store.updateCredential(credential.credentialId, {
          name: 'Work laptop',
          status: 'active',
          wrappedKey: null,
        }),
      ).toEqual({ ...credential, name: 'Work laptop', status: 'active', wrappedKey: null });
      expect(
        (await store.updateCredential(credential.credentialId, { wrappedKey: 'bmV3' }))?.wrappedKey,
      ).toBe('bmV3');
      expect((await store.getCredential(credential.credentialId))?.name).toBe('Work laptop');
      expect(await store.updateCredential(uid('missing'), { name: 'x' })).toBeNull();
    });

    it("deletes a passkey but never the user's last active one unless allowed", async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const pending = makeCredential(user.id, { status: 'pending' });
      await store.addCredential(pending);

      // A pending passkey does not count as a way in.
      expect(await store.deleteCredential(user.id, credential.credentialId)).toBe('last');
      expect(await store.getCredential(credential.credentialId)).not.toBeNull();
      expect(await store.deleteCredential(user.id, pending.credentialId)).toBe('deleted');
      expect(await store.getCredential(pending.credentialId)).toBeNull();
      expect(await store.deleteCredential(user.id, pending.credentialId)).toBe('not-found');

      const { user: other } = await seedUser(store);
      await store.addCredential(makeCredential(other.id));
      // Someone else's passkey is not found for this user.
      expect(await store.deleteCredential(other.id, credential.credentialId)).toBe('not-found');
      expect(await store.getCredential(credential.credentialId)).not.toBeNull();

      expect(
        await store.deleteCredential(user.id, credential.credentialId, { allowLast: true }),
      ).toBe('deleted');
      expect(await store.listCredentials(user.id)).toEqual([]);
      // The credential id is free again once deleted.
      await store.addCredential(makeCredential(user.id, { credentialId: credential.credentialId }));
      expect((await store.getCredential(credential.credentialId))?.userId).toBe(user.id);
    });

    it('never lets two concurrent deletes remove the last two passkeys', async () => {
      const store = get();
      const users = await times(5, async () => {
        const { user, credential } = await seedUser(store);
        const second = makeCredential(user.id);
        await store.addCredential(second);
        return { user, ids: [credential.credentialId, second.credentialId] as const };
      });
      await Promise.all(
        users.map(async ({ user, ids }) => {
          const results = await Promise.all(ids.map((id) => store.deleteCredential(user.id, id)));
          expect(results.sort()).toEqual(['deleted', 'last']);
          expect(await store.listCredentials(user.id)).toHaveLength(1);
        }),
      );
    });

    it('knows whether an RP ID has an active passkey (pending ones and other RP IDs do not count)', async () => {
      const store = get();
      const rpId = `${uid('rp')}.example`;
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
      const { user: b } = await seedUser(store, { credential: { rpId, status: 'pending' } });
      await seedUser(store, { credential: { rpId: `other.${rpId}` } });
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
      await store.addCredential(makeCredential(b.id, { rpId }));
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(true);
      await store.deleteCredential(
        b.id,
        (await store.listCredentials(b.id)).find((c) => c.status === 'active')!.credentialId,
        { allowLast: true },
      );
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
    });
  });
}
