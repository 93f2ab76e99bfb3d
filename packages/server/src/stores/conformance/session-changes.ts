import { describe, expect, it } from 'vitest';
import type { LatchkeyStore, SessionWatch } from '../contract.js';
import { base64url, makeSession, randomBytes, seedUser } from './fixtures.js';

/** How long a report may take to arrive (a NOTIFY crosses the network). */
const REPORT_WAIT_MS = 5_000;

/**
 * The conformance tests of `watchSessions` (`contract/sessions.ts`), for a store
 * that has it: each write that changes a session or a user is reported with
 * the user's id, to every watch, and a closed watch reports nothing more.
 */
export function defineSessionChangeTests(get: () => LatchkeyStore): void {
  describe('session changes (watchSessions)', () => {
    /** A watch that records what it hears, and waits for a user's report. */
    async function listen(store: LatchkeyStore) {
      const heard: string[] = [];
      const waiting = new Map<string, () => void>();
      const watch: SessionWatch = await store.watchSessions!((userId) => {
        heard.push(userId);
        waiting.get(userId)?.();
      });
      const reported = (userId: string) =>
        new Promise<void>((resolve, reject) => {
          if (heard.includes(userId)) return resolve();
          const timer = setTimeout(
            () => reject(new Error(`no report of ${userId} within ${REPORT_WAIT_MS} ms`)),
            REPORT_WAIT_MS,
          );
          waiting.set(userId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
      return { watch, heard, reported };
    }

    /** A user with one session, each write below made on a fresh one so its report is its own. */
    async function seeded(store: LatchkeyStore) {
      const { user, credential } = await seedUser(store);
      const session = makeSession(user.id, { credentialId: credential.credentialId });
      await store.createSession(session);
      return { user, session, credential };
    }

    const writes: [string, (store: LatchkeyStore) => Promise<string>][] = [
      [
        'updateSession',
        async (store) => {
          const { user, session } = await seeded(store);
          await store.updateSession(session.id, { popProvenAt: Date.now() });
          return user.id;
        },
      ],
      [
        'rotateSession',
        async (store) => {
          const { user, session } = await seeded(store);
          await store.rotateSession(session.id, base64url(randomBytes(32)), { kind: 'full' });
          return user.id;
        },
      ],
      [
        'deleteSession',
        async (store) => {
          const { user, session } = await seeded(store);
          await store.deleteSession(session.id);
          return user.id;
        },
      ],
      [
        'deleteSessionsOfUser (by passkey)',
        async (store) => {
          const { user, credential } = await seeded(store);
          await store.deleteSessionsOfUser(user.id, { credentialId: credential.credentialId });
          return user.id;
        },
      ],
      [
        'updateUser',
        async (store) => {
          const { user } = await seeded(store);
          await store.updateUser(user.id, { tier: 'locked' });
          return user.id;
        },
      ],
      [
        'deleteUser',
        async (store) => {
          const { user } = await seeded(store);
          await store.deleteUser(user.id);
          return user.id;
        },
      ],
    ];

    for (const [name, write] of writes) {
      it(`reports the user of a session or user changed by ${name}`, async (test) => {
        const store = get();
        // Optional in the contract: a store without it has every check read, nothing to hold it to.
        if (store.watchSessions === undefined) return test.skip();
        const { watch, reported } = await listen(store);
        try {
          expect(watch.live).toBe(true);
          const userId = await write(store);
          await reported(userId);
        } finally {
          await watch.close();
        }
      });
    }

    it('reports to every watch, and nothing more to a closed one', async (test) => {
      const store = get();
      // Optional in the contract: a store without it has every check read, nothing to hold it to.
      if (store.watchSessions === undefined) return test.skip();
      const first = await listen(store);
      const second = await listen(store);
      try {
        const { user, session } = await seeded(store);
        await store.updateSession(session.id, { lastSeenAt: Date.now() });
        await Promise.all([first.reported(user.id), second.reported(user.id)]);

        await first.watch.close();
        expect(first.watch.live).toBe(false);
        const heardBefore = first.heard.length;
        second.heard.length = 0;
        await store.deleteSession(session.id);
        // The open watch hears the deletion; by then the closed one would have too.
        await second.reported(user.id);
        expect(first.heard.length).toBe(heardBefore);
      } finally {
        await Promise.all([first.watch.close(), second.watch.close()]);
      }
    });
  });
}
