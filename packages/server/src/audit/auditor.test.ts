import { describe, expect, it } from 'vitest';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { AUDIT_PRUNE_BATCH, AUDIT_PRUNE_INTERVAL_MS, Auditor } from './auditor.js';

const DAY = 24 * 60 * 60 * 1000;

function setUp(audit: LatchkeyConfig['audit'] = true) {
  let now = Date.UTC(2026, 11, 5);
  const store = memoryStore();
  const logged: unknown[] = [];
  const config = resolveConfig({
    rpName: 'Acme',
    origins: ['https://acme.example'],
    store,
    audit,
    now: () => now,
    logger: (_message, error) => logged.push(error),
  });
  const auditor = new Auditor(config, store);
  const seed = async (count: number, at: number) => {
    for (let i = 0; i < count; i++) {
      await store.appendAudit({
        id: `${at}-${i}`,
        type: 'passkey.added',
        userId: 'u',
        at,
        ip: null,
        userAgent: null,
        actor: null,
        data: {},
      });
    }
  };
  const count = async () => (await store.listAudit({ limit: 100_000 })).length;
  const write = async () => {
    await auditor.record(null, 'passkey.added', 'u');
    await auditor.idle();
  };
  return {
    store,
    auditor,
    seed,
    count,
    write,
    logged,
    tick: (ms: number) => (now += ms),
    now: () => now,
  };
}

describe('audit retention', () => {
  it('deletes events older than 90 days after writes, one bounded batch at a time', async () => {
    const { seed, count, write, tick, now, logged } = setUp();
    await seed(AUDIT_PRUNE_BATCH * 2 + 7, now() - 91 * DAY);
    await seed(3, now() - 89 * DAY);
    const before = await count();
    await write();
    // One write, one batch: the rest waits for the next writes.
    expect(await count()).toBe(before + 1 - AUDIT_PRUNE_BATCH);
    await write();
    await write();
    expect(await count()).toBe(3 + 3);
    // Nothing was left to delete: the next pass waits a minute.
    await seed(1, now() - 91 * DAY);
    tick(30_000);
    await write();
    expect(await count()).toBe(8);
    tick(AUDIT_PRUNE_INTERVAL_MS);
    await write();
    expect(await count()).toBe(8);
    // A day on, the events seeded 89 days ago are past 90 days.
    tick(DAY);
    await write();
    expect(await count()).toBe(6);
    expect(logged).toEqual([]);
  });

  it('keeps `retention` seconds, and everything with `retention: false`', async () => {
    const short = setUp({ retention: 60 });
    await short.seed(2, short.now() - 61_000);
    await short.seed(2, short.now() - 59_000);
    await short.write();
    expect(await short.count()).toBe(3);

    const forever = setUp({ retention: false });
    await forever.seed(2, forever.now() - 1000 * DAY);
    await forever.write();
    expect(await forever.count()).toBe(3);
    expect(() => setUp({ retention: 0 })).toThrow(/audit\.retention/);
  });

  it('never makes the write wait for the pruning', async () => {
    const { store, seed, now } = setUp();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowStore = {
      ...store,
      pruneAudit: async (before: number, limit: number) => {
        await gate;
        return store.pruneAudit(before, limit);
      },
    };
    const config = resolveConfig({
      rpName: 'Acme',
      origins: ['https://acme.example'],
      store: slowStore,
      now,
    });
    const auditor = new Auditor(config, slowStore);
    await seed(5, now() - 91 * DAY);
    // The write returns while the pruning pass is still held back.
    await auditor.record(null, 'passkey.added', 'u');
    expect((await store.listAudit({ limit: 100 })).length).toBe(6);
    release();
    await auditor.idle();
    expect((await store.listAudit({ limit: 100 })).length).toBe(1);
  });
});
