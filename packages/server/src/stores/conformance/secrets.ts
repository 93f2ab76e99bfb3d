import { describe, expect, it } from 'vitest';
import type { LatchkeyStore, SigningKeyRecord } from '../contract.js';
import { uid } from './fixtures.js';

/** The conformance tests of server secrets and signing keys (`contract/secrets.ts`). */
export function defineSecretTests(get: () => LatchkeyStore, concurrency: number): void {
  describe('secrets', () => {
    it('stores the first candidate and hands it out from then on', async () => {
      const store = get();
      const name = uid('secret');
      expect(await store.getOrCreateSecret(name, 'first-candidate')).toBe('first-candidate');
      expect(await store.getOrCreateSecret(name, 'second-candidate')).toBe('first-candidate');
      expect(await store.getOrCreateSecret(uid('secret'), 'other')).toBe('other');
      expect(await store.getSecret(name)).toBe('first-candidate');
      expect(await store.getSecret(uid('secret'))).toBeNull();
    });

    it('gives every concurrent caller the same secret', async () => {
      const store = get();
      const name = uid('secret');
      const candidates = Array.from({ length: concurrency }, (_, i) => `candidate-${i}`);
      const results = await Promise.all(candidates.map((c) => store.getOrCreateSecret(name, c)));
      expect(new Set(results).size).toBe(1);
      expect(candidates).toContain(results[0]);
      expect(await store.getOrCreateSecret(name, 'late')).toBe(results[0]);
    });
  });

  describe('signing keys', () => {
    it('adds keys once, lists them oldest first and retires them', async () => {
      const store = get();
      const base = Date.now();
      const first: SigningKeyRecord = {
        kid: uid('kid'),
        alg: 'EdDSA',
        privateJwk: '{"kty":"OKP","crv":"Ed25519","d":"d","x":"x"}',
        publicJwk: '{"kty":"OKP","crv":"Ed25519","x":"x"}',
        createdAt: base,
        retiresAt: null,
      };
      const second: SigningKeyRecord = {
        ...first,
        kid: uid('kid'),
        alg: 'ES256',
        createdAt: base + 1,
      };
      await store.addSigningKey(second);
      await store.addSigningKey(first);
      // Two instances starting together may both try to add a key: the first one stays.
      await store.addSigningKey({ ...first, privateJwk: '{"other":true}' });
      const mine = (keys: SigningKeyRecord[]) =>
        keys.filter((k) => k.kid === first.kid || k.kid === second.kid);
      expect(mine(await store.listSigningKeys())).toEqual([first, second]);
      await store.retireSigningKey(first.kid, base + 86_400_000);
      expect(mine(await store.listSigningKeys())).toEqual([
        { ...first, retiresAt: base + 86_400_000 },
        second,
      ]);
    });
  });
}
