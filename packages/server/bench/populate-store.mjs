/**
 * Fills a store with `count` other accounts, each with one active passkey for
 * `localhost`, written through the store's own `createUser` (what a sign-up
 * stores). A bench on a store holding one user hides any cost that grows with
 * the number of users.
 *
 * @example
 * await populateStore(latchkey.store, 10_000);
 */
export async function populateStore(store, count) {
  const now = Date.now();
  for (let i = 0; i < count; i++) {
    const id = `bench-user-${i}`;
    await store.createUser({
      user: {
        id,
        email: `user-${i}@example.com`,
        displayName: null,
        userHandle: Buffer.from(`bench-handle-${i}`).toString('base64url'),
        tier: 'standard',
        prfSalt: 'bench-salt',
        createdAt: now,
      },
      credential: {
        id: `bench-passkey-${i}`,
        userId: id,
        credentialId: Buffer.from(`bench-credential-${i}`).toString('base64url'),
        // Never used to verify: only the bench user signs in.
        publicKey: new Uint8Array(77),
        counter: 0,
        transports: ['internal'],
        deviceType: 'singleDevice',
        backedUp: false,
        aaguid: '00000000-0000-0000-0000-000000000000',
        name: 'Passkey',
        providerName: 'Passkey',
        providerIcon: null,
        createdWith: { browser: 'Chrome', os: 'macOS', deviceType: 'desktop' },
        status: 'active',
        rpId: 'localhost',
        prf: false,
        wrappedKey: null,
        createdAt: now,
        lastUsedAt: null,
      },
      recoveryCodeHashes: [],
    });
  }
}
