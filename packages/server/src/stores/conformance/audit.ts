import { describe, expect, it } from 'vitest';
import type { LatchkeyStore } from '../contract.js';
import { makeAudit, uid } from './fixtures.js';

/** The conformance tests of the audit trail (`contract/audit.ts`). */
export function defineAuditTests(get: () => LatchkeyStore): void {
  describe('audit', () => {
    it('lists events newest first, latest appended first among equal times', async () => {
      const store = get();
      const userId = uid('user');
      const base = Date.now();
      const events = [
        makeAudit({ userId, at: base, type: 'a' }),
        makeAudit({ userId, at: base + 20, type: 'b', actor: 'admin', ip: null, userAgent: null }),
        makeAudit({ userId, at: base + 10, type: 'c', data: {} }),
        makeAudit({ userId, at: base + 20, type: 'd' }),
        makeAudit({ userId: uid('someone-else'), at: base + 30, type: 'e' }),
      ];
      for (const event of events) await store.appendAudit(event);

      expect(await store.listAudit({ userId, limit: 10 })).toEqual([
        events[3],
        events[1],
        events[2],
        events[0],
      ]);
      expect((await store.listAudit({ userId, limit: 2 })).map((e) => e.type)).toEqual(['d', 'b']);
      expect(
        (await store.listAudit({ userId, limit: 10, before: base + 20 })).map((e) => e.type),
      ).toEqual(['c', 'a']);
      const newest = await store.listAudit({ limit: 1, before: base + 31 });
      expect(newest).toEqual([events[4]]);
    });

    it('prunes events older than a time, oldest first, at most a batch at a time', async () => {
      const store = get();
      const userId = uid('user');
      // Times in 1970: no other test writes events this old.
      const old = [103, 100, 102, 101, 104].map((at) => makeAudit({ userId, at, type: `t${at}` }));
      const kept = makeAudit({ userId, at: Date.now(), type: 'recent' });
      for (const event of [...old, kept]) await store.appendAudit(event);

      expect(await store.pruneAudit(103, 0)).toBe(0);
      expect(await store.pruneAudit(103, 2)).toBe(2);
      const types = async () => (await store.listAudit({ userId, limit: 10 })).map((e) => e.type);
      expect(await types()).toEqual(['recent', 't104', 't103', 't102']);
      expect(await store.pruneAudit(103, 10)).toBe(1);
      expect(await store.pruneAudit(103, 10)).toBe(0);
      expect(await types()).toEqual(['recent', 't104', 't103']);
      // A pruned event's id is free again; the others are still taken.
      await store.appendAudit(makeAudit({ id: old[1]!.id, userId, at: 50, type: 'again' }));
      await expect(store.appendAudit(makeAudit({ id: kept.id }))).rejects.toThrow();
    });
  });
}
