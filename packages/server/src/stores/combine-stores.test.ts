import { describe, expect, it } from 'vitest';
import { combineStores } from './combine-stores.js';
import { describeStoreConformance } from './conformance.js';
import {
  EPHEMERAL_METHODS,
  type LatchkeyStore,
  SPANNING_METHODS,
  StoreUnavailableError,
} from './contract.js';
import { memoryStore } from './memory/memory-store.js';

describeStoreConformance('combineStores(memoryStore, memoryStore)', async () =>
  combineStores(memoryStore(), memoryStore()),
);

describe('combineStores', () => {
  it('sends the short-lived half to the ephemeral store and the rest to the durable one', async () => {
    const durable = memoryStore();
    const ephemeral = memoryStore();
    const store = combineStores(durable, ephemeral);
    const now = Date.now();

    await store.putChallenge({
      challenge: 'c-1',
      kind: 'authentication',
      binding: 'pre:p-1',
      userId: null,
      rpId: 'example.com',
      expiresAt: now + 60_000,
      data: {},
    });
    expect(await durable.consumeChallenge('c-1', now)).toBeNull();
    expect((await ephemeral.consumeChallenge('c-1', now))?.binding).toBe('pre:p-1');

    expect(await store.markOnce('jti-1', now + 60_000)).toBe(true);
    expect(await ephemeral.markOnce('jti-1', now + 60_000)).toBe(false);
    expect(await durable.markOnce('jti-1', now + 60_000)).toBe(true);

    expect((await store.hitRateLimit('ip:1', 1000, now)).count).toBe(1);
    expect((await ephemeral.hitRateLimit('ip:1', 1000, now)).count).toBe(2);

    expect(await store.getOrCreateSecret('latchkey.secret', 's-1')).toBe('s-1');
    expect(await durable.getOrCreateSecret('latchkey.secret', 'other')).toBe('s-1');
    expect(await ephemeral.getOrCreateSecret('latchkey.secret', 'other')).toBe('other');
  });

  it('sends each method of the contract to its half, and only there', async () => {
    // Two stores whose every method answers with the name of its store.
    const names = Object.keys(memoryStore()).filter((n) => !['migrate', 'close'].includes(n));
    const answering = (label: string) =>
      ({
        ...Object.fromEntries(names.map((name) => [name, async () => `${label}.${name}`])),
        migrate: async () => {},
        close: async () => {},
      }) as unknown as LatchkeyStore;
    const store = combineStores(answering('durable'), answering('ephemeral'));
    const ephemeral = new Set<string>(EPHEMERAL_METHODS);
    const spanning = new Set<string>(SPANNING_METHODS);
    for (const name of names) {
      const method = Reflect.get(store, name) as (() => Promise<string>) | undefined;
      // A method over both halves is no one half's: the server composes it.
      if (spanning.has(name)) expect(method).toBeUndefined();
      else expect(await method!()).toBe(`${ephemeral.has(name) ? 'ephemeral' : 'durable'}.${name}`);
    }
    expect(names).toEqual(
      expect.arrayContaining([...EPHEMERAL_METHODS, ...SPANNING_METHODS, 'createUser']),
    );
  });

  it('reaches the methods a durable store inherits (a store written as a class)', async () => {
    const memory = memoryStore();
    const inherited = Object.create(memory) as LatchkeyStore;
    expect(Object.keys(inherited)).toEqual([]);
    const store = combineStores(inherited, memoryStore());
    expect(await store.getOrCreateSecret('latchkey.secret', 's-1')).toBe('s-1');
    expect(await memory.getSecret('latchkey.secret')).toBe('s-1');
  });

  it('closes both stores, even when one fails to close', async () => {
    const durable = memoryStore();
    const ephemeral = memoryStore();
    const failure = new StoreUnavailableError('durable close failed');
    const store = combineStores({ ...durable, close: () => Promise.reject(failure) }, ephemeral);
    await expect(store.close()).rejects.toBe(failure);
    await expect(ephemeral.markOnce('k', Date.now() + 1000)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});
