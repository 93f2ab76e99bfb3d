import { base64urlDecode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { verifyP256 } from '../../testing/mock-server.js';
import { loadDeviceKey } from './device-key.js';
import { memoryDeviceKeyStore } from './device-key-store.js';
import { indexedDbDeviceKeyStore } from './indexeddb-device-key-store.js';

/** A signature over a base64url challenge, checked the way the fake server checks proofs. */
const verifies = (jwk: { x: string; y: string }, challenge: string, signature: string) =>
  verifyP256({ kty: 'EC', crv: 'P-256', ...jwk }, signature, base64urlDecode(challenge));

describe('loadDeviceKey', () => {
  it('loadDeviceKey refuses an extractable stored key', async () => {
    const store = memoryDeviceKeyStore();
    const readable = (await crypto.subtle.generateKey(
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    await store.add(readable);
    await expect(loadDeviceKey(store)).rejects.toThrow(TypeError);
    await expect(loadDeviceKey(store, { create: true })).rejects.toThrow(/non-extractable/);
  });

  it('makes nothing unless asked, then one non-extractable P-256 key it keeps', async () => {
    const store = memoryDeviceKeyStore();
    expect(await loadDeviceKey(store)).toBeUndefined();
    const key = await loadDeviceKey(store, { create: true });
    expect(key?.pair.privateKey.extractable).toBe(false);
    expect(key?.pair.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(Object.keys(key!.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(key!.publicJwk.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(crypto.subtle.exportKey('jwk', key!.pair.privateKey)).rejects.toThrow();
    const again = await loadDeviceKey(store, { create: true });
    expect(again?.publicJwk).toEqual(key?.publicJwk);
  });

  it('signs a challenge’s bytes as raw r‖s (64 bytes) that the public JWK verifies', async () => {
    const key = (await loadDeviceKey(memoryDeviceKeyStore(), { create: true }))!;
    const challenge = 'q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80';
    const signature = await key.sign(challenge);
    expect(base64urlDecode(signature).byteLength).toBe(64);
    expect(await verifies(key.publicJwk, challenge, signature)).toBe(true);
    expect(await verifies(key.publicJwk, 'AAAA', signature)).toBe(false);
  });

  it('keeps the first key when two callers make one at once', async () => {
    const store = memoryDeviceKeyStore();
    const [a, b] = await Promise.all([
      loadDeviceKey(store, { create: true }),
      loadDeviceKey(store, { create: true }),
    ]);
    expect(a?.publicJwk).toEqual(b?.publicJwk);
    expect((await loadDeviceKey(store))?.publicJwk).toEqual(a?.publicJwk);
  });

  it('forgets the key on delete', async () => {
    const store = memoryDeviceKeyStore();
    const first = await loadDeviceKey(store, { create: true });
    await store.delete();
    expect(await loadDeviceKey(store)).toBeUndefined();
    expect((await loadDeviceKey(store, { create: true }))?.publicJwk).not.toEqual(first?.publicJwk);
  });
});

describe('indexedDbDeviceKeyStore', () => {
  // jsdom has no IndexedDB; the real one is exercised in Chromium (apps/demo/e2e/locked.e2e.ts).
  it('refuses with a TypeError where there is no IndexedDB', async () => {
    expect(typeof indexedDB).toBe('undefined');
    await expect(indexedDbDeviceKeyStore().get()).rejects.toThrow(TypeError);
  });
});
