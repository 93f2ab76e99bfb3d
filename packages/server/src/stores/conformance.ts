import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EphemeralStoreAdapter } from './combine-stores.js';
import {
  type AuditRecord,
  type ChallengeRecord,
  type CredentialRecord,
  type DeviceCodeRecord,
  type EmailLinkRecord,
  type EphemeralStore,
  type LatchkeyStore,
  type PairingRecord,
  type SessionRecord,
  type SigningKeyRecord,
  StoreConflictError,
  StoreUnavailableError,
  type TokenRecord,
  type UserRecord,
} from './contract.js';

/** Tuning for a conformance run. */
export interface StoreConformanceOptions {
  /** How many callers race in each concurrency test (default 20). */
  concurrency?: number;
}

/**
 * Registers the vitest suite that every `LatchkeyStore` adapter must pass: round
 * trips, unique constraints, all-or-nothing writes and each atomic promise of the
 * contract under real concurrency.
 *
 * `makeStore` may be called several times (the lifecycle tests open more instances,
 * migrate them together and close them); for a database-backed adapter they should
 * share one backend, as two server instances would. The suite migrates the first instance,
 * never assumes an empty backend (every test uses fresh random ids), and closes
 * what it opened. Times are anchored on `Date.now()`, because adapters that expire
 * entries on their own (Redis TTLs) follow the wall clock.
 *
 * @example
 * import { describeStoreConformance } from '@latchkey/server/conformance';
 * import { myStore } from './my-store.js';
 *
 * describeStoreConformance('myStore', async () => myStore({ url: process.env.MY_URL! }));
 */
export function describeStoreConformance(
  name: string,
  makeStore: () => Promise<LatchkeyStore>,
  options: StoreConformanceOptions = {},
): void {
  describe(`${name} conforms to LatchkeyStore`, () => {
    let store: LatchkeyStore | undefined;
    const get = (): LatchkeyStore => {
      if (store === undefined) throw new Error('the store under test failed to open');
      return store;
    };
    beforeAll(async () => {
      store = await makeStore();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
    });

    defineDurableTests(get, options.concurrency ?? 20);
    defineEphemeralTests(get, options.concurrency ?? 20);
    defineLifecycleTests(makeStore);
  });
}

/**
 * Registers the short-lived half of the conformance suite for a store that only
 * implements `EphemeralStore` (such as `redisStore`), plus its lifecycle.
 *
 * @example
 * import { describeEphemeralStoreConformance } from '@latchkey/server/conformance';
 * import { redisStore } from '@latchkey/server/redis';
 *
 * describeEphemeralStoreConformance('redisStore', async () => redisStore({ url: process.env.REDIS_URL! }));
 */
export function describeEphemeralStoreConformance(
  name: string,
  makeStore: () => Promise<EphemeralStoreAdapter>,
  options: StoreConformanceOptions = {},
): void {
  describe(`${name} conforms to EphemeralStore`, () => {
    let store: EphemeralStoreAdapter | undefined;
    const get = (): EphemeralStoreAdapter => {
      if (store === undefined) throw new Error('the store under test failed to open');
      return store;
    };
    beforeAll(async () => {
      store = await makeStore();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
    });

    defineEphemeralTests(get, options.concurrency ?? 20);
    defineLifecycleTests(makeStore);
  });
}

// ---------------------------------------------------------------------------
// Fixtures: every id is fresh, so tests never see each other's rows.

function uid(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
  const id = uid('user');
  return {
    id,
    email: `${id}@example.com`,
    emailVerified: false,
    displayName: 'Ada Lovelace',
    externalId: null,
    userHandle: base64url(randomBytes(32)),
    tier: 'standard',
    prfSalt: base64url(randomBytes(32)),
    createdAt: Date.now(),
    ...overrides,
  };
}

function makeCredential(
  userId: string,
  overrides: Partial<CredentialRecord> = {},
): CredentialRecord {
  return {
    id: uid('cred'),
    userId,
    credentialId: base64url(randomBytes(32)),
    publicKey: randomBytes(77),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    aaguid: 'fbfc3007-154e-4ecc-8c0b-6e020557d7bd',
    name: 'iCloud Keychain',
    providerName: 'iCloud Keychain',
    providerIcon: 'data:image/svg+xml;base64,PHN2Zy8+',
    createdWith: { browser: 'Safari', os: 'macOS', deviceType: 'desktop' },
    status: 'active',
    rpId: 'example.com',
    prf: true,
    wrappedKey: 'd3JhcHBlZA',
    createdAt: Date.now(),
    lastUsedAt: null,
    ...overrides,
  };
}

function makeSession(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: uid('sess'),
    secretHash: base64url(randomBytes(32)),
    userId,
    kind: 'full',
    credentialId: null,
    createdAt: now,
    expiresAt: now + 86_400_000,
    lastSeenAt: now,
    elevatedUntil: null,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)',
    popKey: null,
    popProvenAt: null,
    ...overrides,
  };
}

function makeToken(userId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: uid('tok'),
    userId,
    name: 'deploy bot',
    scopes: ['read', 'deploy'],
    agent: true,
    tokenHash: base64url(randomBytes(32)),
    createdAt: Date.now(),
    expiresAt: Date.now() + 30 * 86_400_000,
    lastUsedAt: null,
    ...overrides,
  };
}

function makeChallenge(overrides: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    challenge: base64url(randomBytes(32)),
    kind: 'authentication',
    binding: `pre:${uid('pre')}`,
    userId: null,
    rpId: 'example.com',
    expiresAt: Date.now() + 300_000,
    data: { email: 'ada@example.com', nested: { list: [1, 'two', null], flag: false } },
    ...overrides,
  };
}

function makePairing(overrides: Partial<PairingRecord> = {}): PairingRecord {
  const now = Date.now();
  return {
    id: uid('pair'),
    codeHash: base64url(randomBytes(32)),
    status: 'pending',
    deviceName: 'Pixel 9',
    device: { browser: 'Chrome', os: 'Android', deviceType: 'mobile' },
    ip: '198.51.100.4',
    rpId: 'example.com',
    createdAt: now,
    expiresAt: now + 600_000,
    userId: null,
    requesterHash: base64url(randomBytes(32)),
    ...overrides,
  };
}

