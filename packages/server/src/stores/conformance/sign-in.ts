import { describe, expect, it } from 'vitest';
import type { CredentialUse, LatchkeyStore } from '../contract.js';
import { recordSignIn, startAssertion } from '../sign-in-steps.js';
import {
  countTrue,
  expectConflict,
  makeAudit,
  makeChallenge,
  makeSession,
  seedUser,
  times,
  uid,
} from './fixtures.js';

/**
 * The conformance tests of a sign-in's two steps (`contract/sign-in.ts`). They
 * run through `stores/sign-in-steps.ts`, so a store without the optional
 * methods is held to the same answers by the steps composed for it.
 */
export function defineSignInTests(get: () => LatchkeyStore, concurrency: number): void {
  const use = (counter: number): CredentialUse => ({
    counter,
    backedUp: false,
    deviceType: 'singleDevice',
    transports: ['usb'],
    lastUsedAt: Date.now(),
  });

  describe('sign-in steps', () => {
    it('consumes the challenge once, with the passkey and its user', async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const record = makeChallenge({ userId: user.id });
      await store.putChallenge(record);
      const now = Date.now();
      expect(await startAssertion(store, record.challenge, credential.credentialId, now)).toEqual({
        challenge: record,
        credential,
        user,
      });
      const again = await startAssertion(store, record.challenge, credential.credentialId, now);
      expect(again.challenge).toBeNull();
      // An unknown passkey: the challenge is spent all the same.
      const other = makeChallenge();
      await store.putChallenge(other);
      expect(await startAssertion(store, other.challenge, uid('missing'), now)).toEqual({
        challenge: other,
        credential: null,
        user: null,
      });
      expect(await store.consumeChallenge(other.challenge, now)).toBeNull();
    });

    it('composes the same first step when the challenge lives elsewhere (getPasskeyAndUser)', async () => {
      // As `combineStores` does: no `startAssertion`, so the challenge is
      // consumed first, then the passkey and its user are read (in one call
      // when the store has `getPasskeyAndUser`).
      const store = get();
      const split = new Proxy(store, {
        get: (target, name) => (name === 'startAssertion' ? undefined : Reflect.get(target, name)),
      });
      const { user, credential } = await seedUser(store);
      const now = Date.now();
      const record = makeChallenge({ userId: user.id });
      await store.putChallenge(record);
      expect(await startAssertion(split, record.challenge, credential.credentialId, now)).toEqual({
        challenge: record,
        credential,
        user,
      });
      expect(
        (await startAssertion(split, record.challenge, credential.credentialId, now)).challenge,
      ).toBeNull();
      if (store.getPasskeyAndUser) {
        expect(await store.getPasskeyAndUser(credential.credentialId)).toEqual({
          credential,
          user,
        });
        expect(await store.getPasskeyAndUser(uid('missing'))).toEqual({
          credential: null,
          user: null,
        });
      }
    });

    it('never hands out an expired challenge, and spends it', async () => {
      const store = get();
      const { credential } = await seedUser(store);
      const now = Date.now();
      const record = makeChallenge({ expiresAt: now + 60_000 });
      await store.putChallenge(record);
      const found = await startAssertion(
        store,
        record.challenge,
        credential.credentialId,
        record.expiresAt,
      );
      expect(found.challenge).toBeNull();
      expect(await store.consumeChallenge(record.challenge, now)).toBeNull();
    });

    it('hands a challenge to exactly one of many racing assertions', async () => {
      const store = get();
      const { credential } = await seedUser(store);
      const record = makeChallenge();
      await store.putChallenge(record);
      const results = await times(concurrency, () =>
        startAssertion(store, record.challenge, credential.credentialId, Date.now()),
      );
      const winners = results.filter((r) => r.challenge !== null);
      expect(winners.map((r) => r.challenge)).toEqual([record]);
      expect(winners[0]?.credential).toEqual(credential);
    });

    it('stores the passkey use, the session and its event together', async () => {
      const store = get();
      const { user, credential } = await seedUser(store, { credential: { counter: 5 } });
      const session = makeSession(user.id, { credentialId: credential.credentialId });
      const event = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      const moved = use(6);
      expect(await recordSignIn(store, credential.credentialId, 5, moved, session, event)).toBe(
        true,
      );
      expect(await store.getCredential(credential.credentialId)).toEqual({
        ...credential,
        counter: 6,
        backedUp: false,
        deviceType: 'singleDevice',
        transports: ['usb'],
        lastUsedAt: moved.lastUsedAt,
      });
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event]);
      // Without an event, the session alone.
      const bare = makeSession(user.id);
      expect(await recordSignIn(store, credential.credentialId, 6, use(7), bare)).toBe(true);
      expect(await store.getSessionBySecretHash(bare.secretHash)).toEqual(bare);
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event]);
    });

    it('stores nothing when the counter moved, or the passkey is gone', async () => {
      const store = get();
      const { user, credential } = await seedUser(store, { credential: { counter: 5 } });
      const session = makeSession(user.id);
      const event = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      expect(await recordSignIn(store, credential.credentialId, 4, use(6), session, event)).toBe(
        false,
      );
      expect(await recordSignIn(store, uid('missing'), 5, use(6), session, event)).toBe(false);
      expect(await store.getCredential(credential.credentialId)).toEqual(credential);
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([]);
    });

    it('lets exactly one of many racing sign-ins store its session', async () => {
      const store = get();
      const { user, credential } = await seedUser(store, { credential: { counter: 10 } });
      const sessions = Array.from({ length: concurrency }, () => makeSession(user.id));
      const results = await times(concurrency, (i) =>
        recordSignIn(store, credential.credentialId, 10, use(11 + i), sessions[i]!),
      );
      expect(countTrue(results)).toBe(1);
      const winner = results.indexOf(true);
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(11 + winner);
      expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([sessions[winner]!.id]);
    });

    it('leaves the counter alone when the session cannot be stored (a store with recordSignIn)', async () => {
      const store = get();
      // Composed from two calls, the steps promise no more than those calls do.
      if (store.recordSignIn === undefined) return;
      const { user, credential } = await seedUser(store, { credential: { counter: 5 } });
      const taken = makeSession(user.id);
      await store.createSession(taken);
      const event = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      const clash = makeSession(user.id, { secretHash: taken.secretHash });
      await expectConflict(
        store.recordSignIn(credential.credentialId, 5, use(6), clash, event),
        'other',
      );
      const used = makeAudit({ userId: user.id });
      await store.appendAudit(used);
      await expectConflict(
        store.recordSignIn(credential.credentialId, 5, use(6), makeSession(user.id), used),
        'other',
      );
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(5);
      expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([taken.id]);
      expect((await store.listAudit({ userId: user.id, limit: 10 })).map((e) => e.id)).toEqual([
        used.id,
      ]);
    });
  });
}
