import { describe, expect, it } from 'vitest';
import { describeStoreConformance } from '../conformance.js';
import { StoreConflictError } from '../contract.js';
import { memoryStore } from './memory-store.js';

describeStoreConformance('memoryStore', async () => memoryStore());

describe('memoryStore', () => {
  it('keeps each instance separate', async () => {
    const a = memoryStore();
    const b = memoryStore();
    expect(await a.markOnce('jti-1', Date.now() + 60_000)).toBe(true);
    expect(await b.markOnce('jti-1', Date.now() + 60_000)).toBe(true);
  });

  it('refuses a passkey for a user that does not exist', async () => {
    const store = memoryStore();
    const error = await store
      .addCredential({
        id: 'cred-1',
        userId: 'nobody',
        credentialId: 'Y3JlZA',
        publicKey: new Uint8Array([1, 2, 3]),
        counter: 0,
        transports: [],
        deviceType: 'singleDevice',
        backedUp: false,
        aaguid: '00000000-0000-0000-0000-000000000000',
        name: 'Key',
        providerName: 'Security key',
        providerIcon: null,
        createdWith: { browser: 'Firefox', os: 'Linux', deviceType: 'desktop' },
        status: 'active',
        rpId: 'example.com',
        prf: false,
        wrappedKey: null,
        createdAt: 1,
        lastUsedAt: null,
      })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(StoreConflictError);
  });
});
