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

  it('hands out copies: changing what a read returned changes nothing stored', async () => {
    const store = memoryStore();
    const user = {
      id: 'user-1',
      email: 'ada@example.com',
      emailVerified: false,
      displayName: 'Ada',
      externalId: null,
      userHandle: 'aGFuZGxl',
      tier: 'standard' as const,
      prfSalt: 'c2FsdA',
      createdAt: 1,
    };
    const credential = {
      id: 'cred-1',
      userId: 'user-1',
      credentialId: 'Y3JlZA',
      publicKey: new Uint8Array([1, 2, 3]),
      counter: 0,
      transports: ['internal' as const],
      deviceType: 'singleDevice' as const,
      backedUp: false,
      aaguid: '00000000-0000-0000-0000-000000000000',
      name: 'Key',
      providerName: 'Security key',
      providerIcon: null,
      createdWith: { browser: 'Firefox', os: 'Linux', deviceType: 'desktop' as const },
      status: 'active' as const,
      rpId: 'example.com',
      prf: false,
      wrappedKey: null,
      createdAt: 1,
      lastUsedAt: null,
    };
    await store.createUser({ user, credential, recoveryCodeHashes: [] });
    // What was written is copied too: the caller's objects stay its own.
    credential.publicKey[0] = 9;
    const read = (await store.getCredential('Y3JlZA'))!;
    read.publicKey[1] = 9;
    read.transports.push('usb');
    read.createdWith.browser = 'Changed';
    (await store.getUser('user-1'))!.displayName = 'Changed';
    const again = (await store.getCredential('Y3JlZA'))!;
    expect([...again.publicKey]).toEqual([1, 2, 3]);
    expect(again.transports).toEqual(['internal']);
    expect(again.createdWith.browser).toBe('Firefox');
    expect((await store.getUser('user-1'))!.displayName).toBe('Ada');
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
