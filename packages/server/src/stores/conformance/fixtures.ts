// Fixtures and helpers of the conformance suite: every id is fresh, so tests never
// see each other's rows.
import { expect } from 'vitest';
import {
  type AuditRecord,
  type ChallengeRecord,
  type CredentialRecord,
  type DeviceCodeRecord,
  type LatchkeyStore,
  type PairingRecord,
  type SessionRecord,
  StoreConflictError,
  type TokenRecord,
  type UserRecord,
} from '../contract.js';

export function uid(label: string): string {
  return `${label}-${crypto.randomUUID()}`;
}

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function makeUser(overrides: Partial<UserRecord> = {}): UserRecord {
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

export function makeCredential(
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

export function makeSession(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
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

export function makeToken(userId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
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

export function makeChallenge(overrides: Partial<ChallengeRecord> = {}): ChallengeRecord {
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

export function makePairing(overrides: Partial<PairingRecord> = {}): PairingRecord {
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

export function makeDeviceCode(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
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

export function makeAudit(overrides: Partial<AuditRecord> = {}): AuditRecord {
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

export async function seedUser(
  store: LatchkeyStore,
  overrides: { user?: Partial<UserRecord>; credential?: Partial<CredentialRecord> } = {},
  recoveryCodeHashes: string[] = [],
): Promise<{ user: UserRecord; credential: CredentialRecord }> {
  const user = makeUser(overrides.user);
  const credential = makeCredential(user.id, overrides.credential);
  await store.createUser({ user, credential, recoveryCodeHashes });
  return { user, credential };
}

export async function expectConflict(
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

export function times<T>(count: number, make: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, index) => make(index)));
}

export function countTrue(results: boolean[]): number {
  return results.filter((result) => result).length;
}
