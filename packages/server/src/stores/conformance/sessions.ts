import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../contract.js';
import {
  base64url,
  expectConflict,
  makeAudit,
  makeSession,
  randomBytes,
  seedUser,
  uid,
} from './fixtures.js';

/** The conformance tests of sessions (`contract/sessions.ts`). */
export function defineSessionTests(get: () => LatchkeyStore): void {
  describe('sessions', () => {
    it('creates a session and finds it by its secret hash', async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const session = makeSession(user.id, { credentialId: credential.credentialId });
      const bare = makeSession(user.id, {
        createdAt: session.createdAt + 1,
        ip: null,
        userAgent: null,
      });
      await store.createSession(session);
      await store.createSession(bare);
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      expect(await store.listSessions(user.id)).toEqual([session, bare]);
      expect(await store.getSessionBySecretHash(uid('missing'))).toBeNull();
    });

    it('finds a session and its user in one read, as they are now', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id);
      await store.createSession(session);
      expect(await store.getSessionAndUser(session.secretHash)).toEqual({ session, user });
      await store.updateUser(user.id, { displayName: 'Renamed' });
      await store.updateSession(session.id, { lastSeenAt: session.lastSeenAt + 5 });
      const found = await store.getSessionAndUser(session.secretHash);
      expect(found?.user.displayName).toBe('Renamed');
      expect(found?.session.lastSeenAt).toBe(session.lastSeenAt + 5);
      // What it hands out is a copy: changing it changes nothing stored.
      found!.user.displayName = 'Changed';
      expect((await store.getSessionAndUser(session.secretHash))?.user.displayName).toBe('Renamed');
      expect(await store.getSessionAndUser(uid('missing'))).toBeNull();
      await store.deleteSession(session.id);
      expect(await store.getSessionAndUser(session.secretHash)).toBeNull();
    });

    it('stores a session and its audit event together, or neither', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id);
      const event = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      await store.createSession(session, event);
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event]);

      // A taken event id refuses the session too: nothing of the pair is written.
      const second = makeSession(user.id);
      await expectConflict(store.createSession(second, event), 'other');
      expect(await store.getSessionBySecretHash(second.secretHash)).toBeNull();
      expect(await store.listSessions(user.id)).toEqual([session]);
    });

    it('refuses a duplicate secret hash', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id);
      await store.createSession(session);
      await expectConflict(
        store.createSession(makeSession(user.id, { secretHash: session.secretHash })),
        'other',
      );
    });

    it('updates only the patched fields', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id);
      await store.createSession(session);
      const patch = {
        lastSeenAt: session.lastSeenAt + 5,
        elevatedUntil: session.createdAt + 300_000,
        kind: 'enrol' as const,
        popKey: '{"kty":"EC","crv":"P-256","x":"x","y":"y"}',
        popProvenAt: session.createdAt + 7,
      };
      await store.updateSession(session.id, patch);
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual({
        ...session,
        ...patch,
      });
      await store.updateSession(session.id, {
        expiresAt: session.expiresAt + 1,
        elevatedUntil: null,
      });
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual({
        ...session,
        ...patch,
        expiresAt: session.expiresAt + 1,
        elevatedUntil: null,
      });
      await store.updateSession(uid('missing'), { lastSeenAt: 1 });
    });

    it('rotates the secret: the old hash stops working at once', async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const session = makeSession(user.id, { kind: 'recovery', credentialId: null });
      await store.createSession(session);
      const newHash = base64url(randomBytes(32));
      await store.rotateSession(session.id, newHash, {
        kind: 'full',
        expiresAt: session.expiresAt + 9,
        credentialId: credential.credentialId,
      });
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.getSessionBySecretHash(newHash)).toEqual({
        ...session,
        secretHash: newHash,
        kind: 'full',
        expiresAt: session.expiresAt + 9,
        credentialId: credential.credentialId,
      });
      const newerHash = base64url(randomBytes(32));
      await store.rotateSession(session.id, newerHash);
      expect((await store.getSessionBySecretHash(newerHash))?.kind).toBe('full');
      expect(await store.getSessionBySecretHash(newHash)).toBeNull();
    });

    it('deletes one session', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const keep = makeSession(user.id);
      const drop = makeSession(user.id);
      await store.createSession(keep);
      await store.createSession(drop);
      await store.deleteSession(drop.id);
      expect(await store.getSessionBySecretHash(drop.secretHash)).toBeNull();
      expect(await store.listSessions(user.id)).toEqual([keep]);
      await store.deleteSession(drop.id);
    });

    it("deletes a user's sessions, by passkey and except the current one", async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const { user: other } = await seedUser(store);
      const byPasskey = [
        makeSession(user.id, { credentialId: credential.credentialId }),
        makeSession(user.id, { credentialId: credential.credentialId }),
      ];
      const current = makeSession(user.id, { credentialId: credential.credentialId });
      const elsewhere = makeSession(user.id, { credentialId: 'another-passkey' });
      const noPasskey = makeSession(user.id);
      const othersSession = makeSession(other.id, { credentialId: credential.credentialId });
      for (const s of [...byPasskey, current, elsewhere, noPasskey, othersSession]) {
        await store.createSession(s);
      }

      expect(
        await store.deleteSessionsOfUser(user.id, {
          credentialId: credential.credentialId,
          exceptId: current.id,
        }),
      ).toBe(2);
      expect((await store.listSessions(user.id)).map((s) => s.id).sort()).toEqual(
        [current.id, elsewhere.id, noPasskey.id].sort(),
      );
      expect(await store.deleteSessionsOfUser(user.id, { exceptId: current.id })).toBe(2);
      expect((await store.listSessions(user.id)).map((s) => s.id)).toEqual([current.id]);
      expect(await store.deleteSessionsOfUser(user.id)).toBe(1);
      expect(await store.listSessions(user.id)).toEqual([]);
      expect(await store.listSessions(other.id)).toEqual([othersSession]);
    });
  });
}
