import { describe, expect, it } from 'vitest';
import { type LatchkeyStore, StoreConflictError } from '../contract.js';
import {
  expectConflict,
  makeAudit,
  makeCredential,
  makeSession,
  makeToken,
  makeUser,
  seedUser,
  uid,
} from './fixtures.js';

/** The conformance tests of users, with their passwords and fallback settings (`contract/users.ts`). */
export function defineUserTests(get: () => LatchkeyStore): void {
  describe('users', () => {
    it('creates a user with its first passkey and recovery codes, and reads them back', async () => {
      const store = get();
      const codes = [uid('code'), uid('code'), uid('code')];
      const { user, credential } = await seedUser(store, {}, codes);

      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.getUserByHandle(user.userHandle)).toEqual(user);
      expect(await store.getUserByEmail(user.email!)).toEqual(user);
      const credentials = await store.listCredentials(user.id);
      expect(credentials).toEqual([credential]);
      expect(credentials[0]!.publicKey).toBeInstanceOf(Uint8Array);
      expect([...credentials[0]!.publicKey]).toEqual([...credential.publicKey]);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
    });

    it('finds a user by email whatever its case', async () => {
      const store = get();
      const { user } = await seedUser(store);
      expect((await store.getUserByEmail(user.email!.toUpperCase()))?.id).toBe(user.id);
    });

    it('returns null for unknown users', async () => {
      const store = get();
      expect(await store.getUser(uid('nobody'))).toBeNull();
      expect(await store.getUserByEmail(`${uid('nobody')}@example.com`)).toBeNull();
      expect(await store.getUserByHandle(uid('handle'))).toBeNull();
    });

    it('hands out copies: mutating a returned or passed record changes nothing stored', async () => {
      const store = get();
      const user = makeUser();
      const credential = makeCredential(user.id);
      const originalKey = [...credential.publicKey];
      await store.createUser({ user, credential, recoveryCodeHashes: [] });
      user.displayName = 'changed after create';
      credential.publicKey[0] = (credential.publicKey[0]! + 1) % 256;
      credential.transports.push('usb');

      const read = (await store.getUser(user.id))!;
      expect(read.displayName).toBe('Ada Lovelace');
      read.displayName = 'changed after read';
      expect((await store.getUser(user.id))!.displayName).toBe('Ada Lovelace');

      const stored = (await store.getCredential(credential.credentialId))!;
      expect([...stored.publicKey]).toEqual(originalKey);
      expect(stored.transports).toEqual(['internal', 'hybrid']);
      stored.createdWith.browser = 'changed';
      expect((await store.getCredential(credential.credentialId))!.createdWith.browser).toBe(
        'Safari',
      );
    });

    it('allows many users without an email', async () => {
      const store = get();
      const { user: a } = await seedUser(store, { user: { email: null } });
      const { user: b } = await seedUser(store, { user: { email: null } });
      expect((await store.getUser(a.id))?.email).toBeNull();
      expect((await store.getUser(b.id))?.email).toBeNull();
    });

    it('refuses a taken email (any case) and leaves nothing of the second user behind', async () => {
      const store = get();
      const { user: first } = await seedUser(store);
      const second = makeUser({ email: first.email!.toUpperCase() });
      const credential = makeCredential(second.id);
      await expectConflict(
        store.createUser({ user: second, credential, recoveryCodeHashes: [uid('code')] }),
        'email',
      );
      expect(await store.getUser(second.id)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.countRecoveryCodes(second.id)).toBe(0);
    });

    it('refuses a taken user handle', async () => {
      const store = get();
      const { user: first } = await seedUser(store);
      const second = makeUser({ userHandle: first.userHandle });
      await expectConflict(
        store.createUser({
          user: second,
          credential: makeCredential(second.id),
          recoveryCodeHashes: [],
        }),
        'userHandle',
      );
      expect(await store.getUser(second.id)).toBeNull();
    });

    it('is all or nothing: a credential id taken by another user leaves no user behind', async () => {
      const store = get();
      const { credential: taken } = await seedUser(store);
      const user = makeUser();
      const code = uid('code');
      await expectConflict(
        store.createUser({
          user,
          credential: makeCredential(user.id, { credentialId: taken.credentialId }),
          recoveryCodeHashes: [code],
        }),
        'credentialId',
      );
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
      expect(await store.findRecoveryCodeOwner(code)).toBeNull();
      // The email and handle are still free.
      await store.createUser({ user, credential: makeCredential(user.id), recoveryCodeHashes: [] });
      expect((await store.getUserByEmail(user.email!))?.id).toBe(user.id);
    });

    it('opens the first session and makes a claim in the same write', async () => {
      const store = get();
      const user = makeUser();
      const credential = makeCredential(user.id);
      const session = makeSession(user.id, { credentialId: credential.credentialId });
      const claim = { name: uid('owner'), value: user.id };
      await store.createUser({
        user,
        credential,
        recoveryCodeHashes: [uid('code')],
        session,
        claim,
      });
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      expect(await store.getSecret(claim.name)).toBe(user.id);
      expect(await store.getOrCreateSecret(claim.name, 'someone-else')).toBe(user.id);
    });

    it('stores the sign-up’s audit events in the same write, and none when it is refused', async () => {
      const store = get();
      const user = makeUser();
      const created = makeAudit({ userId: user.id, type: 'user.created' });
      const registered = makeAudit({
        userId: user.id,
        type: 'passkey.registered',
        at: created.at + 1,
      });
      await store.createUser({
        user,
        credential: makeCredential(user.id),
        recoveryCodeHashes: [uid('code')],
        events: [created, registered],
      });
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([registered, created]);

      // A sign-up refused for its email writes none of its events either.
      const second = makeUser({ email: user.email!.toUpperCase() });
      const refused = makeAudit({ userId: second.id, type: 'user.created' });
      await expectConflict(
        store.createUser({ user: second, recoveryCodeHashes: [], events: [refused] }),
        'email',
      );
      expect(await store.listAudit({ userId: second.id, limit: 10 })).toEqual([]);
      // Nor does one whose event id is taken: no user is left behind.
      const third = makeUser();
      await expectConflict(
        store.createUser({ user: third, recoveryCodeHashes: [], events: [created] }),
        'other',
      );
      expect(await store.getUser(third.id)).toBeNull();
    });

    it('is all or nothing: a taken claim leaves no user, passkey or session behind', async () => {
      const store = get();
      const name = uid('owner');
      expect(await store.getOrCreateSecret(name, 'first-owner')).toBe('first-owner');
      const user = makeUser();
      const credential = makeCredential(user.id);
      const session = makeSession(user.id);
      const code = uid('code');
      await expectConflict(
        store.createUser({
          user,
          credential,
          recoveryCodeHashes: [code],
          session,
          claim: { name, value: user.id },
        }),
        'other',
      );
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.findRecoveryCodeOwner(code)).toBeNull();
      expect(await store.getSecret(name)).toBe('first-owner');
    });

    it('lets exactly one of several concurrent sign-ups make the same claim', async () => {
      const store = get();
      const name = uid('owner');
      const accounts = Array.from({ length: 5 }, () => {
        const user = makeUser();
        return { user, credential: makeCredential(user.id), recoveryCodeHashes: [] };
      });
      const results = await Promise.allSettled(
        accounts.map((account) =>
          store.createUser({ ...account, claim: { name, value: account.user.id } }),
        ),
      );
      const won = results.flatMap((r, i) =>
        r.status === 'fulfilled' ? [accounts[i]!.user.id] : [],
      );
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(StoreConflictError);
      }
      expect(await store.getSecret(name)).toBe(won[0]);
      const created = await Promise.all(accounts.map((a) => store.getUser(a.user.id)));
      expect(created.filter((u) => u !== null).map((u) => u?.id)).toEqual(won);
    });

    it('refuses a first session whose secret hash is taken, and writes nothing', async () => {
      const store = get();
      const { user: existing } = await seedUser(store);
      const taken = makeSession(existing.id);
      await store.createSession(taken);
      const user = makeUser();
      await expectConflict(
        store.createUser({
          user,
          credential: makeCredential(user.id),
          recoveryCodeHashes: [],
          session: makeSession(user.id, { secretHash: taken.secretHash }),
        }),
        'other',
      );
      expect(await store.getUser(user.id)).toBeNull();
    });

    it('gives a user without an email a free one, never a taken one', async () => {
      const store = get();
      const { user } = await seedUser(store, { user: { email: null } });
      const { user: other } = await seedUser(store);
      await expect(store.updateUser(user.id, { email: other.email })).rejects.toMatchObject({
        name: 'StoreConflictError',
        field: 'email',
      });
      expect(await store.getUser(user.id)).toEqual(user);
      const email = `${uid('new')}@example.com`;
      const updated = await store.updateUser(user.id, { email, emailVerified: true });
      expect(updated).toEqual({ ...user, email, emailVerified: true });
      expect(await store.getUserByEmail(email)).toEqual(updated);
      // Two users racing for one address: exactly one gets it.
      const a = await seedUser(store, { user: { email: null } });
      const b = await seedUser(store, { user: { email: null } });
      const contested = `${uid('race')}@example.com`;
      const results = await Promise.allSettled([
        store.updateUser(a.user.id, { email: contested }),
        store.updateUser(b.user.id, { email: contested }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.getUserByEmail(contested))?.id).toMatch(/^user-/);
    });

    it('marks an email verified, and keeps it so', async () => {
      const store = get();
      const { user } = await seedUser(store);
      expect(user.emailVerified).toBe(false);
      const updated = await store.updateUser(user.id, { emailVerified: true });
      expect(updated).toEqual({ ...user, emailVerified: true });
      expect(await store.getUser(user.id)).toEqual(updated);
      expect(await store.getUserByEmail(user.email!)).toEqual(updated);
    });

    it('stores a session opened by an email link (kind email)', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id, { kind: 'email', credentialId: null });
      await store.createSession(session);
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      await store.rotateSession(session.id, uid('hash'), { kind: 'full' });
      expect((await store.listSessions(user.id))[0]?.kind).toBe('full');
    });

    it('updates the display name and tier', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const updated = await store.updateUser(user.id, { displayName: 'Countess', tier: 'locked' });
      expect(updated).toEqual({ ...user, displayName: 'Countess', tier: 'locked' });
      expect(await store.getUser(user.id)).toEqual(updated);
      expect(await store.updateUser(user.id, { displayName: null })).toEqual({
        ...user,
        displayName: null,
        tier: 'locked',
      });
      expect(await store.updateUser(user.id, {})).toEqual({
        ...user,
        displayName: null,
        tier: 'locked',
      });
      expect(await store.updateUser(uid('nobody'), { displayName: 'x' })).toBeNull();
    });

    it('creates a user without a passkey, found by its external id (exactly, case and all)', async () => {
      const store = get();
      const user = makeUser({ externalId: uid('App-User') });
      await store.createUser({ user, recoveryCodeHashes: [] });
      expect(await store.getUserByExternalId(user.externalId!)).toEqual(user);
      expect(await store.getUserByExternalId(user.externalId!.toLowerCase())).toBeNull();
      expect(await store.getUserByExternalId(uid('missing'))).toBeNull();
      expect(await store.listCredentials(user.id)).toEqual([]);
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
    });

    it('refuses a taken external id and a taken id, and leaves nothing of the second user behind', async () => {
      const store = get();
      const externalId = uid('ext');
      const first = makeUser({ externalId });
      await store.createUser({ user: first, recoveryCodeHashes: [] });
      const second = makeUser({ externalId });
      await expectConflict(
        store.createUser({ user: second, recoveryCodeHashes: [] }),
        'externalId',
      );
      expect(await store.getUser(second.id)).toBeNull();
      expect(await store.getUserByEmail(second.email!)).toBeNull();
      const sameId = makeUser({ id: first.id });
      await expectConflict(store.createUser({ user: sameId, recoveryCodeHashes: [] }), 'other');
      expect(await store.getUser(first.id)).toEqual(first);
    });

    it('updates the email and external id, refusing values another user holds', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store, { user: { externalId: uid('ext') } });
      const externalId = uid('ext');
      const email = `${uid('new')}@example.com`;
      const updated = await store.updateUser(user.id, { email, externalId });
      expect(updated).toEqual({ ...user, email, externalId });
      expect((await store.getUserByEmail(email))?.id).toBe(user.id);
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect((await store.getUserByExternalId(externalId))?.id).toBe(user.id);

      await expectConflict(
        store.updateUser(user.id, { email: other.email!.toUpperCase() }),
        'email',
      );
      await expectConflict(
        store.updateUser(user.id, { externalId: other.externalId!, displayName: 'x' }),
        'externalId',
      );
      expect(await store.getUser(user.id)).toEqual(updated);
      // Setting a user's own values again is no conflict; null frees them for others.
      expect(await store.updateUser(user.id, { email, externalId })).toEqual(updated);
      await store.updateUser(user.id, { email: null, externalId: null });
      expect(await store.getUserByExternalId(externalId)).toBeNull();
      await store.updateUser(other.id, { externalId });
      expect((await store.getUserByExternalId(externalId))?.id).toBe(other.id);
    });

    it('deletes a user with every passkey, session, token and recovery code, keeping the audit trail', async () => {
      const store = get();
      const codes = [uid('code'), uid('code')];
      const { user, credential } = await seedUser(
        store,
        { user: { externalId: uid('ext') } },
        codes,
      );
      const { user: other, credential: otherCredential } = await seedUser(store);
      const session = makeSession(user.id);
      const otherSession = makeSession(other.id);
      await store.createSession(session);
      await store.createSession(otherSession);
      const token = makeToken(user.id);
      await store.createToken(token);
      const before = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      await store.appendAudit(before);
      const event = makeAudit({ userId: user.id, type: 'account.deleted', at: before.at + 1 });

      expect(await store.deleteUser(user.id, event)).toBe(true);
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect(await store.getUserByExternalId(user.externalId!)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.listCredentials(user.id)).toEqual([]);
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.getTokenByHash(token.tokenHash)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event, before]);
      // Nobody else's account is touched.
      expect((await store.getSessionBySecretHash(otherSession.secretHash))?.id).toBe(
        otherSession.id,
      );
      expect((await store.getCredential(otherCredential.credentialId))?.userId).toBe(other.id);
      // The email and external id are free again.
      await store.createUser({
        user: makeUser({ email: user.email, externalId: user.externalId }),
        recoveryCodeHashes: [],
      });
      expect(await store.deleteUser(user.id, makeAudit({ userId: user.id }))).toBe(false);
      expect(await store.deleteUser(uid('nobody'))).toBe(false);
    });
  });

  describe('passwords and account fallbacks', () => {
    it('sets, changes and removes a password, each with its audit event', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      expect(await store.getPassword(user.id)).toBeNull();
      const set = makeAudit({ userId: user.id, type: 'password.changed' });
      expect(await store.setPassword(user.id, '$argon2id$v=19$m=19456,t=2,p=1$a$b', 100, set)).toBe(
        true,
      );
      expect(await store.getPassword(user.id)).toEqual({
        userId: user.id,
        hash: '$argon2id$v=19$m=19456,t=2,p=1$a$b',
        updatedAt: 100,
      });
      expect(await store.setPassword(user.id, '$argon2id$second', 200)).toBe(true);
      expect((await store.getPassword(user.id))?.hash).toBe('$argon2id$second');
      expect(await store.getPassword(other.id)).toBeNull();
      const removed = makeAudit({ userId: user.id, type: 'password.changed', at: set.at + 1 });
      expect(await store.setPassword(user.id, null, 300, removed)).toBe(true);
      expect(await store.getPassword(user.id)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([removed, set]);
    });

    it('writes neither the password nor its event when either fails', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const taken = makeAudit({ userId: user.id });
      await store.appendAudit(taken);
      await expect(
        store.setPassword(user.id, '$argon2id$x', 1, makeAudit({ id: taken.id })),
      ).rejects.toThrow();
      expect(await store.getPassword(user.id)).toBeNull();
      const nobody = uid('nobody');
      const event = makeAudit({ userId: nobody });
      expect(await store.setPassword(nobody, '$argon2id$x', 1, event)).toBe(false);
      expect(await store.getPassword(nobody)).toBeNull();
      expect(await store.listAudit({ userId: nobody, limit: 10 })).toEqual([]);
    });

    it('stores the fallback settings of an account whole, with their event', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      expect(await store.getAccountFallbacks(user.id)).toBeNull();
      const event = makeAudit({ userId: user.id, type: 'fallbacks.changed' });
      const settings = { recoveryCodes: false, magicLink: true, password: false };
      expect(await store.setAccountFallbacks(user.id, settings, event)).toBe(true);
      expect(await store.getAccountFallbacks(user.id)).toEqual(settings);
      expect(await store.getAccountFallbacks(other.id)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event]);
      await expect(
        store.setAccountFallbacks(
          user.id,
          { recoveryCodes: true, magicLink: true, password: true },
          makeAudit({ id: event.id }),
        ),
      ).rejects.toThrow();
      expect(await store.getAccountFallbacks(user.id)).toEqual(settings);
      expect(await store.setAccountFallbacks(uid('nobody'), settings)).toBe(false);
      expect(await store.getAccountFallbacks(uid('nobody'))).toBeNull();
    });

    it('deletes the password and the settings with the user', async () => {
      const store = get();
      const { user } = await seedUser(store);
      await store.setPassword(user.id, '$argon2id$x', 1);
      await store.setAccountFallbacks(user.id, {
        recoveryCodes: false,
        magicLink: false,
        password: true,
      });
      expect(await store.deleteUser(user.id)).toBe(true);
      expect(await store.getPassword(user.id)).toBeNull();
      expect(await store.getAccountFallbacks(user.id)).toBeNull();
    });

    it('stores a session opened by a password (kind password)', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id, { kind: 'password' });
      await store.createSession(session);
      expect((await store.getSessionBySecretHash(session.secretHash))?.kind).toBe('password');
    });
  });
}