function makeDeviceCode(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  const now = Date.now();
  return {
    deviceCodeHash: base64url(randomBytes(32)),
    userCode: base64url(randomBytes(6))
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, 'X'),
    status: 'pending',
    clientName: 'latchkey cli',
    scopes: ['read'],
    agent: false,
    ip: '192.0.2.10',
    createdAt: now,
    expiresAt: now + 900_000,
    lastPolledAt: null,
    userId: null,
    ...overrides,
  };
}

function makeAudit(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: uid('audit'),
    type: 'passkey.added',
    userId: null,
    at: Date.now(),
    ip: '203.0.113.7',
    userAgent: 'curl/8.7.1',
    actor: null,
    data: { credentialId: 'abc', nested: { n: 1, list: ['x'] } },
    ...overrides,
  };
}

async function seedUser(
  store: LatchkeyStore,
  overrides: { user?: Partial<UserRecord>; credential?: Partial<CredentialRecord> } = {},
  recoveryCodeHashes: string[] = [],
): Promise<{ user: UserRecord; credential: CredentialRecord }> {
  const user = makeUser(overrides.user);
  const credential = makeCredential(user.id, overrides.credential);
  await store.createUser({ user, credential, recoveryCodeHashes });
  return { user, credential };
}

async function expectConflict(
  promise: Promise<unknown>,
  field: StoreConflictError['field'],
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(StoreConflictError);
  expect((error as StoreConflictError).field).toBe(field);
}

function times<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => make(index)));
}

function countTrue(results: boolean[]): number {
  return results.filter((result) => result).length;
}

// ---------------------------------------------------------------------------

function defineDurableTests(get: () => LatchkeyStore, concurrency: number): void {
  describe('users', () => {
    it('creates a user with its first passkey and recovery codes, and reads them back', async () => {
      const store = get();
      const codes = [uid('code'), uid('code'), uid('code')];
      const { user, credential } = await seedUser(store, {}, codes);

      expect(await store.getUser(user.id)).toEqual(user);
      expect(await store.getUserByHandle(user.userHandle)).toEqual(user);
      expect(await store.getUserByEmail(user.email!)).toEqual(user);
      const credentials = await store.listCredentials(user.id);
      expect(credentials).toEqual([credential]);
      expect(credentials[0]!.publicKey).toBeInstanceOf(Uint8Array);
      expect([...credentials[0]!.publicKey]).toEqual([...credential.publicKey]);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
    });

    it('finds a user by email whatever its case', async () => {
      const store = get();
      const { user } = await seedUser(store);
      expect((await store.getUserByEmail(user.email!.toUpperCase()))?.id).toBe(user.id);
    });

    it('returns null for unknown users', async () => {
      const store = get();
      expect(await store.getUser(uid('nobody'))).toBeNull();
      expect(await store.getUserByEmail(`${uid('nobody')}@example.com`)).toBeNull();
      expect(await store.getUserByHandle(uid('handle'))).toBeNull();
    });

    it('hands out copies: mutating a returned or passed record changes nothing stored', async () => {
      const store = get();
      const user = makeUser();
      const credential = makeCredential(user.id);
      const originalKey = [...credential.publicKey];
      await store.createUser({ user, credential, recoveryCodeHashes: [] });
      user.displayName = 'changed after create';
      credential.publicKey[0] = (credential.publicKey[0]! + 1) % 256;
      credential.transports.push('usb');

      const read = (await store.getUser(user.id))!;
      expect(read.displayName).toBe('Ada Lovelace');
      read.displayName = 'changed after read';
      expect((await store.getUser(user.id))!.displayName).toBe('Ada Lovelace');

      const stored = (await store.getCredential(credential.credentialId))!;
      expect([...stored.publicKey]).toEqual(originalKey);
      expect(stored.transports).toEqual(['internal', 'hybrid']);
      stored.createdWith.browser = 'changed';
      expect((await store.getCredential(credential.credentialId))!.createdWith.browser).toBe(
        'Safari',
      );
    });

    it('allows many users without an email', async () => {
      const store = get();
      const { user: a } = await seedUser(store, { user: { email: null } });
      const { user: b } = await seedUser(store, { user: { email: null } });
      expect((await store.getUser(a.id))?.email).toBeNull();
      expect((await store.getUser(b.id))?.email).toBeNull();
    });

    it('refuses a taken email (any case) and leaves nothing of the second user behind', async () => {
      const store = get();
      const { user: first } = await seedUser(store);
      const second = makeUser({ email: first.email!.toUpperCase() });
      const credential = makeCredential(second.id);
      await expectConflict(
        store.createUser({ user: second, credential, recoveryCodeHashes: [uid('code')] }),
        'email',
      );
      expect(await store.getUser(second.id)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.countRecoveryCodes(second.id)).toBe(0);
    });

    it('refuses a taken user handle', async () => {
      const store = get();
      const { user: first } = await seedUser(store);
      const second = makeUser({ userHandle: first.userHandle });
      await expectConflict(
        store.createUser({
          user: second,
          credential: makeCredential(second.id),
          recoveryCodeHashes: [],
        }),
        'userHandle',
      );
      expect(await store.getUser(second.id)).toBeNull();
    });

    it('is all or nothing: a credential id taken by another user leaves no user behind', async () => {
      const store = get();
      const { credential: taken } = await seedUser(store);
      const user = makeUser();
      const code = uid('code');
      await expectConflict(
        store.createUser({
          user,
          credential: makeCredential(user.id, { credentialId: taken.credentialId }),
          recoveryCodeHashes: [code],
        }),
        'credentialId',
      );
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
      expect(await store.findRecoveryCodeOwner(code)).toBeNull();
      // The email and handle are still free.
      await store.createUser({ user, credential: makeCredential(user.id), recoveryCodeHashes: [] });
      expect((await store.getUserByEmail(user.email!))?.id).toBe(user.id);
    });

    it('opens the first session and makes a claim in the same write', async () => {
      const store = get();
      const user = makeUser();
      const credential = makeCredential(user.id);
      const session = makeSession(user.id, { credentialId: credential.credentialId });
      const claim = { name: uid('owner'), value: user.id };
      await store.createUser({
        user,
        credential,
        recoveryCodeHashes: [uid('code')],
        session,
        claim,
      });
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      expect(await store.getSecret(claim.name)).toBe(user.id);
      expect(await store.getOrCreateSecret(claim.name, 'someone-else')).toBe(user.id);
    });

    it('is all or nothing: a taken claim leaves no user, passkey or session behind', async () => {
      const store = get();
      const name = uid('owner');
      expect(await store.getOrCreateSecret(name, 'first-owner')).toBe('first-owner');
      const user = makeUser();
      const credential = makeCredential(user.id);
      const session = makeSession(user.id);
      const code = uid('code');
      await expectConflict(
        store.createUser({
          user,
          credential,
          recoveryCodeHashes: [code],
          session,
          claim: { name, value: user.id },
        }),
        'other',
      );
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.findRecoveryCodeOwner(code)).toBeNull();
      expect(await store.getSecret(name)).toBe('first-owner');
    });

    it('lets exactly one of several concurrent sign-ups make the same claim', async () => {
      const store = get();
      const name = uid('owner');
      const accounts = Array.from({ length: 5 }, () => {
        const user = makeUser();
        return { user, credential: makeCredential(user.id), recoveryCodeHashes: [] };
      });
      const results = await Promise.allSettled(
        accounts.map((account) =>
          store.createUser({ ...account, claim: { name, value: account.user.id } }),
        ),
      );
      const won = results.flatMap((r, i) =>
        r.status === 'fulfilled' ? [accounts[i]!.user.id] : [],
      );
      expect(won).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(StoreConflictError);
      }
      expect(await store.getSecret(name)).toBe(won[0]);
      const created = await Promise.all(accounts.map((a) => store.getUser(a.user.id)));
      expect(created.filter((u) => u !== null).map((u) => u?.id)).toEqual(won);
    });

    it('refuses a first session whose secret hash is taken, and writes nothing', async () => {
      const store = get();
      const { user: existing } = await seedUser(store);
      const taken = makeSession(existing.id);
      await store.createSession(taken);
      const user = makeUser();
      await expectConflict(
        store.createUser({
          user,
          credential: makeCredential(user.id),
          recoveryCodeHashes: [],
          session: makeSession(user.id, { secretHash: taken.secretHash }),
        }),
        'other',
      );
      expect(await store.getUser(user.id)).toBeNull();
    });

    it('gives a user without an email a free one, never a taken one', async () => {
      const store = get();
      const { user } = await seedUser(store, { user: { email: null } });
      const { user: other } = await seedUser(store);
      await expect(store.updateUser(user.id, { email: other.email })).rejects.toMatchObject({
        name: 'StoreConflictError',
        field: 'email',
      });
      expect(await store.getUser(user.id)).toEqual(user);
      const email = `${uid('new')}@example.com`;
      const updated = await store.updateUser(user.id, { email, emailVerified: true });
      expect(updated).toEqual({ ...user, email, emailVerified: true });
      expect(await store.getUserByEmail(email)).toEqual(updated);
      // Two users racing for one address: exactly one gets it.
      const a = await seedUser(store, { user: { email: null } });
      const b = await seedUser(store, { user: { email: null } });
      const contested = `${uid('race')}@example.com`;
      const results = await Promise.allSettled([
        store.updateUser(a.user.id, { email: contested }),
        store.updateUser(b.user.id, { email: contested }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.getUserByEmail(contested))?.id).toMatch(/^user-/);
    });

    it('marks an email verified, and keeps it so', async () => {
      const store = get();
      const { user } = await seedUser(store);
      expect(user.emailVerified).toBe(false);
      const updated = await store.updateUser(user.id, { emailVerified: true });
      expect(updated).toEqual({ ...user, emailVerified: true });
      expect(await store.getUser(user.id)).toEqual(updated);
      expect(await store.getUserByEmail(user.email!)).toEqual(updated);
    });

    it('stores a session opened by an email link (kind email)', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id, { kind: 'email', credentialId: null });
      await store.createSession(session);
      expect(await store.getSessionBySecretHash(session.secretHash)).toEqual(session);
      await store.rotateSession(session.id, uid('hash'), { kind: 'full' });
      expect((await store.listSessions(user.id))[0]?.kind).toBe('full');
    });

    it('updates the display name and tier', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const updated = await store.updateUser(user.id, { displayName: 'Countess', tier: 'locked' });
      expect(updated).toEqual({ ...user, displayName: 'Countess', tier: 'locked' });
      expect(await store.getUser(user.id)).toEqual(updated);
      expect(await store.updateUser(user.id, { displayName: null })).toEqual({
        ...user,
        displayName: null,
        tier: 'locked',
      });
      expect(await store.updateUser(user.id, {})).toEqual({
        ...user,
        displayName: null,
        tier: 'locked',
      });
      expect(await store.updateUser(uid('nobody'), { displayName: 'x' })).toBeNull();
    });

    it('creates a user without a passkey, found by its external id (exactly, case and all)', async () => {
      const store = get();
      const user = makeUser({ externalId: uid('App-User') });
      await store.createUser({ user, recoveryCodeHashes: [] });
      expect(await store.getUserByExternalId(user.externalId!)).toEqual(user);
      expect(await store.getUserByExternalId(user.externalId!.toLowerCase())).toBeNull();
      expect(await store.getUserByExternalId(uid('missing'))).toBeNull();
      expect(await store.listCredentials(user.id)).toEqual([]);
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
    });

    it('refuses a taken external id and a taken id, and leaves nothing of the second user behind', async () => {
      const store = get();
      const externalId = uid('ext');
      const first = makeUser({ externalId });
      await store.createUser({ user: first, recoveryCodeHashes: [] });
      const second = makeUser({ externalId });
      await expectConflict(
        store.createUser({ user: second, recoveryCodeHashes: [] }),
        'externalId',
      );
      expect(await store.getUser(second.id)).toBeNull();
      expect(await store.getUserByEmail(second.email!)).toBeNull();
      const sameId = makeUser({ id: first.id });
      await expectConflict(store.createUser({ user: sameId, recoveryCodeHashes: [] }), 'other');
      expect(await store.getUser(first.id)).toEqual(first);
    });

    it('updates the email and external id, refusing values another user holds', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store, { user: { externalId: uid('ext') } });
      const externalId = uid('ext');
      const email = `${uid('new')}@example.com`;
      const updated = await store.updateUser(user.id, { email, externalId });
      expect(updated).toEqual({ ...user, email, externalId });
      expect((await store.getUserByEmail(email))?.id).toBe(user.id);
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect((await store.getUserByExternalId(externalId))?.id).toBe(user.id);

      await expectConflict(
        store.updateUser(user.id, { email: other.email!.toUpperCase() }),
        'email',
      );
      await expectConflict(
        store.updateUser(user.id, { externalId: other.externalId!, displayName: 'x' }),
        'externalId',
      );
      expect(await store.getUser(user.id)).toEqual(updated);
      // Setting a user's own values again is no conflict; null frees them for others.
      expect(await store.updateUser(user.id, { email, externalId })).toEqual(updated);
      await store.updateUser(user.id, { email: null, externalId: null });
      expect(await store.getUserByExternalId(externalId)).toBeNull();
      await store.updateUser(other.id, { externalId });
      expect((await store.getUserByExternalId(externalId))?.id).toBe(other.id);
    });

    it('deletes a user with every passkey, session, token and recovery code, keeping the audit trail', async () => {
      const store = get();
      const codes = [uid('code'), uid('code')];
      const { user, credential } = await seedUser(
        store,
        { user: { externalId: uid('ext') } },
        codes,
      );
      const { user: other, credential: otherCredential } = await seedUser(store);
      const session = makeSession(user.id);
      const otherSession = makeSession(other.id);
      await store.createSession(session);
      await store.createSession(otherSession);
      const token = makeToken(user.id);
      await store.createToken(token);
      const before = makeAudit({ userId: user.id, type: 'signin.succeeded' });
      await store.appendAudit(before);
      const event = makeAudit({ userId: user.id, type: 'account.deleted', at: before.at + 1 });

      expect(await store.deleteUser(user.id, event)).toBe(true);
      expect(await store.getUser(user.id)).toBeNull();
      expect(await store.getUserByEmail(user.email!)).toBeNull();
      expect(await store.getUserByExternalId(user.externalId!)).toBeNull();
      expect(await store.getUserByHandle(user.userHandle)).toBeNull();
      expect(await store.getCredential(credential.credentialId)).toBeNull();
      expect(await store.listCredentials(user.id)).toEqual([]);
      expect(await store.getSessionBySecretHash(session.secretHash)).toBeNull();
      expect(await store.getTokenByHash(token.tokenHash)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event, before]);
      // Nobody else's account is touched.
      expect((await store.getSessionBySecretHash(otherSession.secretHash))?.id).toBe(
        otherSession.id,
      );
      expect((await store.getCredential(otherCredential.credentialId))?.userId).toBe(other.id);
      // The email and external id are free again.
      await store.createUser({
        user: makeUser({ email: user.email, externalId: user.externalId }),
        recoveryCodeHashes: [],
      });
      expect(await store.deleteUser(user.id, makeAudit({ userId: user.id }))).toBe(false);
      expect(await store.deleteUser(uid('nobody'))).toBe(false);
    });

    it('knows whether an RP ID has an active passkey (pending ones and other RP IDs do not count)', async () => {
      const store = get();
      const rpId = `${uid('rp')}.example`;
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
      const { user: b } = await seedUser(store, { credential: { rpId, status: 'pending' } });
      await seedUser(store, { credential: { rpId: `other.${rpId}` } });
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
      await store.addCredential(makeCredential(b.id, { rpId }));
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(true);
      await store.deleteCredential(
        b.id,
        (await store.listCredentials(b.id)).find((c) => c.status === 'active')!.credentialId,
        { allowLast: true },
      );
      expect(await store.hasActiveCredentialForRpId(rpId)).toBe(false);
    });
  });

  describe('credentials', () => {
    it('counts active passkeys by transports and id length', async () => {
      const store = get();
      // A transport no other test uses makes these shapes this test's own.
      const mark = uid('t').slice(0, 24);
      const shapeOf = async (transports: string[], idLength: number) =>
        (await store.credentialShapes()).find(
          (s) =>
            JSON.stringify(s.transports) === JSON.stringify(transports) && s.idLength === idLength,
        );
      const { user } = await seedUser(store, {
        credential: { transports: [mark, 'internal'], credentialId: base64url(randomBytes(16)) },
      });
      await store.addCredential(
        makeCredential(user.id, {
          transports: [mark, 'internal'],
          credentialId: base64url(randomBytes(16)),
        }),
      );
      await store.addCredential(
        makeCredential(user.id, { transports: [mark], credentialId: base64url(randomBytes(64)) }),
      );
      await store.addCredential(
        makeCredential(user.id, {
          transports: [mark],
          credentialId: base64url(randomBytes(64)),
          status: 'pending',
        }),
      );
      expect(await shapeOf([mark, 'internal'], 22)).toEqual({
        transports: [mark, 'internal'],
        idLength: 22,
        count: 2,
      });
      // Pending passkeys cannot sign in: they are not part of the mix.
      expect(await shapeOf([mark], 86)).toEqual({ transports: [mark], idLength: 86, count: 1 });
    });

    it('adds passkeys and lists them oldest first', async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const later = makeCredential(user.id, {
        createdAt: credential.createdAt + 1000,
        providerIcon: null,
        wrappedKey: null,
        transports: [],
        deviceType: 'singleDevice',
        backedUp: false,
        prf: false,
        status: 'pending',
        lastUsedAt: credential.createdAt + 2000,
      });
      await store.addCredential(later);
      expect(await store.getCredential(later.credentialId)).toEqual(later);
      expect(await store.listCredentials(user.id)).toEqual([credential, later]);
      expect(await store.listCredentials(uid('nobody'))).toEqual([]);
      expect(await store.getCredential(uid('missing'))).toBeNull();
    });

    it('refuses a credential id that another user holds', async () => {
      const store = get();
      const { credential: taken } = await seedUser(store);
      const { user } = await seedUser(store);
      await expectConflict(
        store.addCredential(makeCredential(user.id, { credentialId: taken.credentialId })),
        'credentialId',
      );
      expect(await store.getCredential(taken.credentialId)).toEqual(taken);
      expect(await store.listCredentials(user.id)).toHaveLength(1);
    });

    it('records a sign-in only while the counter is the expected one', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { counter: 5 } });
      const use = {
        counter: 6,
        backedUp: false,
        deviceType: 'singleDevice' as const,
        lastUsedAt: Date.now(),
      };
      expect(await store.recordCredentialUse(credential.credentialId, 5, use)).toBe(true);
      expect(await store.getCredential(credential.credentialId)).toEqual({
        ...credential,
        counter: 6,
        backedUp: false,
        deviceType: 'singleDevice',
        lastUsedAt: use.lastUsedAt,
      });
      // Stale expectation: someone else moved the counter already.
      expect(
        await store.recordCredentialUse(credential.credentialId, 5, { ...use, counter: 7 }),
      ).toBe(false);
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(6);
      expect(
        await store.recordCredentialUse(credential.credentialId, 6, {
          ...use,
          counter: 4_294_967_295,
          transports: ['usb'],
        }),
      ).toBe(true);
      const stored = await store.getCredential(credential.credentialId);
      expect(stored?.counter).toBe(4_294_967_295);
      expect(stored?.transports).toEqual(['usb']);
      expect(await store.recordCredentialUse(uid('missing'), 0, use)).toBe(false);
    });

    it('lets exactly one of many racing sign-ins move the counter', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { counter: 10 } });
      const results = await times(concurrency, (i) =>
        store.recordCredentialUse(credential.credentialId, 10, {
          counter: 11 + i,
          backedUp: true,
          deviceType: 'multiDevice',
          lastUsedAt: Date.now(),
        }),
      );
      expect(countTrue(results)).toBe(1);
      const winner = results.indexOf(true);
      expect((await store.getCredential(credential.credentialId))?.counter).toBe(11 + winner);
    });

    it('renames, approves and rewraps a passkey', async () => {
      const store = get();
      const { credential } = await seedUser(store, { credential: { status: 'pending' } });
      expect(
        await store.updateCredential(credential.credentialId, {
          name: 'Work laptop',
          status: 'active',
          wrappedKey: null,
        }),
      ).toEqual({ ...credential, name: 'Work laptop', status: 'active', wrappedKey: null });
      expect(
        (await store.updateCredential(credential.credentialId, { wrappedKey: 'bmV3' }))?.wrappedKey,
      ).toBe('bmV3');
      expect((await store.getCredential(credential.credentialId))?.name).toBe('Work laptop');
      expect(await store.updateCredential(uid('missing'), { name: 'x' })).toBeNull();
    });

    it("deletes a passkey but never the user's last active one unless allowed", async () => {
      const store = get();
      const { user, credential } = await seedUser(store);
      const pending = makeCredential(user.id, { status: 'pending' });
      await store.addCredential(pending);

      // A pending passkey does not count as a way in.
      expect(await store.deleteCredential(user.id, credential.credentialId)).toBe('last');
      expect(await store.getCredential(credential.credentialId)).not.toBeNull();
      expect(await store.deleteCredential(user.id, pending.credentialId)).toBe('deleted');
      expect(await store.getCredential(pending.credentialId)).toBeNull();
      expect(await store.deleteCredential(user.id, pending.credentialId)).toBe('not-found');

      const { user: other } = await seedUser(store);
      await store.addCredential(makeCredential(other.id));
      // Someone else's passkey is not found for this user.
      expect(await store.deleteCredential(other.id, credential.credentialId)).toBe('not-found');
      expect(await store.getCredential(credential.credentialId)).not.toBeNull();

      expect(
        await store.deleteCredential(user.id, credential.credentialId, { allowLast: true }),
      ).toBe('deleted');
      expect(await store.listCredentials(user.id)).toEqual([]);
      // The credential id is free again once deleted.
      await store.addCredential(makeCredential(user.id, { credentialId: credential.credentialId }));
      expect((await store.getCredential(credential.credentialId))?.userId).toBe(user.id);
    });

    it('never lets two concurrent deletes remove the last two passkeys', async () => {
      const store = get();
      const users = await times(5, async () => {
        const { user, credential } = await seedUser(store);
        const second = makeCredential(user.id);
        await store.addCredential(second);
        return { user, ids: [credential.credentialId, second.credentialId] as const };
      });
      await Promise.all(
        users.map(async ({ user, ids }) => {
          const results = await Promise.all(ids.map((id) => store.deleteCredential(user.id, id)));
          expect(results.sort()).toEqual(['deleted', 'last']);
          expect(await store.listCredentials(user.id)).toHaveLength(1);
        }),
      );
    });
  });

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

  describe('passwords and account fallbacks', () => {
    it('sets, changes and removes a password, each with its audit event', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      expect(await store.getPassword(user.id)).toBeNull();
      const set = makeAudit({ userId: user.id, type: 'password.changed' });
      expect(await store.setPassword(user.id, '$argon2id$v=19$m=19456,t=2,p=1$a$b', 100, set)).toBe(
        true,
      );
      expect(await store.getPassword(user.id)).toEqual({
        userId: user.id,
        hash: '$argon2id$v=19$m=19456,t=2,p=1$a$b',
        updatedAt: 100,
      });
      expect(await store.setPassword(user.id, '$argon2id$second', 200)).toBe(true);
      expect((await store.getPassword(user.id))?.hash).toBe('$argon2id$second');
      expect(await store.getPassword(other.id)).toBeNull();
      const removed = makeAudit({ userId: user.id, type: 'password.changed', at: set.at + 1 });
      expect(await store.setPassword(user.id, null, 300, removed)).toBe(true);
      expect(await store.getPassword(user.id)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([removed, set]);
    });

    it('writes neither the password nor its event when either fails', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const taken = makeAudit({ userId: user.id });
      await store.appendAudit(taken);
      await expect(
        store.setPassword(user.id, '$argon2id$x', 1, makeAudit({ id: taken.id })),
      ).rejects.toThrow();
      expect(await store.getPassword(user.id)).toBeNull();
      const nobody = uid('nobody');
      const event = makeAudit({ userId: nobody });
      expect(await store.setPassword(nobody, '$argon2id$x', 1, event)).toBe(false);
      expect(await store.getPassword(nobody)).toBeNull();
      expect(await store.listAudit({ userId: nobody, limit: 10 })).toEqual([]);
    });

    it('stores the fallback settings of an account whole, with their event', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      expect(await store.getAccountFallbacks(user.id)).toBeNull();
      const event = makeAudit({ userId: user.id, type: 'fallbacks.changed' });
      const settings = { recoveryCodes: false, magicLink: true, password: false };
      expect(await store.setAccountFallbacks(user.id, settings, event)).toBe(true);
      expect(await store.getAccountFallbacks(user.id)).toEqual(settings);
      expect(await store.getAccountFallbacks(other.id)).toBeNull();
      expect(await store.listAudit({ userId: user.id, limit: 10 })).toEqual([event]);
      await expect(
        store.setAccountFallbacks(
          user.id,
          { recoveryCodes: true, magicLink: true, password: true },
          makeAudit({ id: event.id }),
        ),
      ).rejects.toThrow();
      expect(await store.getAccountFallbacks(user.id)).toEqual(settings);
      expect(await store.setAccountFallbacks(uid('nobody'), settings)).toBe(false);
      expect(await store.getAccountFallbacks(uid('nobody'))).toBeNull();
    });

    it('deletes the password and the settings with the user', async () => {
      const store = get();
      const { user } = await seedUser(store);
      await store.setPassword(user.id, '$argon2id$x', 1);
      await store.setAccountFallbacks(user.id, {
        recoveryCodes: false,
        magicLink: false,
        password: true,
      });
      expect(await store.deleteUser(user.id)).toBe(true);
      expect(await store.getPassword(user.id)).toBeNull();
      expect(await store.getAccountFallbacks(user.id)).toBeNull();
    });

    it('stores a session opened by a password (kind password)', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const session = makeSession(user.id, { kind: 'password' });
      await store.createSession(session);
      expect((await store.getSessionBySecretHash(session.secretHash))?.kind).toBe('password');
    });
  });

  describe('recovery codes', () => {
    it('replaces the whole set', async () => {
      const store = get();
      const old = [uid('code'), uid('code')];
      const { user } = await seedUser(store, {}, old);
      const fresh = [uid('code'), uid('code'), uid('code')];
      await store.replaceRecoveryCodes(user.id, fresh);
      expect(await store.countRecoveryCodes(user.id)).toBe(3);
      expect(await store.findRecoveryCodeOwner(old[0]!)).toBeNull();
      expect(await store.consumeRecoveryCode(user.id, old[1]!, Date.now())).toBe(false);
      expect(await store.findRecoveryCodeOwner(fresh[2]!)).toBe(user.id);
      await store.replaceRecoveryCodes(user.id, []);
      expect(await store.countRecoveryCodes(user.id)).toBe(0);
    });

    it('uses a code once, and only for its owner', async () => {
      const store = get();
      const codes = [uid('code'), uid('code')];
      const { user } = await seedUser(store, {}, codes);
      const { user: other } = await seedUser(store);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBe(user.id);
      expect(await store.consumeRecoveryCode(other.id, codes[0]!, Date.now())).toBe(false);
      expect(await store.consumeRecoveryCode(user.id, codes[0]!, Date.now())).toBe(true);
      expect(await store.consumeRecoveryCode(user.id, codes[0]!, Date.now())).toBe(false);
      expect(await store.findRecoveryCodeOwner(codes[0]!)).toBeNull();
      expect(await store.countRecoveryCodes(user.id)).toBe(1);
      expect(await store.consumeRecoveryCode(user.id, uid('unknown'), Date.now())).toBe(false);
      expect(await store.countRecoveryCodes(uid('nobody'))).toBe(0);
    });

    it('lets exactly one of many concurrent callers use a code', async () => {
      const store = get();
      const code = uid('code');
      const { user } = await seedUser(store, {}, [code, uid('code')]);
      const results = await times(concurrency, () =>
        store.consumeRecoveryCode(user.id, code, Date.now()),
      );
      expect(countTrue(results)).toBe(1);
      expect(await store.countRecoveryCodes(user.id)).toBe(1);
    });
  });

  describe('tokens', () => {
    it('creates, finds, lists, touches and deletes tokens', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const { user: other } = await seedUser(store);
      const token = makeToken(user.id);
      const forever = makeToken(user.id, {
        createdAt: token.createdAt + 1,
        expiresAt: null,
        scopes: [],
        agent: false,
      });
      await store.createToken(token);
      await store.createToken(forever);
      expect(await store.getTokenByHash(token.tokenHash)).toEqual(token);
      expect(await store.listTokens(user.id)).toEqual([token, forever]);
      expect(await store.getTokenByHash(uid('missing'))).toBeNull();

      const at = Date.now() + 5;
      await store.touchToken(token.id, at);
      expect((await store.getTokenByHash(token.tokenHash))?.lastUsedAt).toBe(at);

      expect(await store.deleteToken(other.id, token.id)).toBe(false);
      expect(await store.deleteToken(user.id, token.id)).toBe(true);
      expect(await store.deleteToken(user.id, token.id)).toBe(false);
      expect(await store.getTokenByHash(token.tokenHash)).toBeNull();
      expect(await store.listTokens(user.id)).toEqual([forever]);
    });

    it('refuses a duplicate token hash', async () => {
      const store = get();
      const { user } = await seedUser(store);
      const token = makeToken(user.id);
      await store.createToken(token);
      await expectConflict(
        store.createToken(makeToken(user.id, { tokenHash: token.tokenHash })),
        'other',
      );
    });
  });

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

function defineEphemeralTests(get: () => EphemeralStore, concurrency: number): void {
  describe('challenges', () => {
    it('returns a challenge once, then never again', async () => {
      const store = get();
      const record = makeChallenge({ userId: uid('user'), kind: 'registration' });
      await store.putChallenge(record);
      expect(await store.consumeChallenge(record.challenge, Date.now())).toEqual(record);
      expect(await store.consumeChallenge(record.challenge, Date.now())).toBeNull();
      expect(await store.consumeChallenge(uid('unknown'), Date.now())).toBeNull();
    });

    it('never returns an expired challenge', async () => {
      const store = get();
      const now = Date.now();
      const record = makeChallenge({ expiresAt: now + 60_000 });
      await store.putChallenge(record);
      expect(await store.consumeChallenge(record.challenge, record.expiresAt)).toBeNull();
      expect(await store.consumeChallenge(record.challenge, now)).toBeNull();
      const stale = makeChallenge({ expiresAt: now - 1 });
      await store.putChallenge(stale);
      expect(await store.consumeChallenge(stale.challenge, now)).toBeNull();
    });

    it('hands a challenge to exactly one of many concurrent consumers', async () => {
      const store = get();
      const record = makeChallenge();
      await store.putChallenge(record);
      const results = await times(concurrency, () =>
        store.consumeChallenge(record.challenge, Date.now()),
      );
      expect(results.filter((r) => r !== null)).toEqual([record]);
    });
  });

  describe('email links', () => {
    const makeLink = (overrides: Partial<EmailLinkRecord> = {}): EmailLinkRecord => ({
      tokenHash: uid('link'),
      purpose: 'sign-in',
      userId: uid('user'),
      email: 'ada@example.com',
      binding: uid('binding'),
      createdAt: Date.now(),
      expiresAt: Date.now() + 900_000,
      ...overrides,
    });

    it('reads a link without using it, then hands it out once', async () => {
      const store = get();
      const link = makeLink();
      const verify = makeLink({ purpose: 'verify', binding: null });
      await store.putEmailLink(link);
      await store.putEmailLink(verify);
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.consumeEmailLink(link.tokenHash, Date.now())).toEqual(link);
      expect(await store.consumeEmailLink(link.tokenHash, Date.now())).toBeNull();
      expect(await store.getEmailLink(link.tokenHash, Date.now())).toBeNull();
      expect(await store.consumeEmailLink(verify.tokenHash, Date.now())).toEqual(verify);
      expect(await store.getEmailLink(uid('unknown'), Date.now())).toBeNull();
    });

    it('never returns an expired link', async () => {
      const store = get();
      const now = Date.now();
      const link = makeLink({ expiresAt: now + 60_000 });
      await store.putEmailLink(link);
      expect(await store.getEmailLink(link.tokenHash, link.expiresAt)).toBeNull();
      expect(await store.consumeEmailLink(link.tokenHash, link.expiresAt)).toBeNull();
      // Once asked to consume it past its expiry, it is gone.
      expect(await store.consumeEmailLink(link.tokenHash, now)).toBeNull();
    });

    it('hands a link to exactly one of many concurrent consumers', async () => {
      const store = get();
      const link = makeLink();
      await store.putEmailLink(link);
      const results = await times(concurrency, () =>
        store.consumeEmailLink(link.tokenHash, Date.now()),
      );
      expect(results.filter((r) => r !== null)).toEqual([link]);
    });
  });

  describe('rate limits', () => {
    it('counts hits in a fixed window that opens at the first hit', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      expect(await store.hitRateLimit(key, 60_000, now)).toEqual({
        count: 1,
        resetAt: now + 60_000,
      });
      expect(await store.hitRateLimit(key, 60_000, now + 10)).toEqual({
        count: 2,
        resetAt: now + 60_000,
      });
      expect(await store.hitRateLimit(key, 60_000, now + 59_999)).toEqual({
        count: 3,
        resetAt: now + 60_000,
      });
      // The window has passed: a new one opens.
      expect(await store.hitRateLimit(key, 60_000, now + 60_000)).toEqual({
        count: 1,
        resetAt: now + 120_000,
      });
      expect(await store.hitRateLimit(uid('rl'), 1000, now)).toEqual({
        count: 1,
        resetAt: now + 1000,
      });
    });

    it('peeks at a window without counting a hit', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      expect(await store.peekRateLimit(key, now)).toEqual({ count: 0, resetAt: now });
      await store.hitRateLimit(key, 60_000, now);
      await store.hitRateLimit(key, 60_000, now + 1);
      expect(await store.peekRateLimit(key, now + 2)).toEqual({ count: 2, resetAt: now + 60_000 });
      expect(await store.peekRateLimit(key, now + 3)).toEqual({ count: 2, resetAt: now + 60_000 });
      expect(await store.peekRateLimit(key, now + 60_000)).toEqual({
        count: 0,
        resetAt: now + 60_000,
      });
    });

    it('counts concurrent hits exactly', async () => {
      const store = get();
      const key = uid('rl');
      const now = Date.now();
      const hits = await times(concurrency, () => store.hitRateLimit(key, 60_000, now));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(
        Array.from({ length: concurrency }, (_, i) => i + 1),
      );
      expect(new Set(hits.map((h) => h.resetAt))).toEqual(new Set([now + 60_000]));
    });
  });

  describe('pairing', () => {
    it('stores a pairing and finds it by id and by code until it expires', async () => {
      const store = get();
      const record = makePairing({ deviceName: null, ip: null });
      await store.putPairing(record);
      const now = Date.now();
      expect(await store.getPairing(record.id, now)).toEqual(record);
      expect(await store.getPairingByCodeHash(record.codeHash, now)).toEqual(record);
      expect(await store.getPairing(record.id, record.expiresAt)).toBeNull();
      expect(await store.getPairingByCodeHash(record.codeHash, record.expiresAt)).toBeNull();
      expect(await store.getPairing(uid('missing'), now)).toBeNull();
      expect(await store.getPairingByCodeHash(uid('missing'), now)).toBeNull();
    });

    it('decides a pending pairing exactly once', async () => {
      const store = get();
      const record = makePairing();
      await store.putPairing(record);
      const userId = uid('user');
      const decisions = Array.from({ length: concurrency }, (_, i) =>
        i % 2 === 0
          ? { status: 'approved' as const, userId }
          : { status: 'denied' as const, userId: null },
      );
      const results = await Promise.all(
        decisions.map((decision) => store.decidePairing(record.id, decision, Date.now())),
      );
      expect(countTrue(results)).toBe(1);
      const winner = decisions[results.indexOf(true)]!;
      expect(await store.getPairing(record.id, Date.now())).toEqual({ ...record, ...winner });
      expect(await store.decidePairing(record.id, { status: 'approved', userId }, Date.now())).toBe(
        false,
      );
    });

    it('refuses to decide an expired or unknown pairing', async () => {
      const store = get();
      const record = makePairing();
      await store.putPairing(record);
      const decision = { status: 'approved' as const, userId: uid('user') };
      expect(await store.decidePairing(record.id, decision, record.expiresAt)).toBe(false);
      expect((await store.getPairing(record.id, Date.now()))?.status).toBe('pending');
      expect(await store.decidePairing(uid('missing'), decision, Date.now())).toBe(false);
    });

    it('is taken exactly once', async () => {
      const store = get();
      const record = makePairing({ status: 'approved', userId: uid('user') });
      await store.putPairing(record);
      const results = await times(concurrency, () => store.takePairing(record.id));
      expect(countTrue(results)).toBe(1);
      expect(await store.getPairing(record.id, Date.now())).toBeNull();
      expect(await store.getPairingByCodeHash(record.codeHash, Date.now())).toBeNull();
      expect(await store.takePairing(record.id)).toBe(false);
    });
  });

  describe('device codes', () => {
    it('stores a device code and finds it by hash and user code until it expires', async () => {
      const store = get();
      const record = makeDeviceCode({ clientName: null, ip: null, agent: true, scopes: [] });
      await store.putDeviceCode(record);
      const now = Date.now();
      expect(await store.getDeviceCode(record.deviceCodeHash, now)).toEqual(record);
      expect(await store.getDeviceCodeByUserCode(record.userCode, now)).toEqual(record);
      expect(await store.getDeviceCode(record.deviceCodeHash, record.expiresAt)).toBeNull();
      expect(await store.getDeviceCodeByUserCode(record.userCode, record.expiresAt)).toBeNull();
      expect(await store.getDeviceCode(uid('missing'), now)).toBeNull();
    });

    it('keeps a user code unique while it is pending', async () => {
      const store = get();
      const first = makeDeviceCode();
      await store.putDeviceCode(first);
      await expectConflict(
        store.putDeviceCode(makeDeviceCode({ userCode: first.userCode })),
        'other',
      );

      // Once decided, the user code may serve a new request; lookups prefer the pending one.
      expect(
        await store.decideDeviceCode(
          first.userCode,
          { status: 'denied', userId: null },
          Date.now(),
        ),
      ).toBe(true);
      const second = makeDeviceCode({ userCode: first.userCode, createdAt: first.createdAt + 1 });
      await store.putDeviceCode(second);
      expect(await store.getDeviceCodeByUserCode(first.userCode, Date.now())).toEqual(second);
      expect((await store.getDeviceCode(first.deviceCodeHash, Date.now()))?.status).toBe('denied');

      // An expired pending code does not hold its user code.
      const stale = makeDeviceCode({ expiresAt: Date.now() - 1 });
      await store.putDeviceCode(stale);
      const fresh = makeDeviceCode({ userCode: stale.userCode });
      await store.putDeviceCode(fresh);
      expect(await store.getDeviceCodeByUserCode(stale.userCode, Date.now())).toEqual(fresh);
    });

    it('records polls and returns the previous poll time', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      const now = Date.now();
      expect(await store.pollDeviceCode(record.deviceCodeHash, now)).toBeNull();
      expect(await store.pollDeviceCode(record.deviceCodeHash, now + 5000)).toBe(now);
      expect(await store.pollDeviceCode(record.deviceCodeHash, now + 6000)).toBe(now + 5000);
      expect((await store.getDeviceCode(record.deviceCodeHash, now))?.lastPolledAt).toBe(
        now + 6000,
      );
      expect(await store.pollDeviceCode(uid('missing'), now)).toBeNull();
    });

    it('decides a pending code exactly once', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      const userId = uid('user');
      const results = await times(concurrency, (i) =>
        store.decideDeviceCode(
          record.userCode,
          i % 2 === 0 ? { status: 'approved', userId } : { status: 'denied', userId: null },
          Date.now(),
        ),
      );
      expect(countTrue(results)).toBe(1);
      const approved = results.indexOf(true) % 2 === 0;
      expect(await store.getDeviceCode(record.deviceCodeHash, Date.now())).toEqual({
        ...record,
        status: approved ? 'approved' : 'denied',
        userId: approved ? userId : null,
      });
      expect(
        await store.decideDeviceCode(
          uid('MISSING'),
          { status: 'denied', userId: null },
          Date.now(),
        ),
      ).toBe(false);
      const expired = makeDeviceCode();
      await store.putDeviceCode(expired);
      expect(
        await store.decideDeviceCode(
          expired.userCode,
          { status: 'denied', userId: null },
          expired.expiresAt,
        ),
      ).toBe(false);
    });

    it('is taken exactly once, and only once approved', async () => {
      const store = get();
      const record = makeDeviceCode();
      await store.putDeviceCode(record);
      expect(await store.takeDeviceCode(record.deviceCodeHash)).toBe(false);
      expect(
        await store.decideDeviceCode(
          record.userCode,
          { status: 'approved', userId: uid('user') },
          Date.now(),
        ),
      ).toBe(true);
      const results = await times(concurrency, () => store.takeDeviceCode(record.deviceCodeHash));
      expect(countTrue(results)).toBe(1);
      expect(await store.getDeviceCode(record.deviceCodeHash, Date.now())).toBeNull();
      expect(await store.getDeviceCodeByUserCode(record.userCode, Date.now())).toBeNull();
    });
  });

  describe('single-use markers', () => {
    it('is set by exactly one of many concurrent callers', async () => {
      const store = get();
      const key = uid('jti');
      const results = await times(concurrency, () => store.markOnce(key, Date.now() + 60_000));
      expect(countTrue(results)).toBe(1);
      expect(await store.markOnce(key, Date.now() + 60_000)).toBe(false);
      expect(await store.markOnce(uid('jti'), Date.now() + 60_000)).toBe(true);
    });

    it('lets a key be marked again once its marker expired', async () => {
      const store = get();
      const key = uid('jti');
      expect(await store.markOnce(key, Date.now() - 1)).toBe(true);
      expect(await store.markOnce(key, Date.now() + 60_000)).toBe(true);
      expect(await store.markOnce(key, Date.now() - 1)).toBe(false);
    });
  });
}

function defineLifecycleTests(makeStore: () => Promise<EphemeralStoreAdapter>): void {
  describe('lifecycle', () => {
    it('migrates idempotently, also when two instances migrate together', async () => {
      const [a, b] = await Promise.all([makeStore(), makeStore()]);
      try {
        await Promise.all([a.migrate(), b.migrate(), a.migrate()]);
        await a.migrate();
        const record = makeChallenge();
        await b.putChallenge(record);
        expect(await b.consumeChallenge(record.challenge, Date.now())).toEqual(record);
        expect(await a.hitRateLimit(uid('rl'), 1000, Date.now())).toMatchObject({ count: 1 });
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('fails with StoreUnavailableError once closed', async () => {
      const store = await makeStore();
      await store.migrate();
      await store.close();
      await expect(store.putChallenge(makeChallenge())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.hitRateLimit(uid('rl'), 1000, Date.now())).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    });
  });
}
