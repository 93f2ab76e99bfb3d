import {
  type AccountFallbacks,
  type AuditRecord,
  type ChallengeRecord,
  type CredentialRecord,
  type CredentialShape,
  type DeviceCodeRecord,
  type EmailLinkRecord,
  type LatchkeyStore,
  type Millis,
  type PairingRecord,
  type PasswordRecord,
  type SessionRecord,
  type SessionWatch,
  type SigningKeyRecord,
  StoreConflictError,
  StoreUnavailableError,
  type TokenRecord,
  type UserRecord,
} from '../contract.js';

/** How often, at most, expired short-lived entries are swept out of memory. */
const SWEEP_INTERVAL_MS = 60_000;

interface MemoryState {
  users: Map<string, UserRecord>;
  userIdByEmail: Map<string, string>;
  userIdByExternalId: Map<string, string>;
  userIdByHandle: Map<string, string>;
  credentials: Map<string, CredentialRecord>;
  credentialRecordIds: Set<string>;
  sessions: Map<string, SessionRecord>;
  sessionIdBySecretHash: Map<string, string>;
  recoveryCodes: Map<string, Map<string, Millis | null>>;
  passwords: Map<string, PasswordRecord>;
  fallbacks: Map<string, AccountFallbacks>;
  tokens: Map<string, TokenRecord>;
  tokenIdByHash: Map<string, string>;
  audit: AuditRecord[];
  auditIds: Set<string>;
  signingKeys: Map<string, SigningKeyRecord>;
  secrets: Map<string, string>;
  challenges: Map<string, ChallengeRecord>;
  rateLimits: Map<string, { count: number; resetAt: Millis }>;
  pairings: Map<string, PairingRecord>;
  deviceCodes: Map<string, DeviceCodeRecord>;
  onceMarkers: Map<string, Millis>;
  emailLinks: Map<string, EmailLinkRecord>;
}

/**
 * The reference store: everything in process memory, lost on restart. It keeps
 * every promise of the contract (atomic steps never await between their read and
 * their write), so the server's own tests run against it; use it for tests and
 * single-process demos, never for several instances.
 *
 * Records are copied on the way in and out, so callers can never mutate what the
 * store holds.
 *
 * @example
 * import { createLatchkey } from '@latchkey/server';
 * import { memoryStore } from '@latchkey/server/memory';
 * const latchkey = createLatchkey({ store: memoryStore(), rpName: 'Example', origins: ['http://localhost:3000'] });
 */
export function memoryStore(): LatchkeyStore {
  const state: MemoryState = {
    users: new Map(),
    userIdByEmail: new Map(),
    userIdByExternalId: new Map(),
    userIdByHandle: new Map(),
    credentials: new Map(),
    credentialRecordIds: new Set(),
    sessions: new Map(),
    sessionIdBySecretHash: new Map(),
    recoveryCodes: new Map(),
    passwords: new Map(),
    fallbacks: new Map(),
    tokens: new Map(),
    tokenIdByHash: new Map(),
    audit: [],
    auditIds: new Set(),
    signingKeys: new Map(),
    secrets: new Map(),
    challenges: new Map(),
    rateLimits: new Map(),
    pairings: new Map(),
    deviceCodes: new Map(),
    onceMarkers: new Map(),
    emailLinks: new Map(),
  };
  let closed = false;
  let lastSweep = 0;
  /** Who hears of changed sessions and users (`watchSessions`); every instance sharing this store. */
  const watchers = new Set<(userId: string) => void>();

  // Called after the change, with no await between: a watcher that reads
  // the store then sees the change.
  function changed(userId: string): void {
    for (const watcher of watchers) {
      try {
        watcher(userId);
      } catch {
        // A watcher's failure is its own.
      }
    }
  }

  function open(): MemoryState {
    if (closed) throw new StoreUnavailableError('the memory store is closed');
    return state;
  }

  function requireUser(s: MemoryState, userId: string): void {
    if (!s.users.has(userId)) throw new TypeError(`no user with id ${userId}`);
  }

  // Entries may linger past `expiresAt` (every read checks it); this only bounds memory.
  function sweep(s: MemoryState): void {
    const now = Date.now();
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    for (const [key, record] of s.challenges) if (record.expiresAt <= now) s.challenges.delete(key);
    for (const [key, hit] of s.rateLimits) if (hit.resetAt <= now) s.rateLimits.delete(key);
    for (const [key, record] of s.pairings) if (record.expiresAt <= now) s.pairings.delete(key);
    for (const [key, record] of s.deviceCodes)
      if (record.expiresAt <= now) s.deviceCodes.delete(key);
    for (const [key, expiresAt] of s.onceMarkers) if (expiresAt <= now) s.onceMarkers.delete(key);
    for (const [key, record] of s.emailLinks) if (record.expiresAt <= now) s.emailLinks.delete(key);
  }

  function checkNewCredential(s: MemoryState, credential: CredentialRecord): void {
    if (s.credentials.has(credential.credentialId)) throw new StoreConflictError('credentialId');
    if (s.credentialRecordIds.has(credential.id)) {
      throw new StoreConflictError('other', `credential record ${credential.id} already exists`);
    }
  }

  function insertCredential(s: MemoryState, credential: CredentialRecord): void {
    s.credentials.set(credential.credentialId, copy(credential));
    s.credentialRecordIds.add(credential.id);
  }

  function insertRecoveryCodes(s: MemoryState, userId: string, codeHashes: string[]): void {
    const codes = new Map<string, Millis | null>();
    for (const hash of codeHashes) codes.set(hash, null);
    s.recoveryCodes.set(userId, codes);
  }

  function checkNewSession(s: MemoryState, session: SessionRecord): void {
    if (s.sessions.has(session.id)) {
      throw new StoreConflictError('other', `session ${session.id} already exists`);
    }
    if (s.sessionIdBySecretHash.has(session.secretHash)) {
      throw new StoreConflictError('other', 'session secret hash already exists');
    }
  }

  function insertSession(s: MemoryState, session: SessionRecord): void {
    s.sessions.set(session.id, copy(session));
    s.sessionIdBySecretHash.set(session.secretHash, session.id);
  }

  function checkRecoveryCodes(codeHashes: string[]): void {
    if (new Set(codeHashes).size !== codeHashes.length) {
      throw new StoreConflictError('other', 'duplicate recovery code hash');
    }
  }

  function liveDeviceCodeByUserCode(
    s: MemoryState,
    userCode: string,
    now: Millis,
  ): DeviceCodeRecord | undefined {
    let found: DeviceCodeRecord | undefined;
    for (const record of s.deviceCodes.values()) {
      if (record.userCode !== userCode || record.expiresAt <= now) continue;
      if (found === undefined || outranks(record, found)) found = record;
    }
    return found;
  }

  return {
    async migrate() {
      open();
    },

    async close() {
      closed = true;
      watchers.clear();
    },

    async watchSessions(onChange) {
      open();
      // Copied so each watch is its own entry, even for the same function.
      const watcher = (userId: string) => onChange(userId);
      watchers.add(watcher);
      const watch: SessionWatch = {
        get live() {
          return !closed && watchers.has(watcher);
        },
        async close() {
          watchers.delete(watcher);
        },
      };
      return watch;
    },

    async createUser({ user, credential, recoveryCodeHashes, session, claim, events = [] }) {
      const s = open();
      if (
        (credential !== undefined && credential.userId !== user.id) ||
        (session !== undefined && session.userId !== user.id)
      ) {
        throw new TypeError('the first credential and session must belong to the new user');
      }
      const email = user.email?.toLowerCase() ?? null;
      // Every check runs before any write, so a conflict leaves nothing behind.
      if (s.users.has(user.id)) {
        throw new StoreConflictError('other', `user ${user.id} already exists`);
      }
      if (email !== null && s.userIdByEmail.has(email)) throw new StoreConflictError('email');
      if (user.externalId !== null && s.userIdByExternalId.has(user.externalId))
        throw new StoreConflictError('externalId');
      if (s.userIdByHandle.has(user.userHandle)) throw new StoreConflictError('userHandle');
      if (credential !== undefined) checkNewCredential(s, credential);
      checkRecoveryCodes(recoveryCodeHashes);
      if (session !== undefined) checkNewSession(s, session);
      if (claim !== undefined && s.secrets.has(claim.name)) {
        throw new StoreConflictError('other', `${claim.name} is already claimed`);
      }
      const eventIds = new Set(events.map((event) => event.id));
      if (eventIds.size < events.length || events.some((event) => s.auditIds.has(event.id))) {
        throw new StoreConflictError('other', 'an audit event of this sign-up already exists');
      }
      s.users.set(user.id, copy(user));
      if (email !== null) s.userIdByEmail.set(email, user.id);
      if (user.externalId !== null) s.userIdByExternalId.set(user.externalId, user.id);
      s.userIdByHandle.set(user.userHandle, user.id);
      if (credential !== undefined) insertCredential(s, credential);
      insertRecoveryCodes(s, user.id, recoveryCodeHashes);
      if (session !== undefined) insertSession(s, session);
      if (claim !== undefined) s.secrets.set(claim.name, claim.value);
      for (const event of events) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
    },

    async getUser(id) {
      return copyOrNull(open().users.get(id));
    },

    async getUserByEmail(email) {
      const s = open();
      const id = s.userIdByEmail.get(email.toLowerCase());
      return id === undefined ? null : copyOrNull(s.users.get(id));
    },

    async getUserByExternalId(externalId) {
      const s = open();
      const id = s.userIdByExternalId.get(externalId);
      return id === undefined ? null : copyOrNull(s.users.get(id));
    },

    async getUserByHandle(userHandle) {
      const s = open();
      const id = s.userIdByHandle.get(userHandle);
      return id === undefined ? null : copyOrNull(s.users.get(id));
    },

    async updateUser(id, patch) {
      const s = open();
      const user = s.users.get(id);
      if (user === undefined) return null;
      const email = patch.email === undefined ? undefined : (patch.email?.toLowerCase() ?? null);
      // Both checks before any write: a conflict changes nothing.
      if (email != null && (s.userIdByEmail.get(email) ?? id) !== id)
        throw new StoreConflictError('email');
      if (patch.externalId != null && (s.userIdByExternalId.get(patch.externalId) ?? id) !== id)
        throw new StoreConflictError('externalId');
      if (email !== undefined) {
        if (user.email !== null) s.userIdByEmail.delete(user.email.toLowerCase());
        if (email !== null) s.userIdByEmail.set(email, id);
        user.email = email;
      }
      if (patch.externalId !== undefined) {
        if (user.externalId !== null) s.userIdByExternalId.delete(user.externalId);
        if (patch.externalId !== null) s.userIdByExternalId.set(patch.externalId, id);
        user.externalId = patch.externalId;
      }
      if (patch.displayName !== undefined) user.displayName = patch.displayName;
      if (patch.tier !== undefined) user.tier = patch.tier;
      if (patch.emailVerified !== undefined) user.emailVerified = patch.emailVerified;
      changed(id);
      return copy(user);
    },

    async deleteUser(id, event) {
      const s = open();
      const user = s.users.get(id);
      if (user === undefined) return false;
      if (event !== undefined && s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      // No await from here on: the whole account goes in one step.
      for (const [credentialId, c] of s.credentials) {
        if (c.userId !== id) continue;
        s.credentials.delete(credentialId);
        s.credentialRecordIds.delete(c.id);
      }
      for (const [sessionId, x] of s.sessions) {
        if (x.userId !== id) continue;
        s.sessions.delete(sessionId);
        s.sessionIdBySecretHash.delete(x.secretHash);
      }
      for (const [tokenId, t] of s.tokens) {
        if (t.userId !== id) continue;
        s.tokens.delete(tokenId);
        s.tokenIdByHash.delete(t.tokenHash);
      }
      s.recoveryCodes.delete(id);
      s.passwords.delete(id);
      s.fallbacks.delete(id);
      if (user.email !== null) s.userIdByEmail.delete(user.email.toLowerCase());
      if (user.externalId !== null) s.userIdByExternalId.delete(user.externalId);
      s.userIdByHandle.delete(user.userHandle);
      s.users.delete(id);
      if (event !== undefined) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
      changed(id);
      return true;
    },

    async hasActiveCredentialForRpId(rpId) {
      for (const credential of open().credentials.values()) {
        if (credential.rpId === rpId && credential.status === 'active') return true;
      }
      return false;
    },

    async credentialShapes() {
      const shapes = new Map<string, CredentialShape>();
      for (const c of open().credentials.values()) {
        if (c.status !== 'active') continue;
        const key = JSON.stringify([c.transports, c.credentialId.length]);
        const shape = shapes.get(key);
        if (shape) shape.count++;
        else
          shapes.set(key, {
            transports: [...c.transports],
            idLength: c.credentialId.length,
            count: 1,
          });
      }
      return [...shapes.values()];
    },

    async addCredential(credential) {
      const s = open();
      requireUser(s, credential.userId);
      checkNewCredential(s, credential);
      insertCredential(s, credential);
    },

    async getCredential(credentialId) {
      return copyOrNull(open().credentials.get(credentialId));
    },

    async listCredentials(userId) {
      const list = [...open().credentials.values()].filter((c) => c.userId === userId);
      return list.sort(byCreatedAtThen((c) => c.id)).map(copy);
    },

    async recordCredentialUse(credentialId, expectedCounter, use) {
      const credential = open().credentials.get(credentialId);
      // Compare-and-set: a racing assertion that already moved the counter wins.
      if (credential === undefined || credential.counter !== expectedCounter) return false;
      credential.counter = use.counter;
      credential.backedUp = use.backedUp;
      credential.deviceType = use.deviceType;
      if (use.transports !== undefined) credential.transports = [...use.transports];
      credential.lastUsedAt = use.lastUsedAt;
      return true;
    },

    async recordSignIn(credentialId, expectedCounter, use, session, event) {
      const s = open();
      const credential = s.credentials.get(credentialId);
      if (credential === undefined || credential.counter !== expectedCounter) return false;
      // Every check before the first change: a refused session leaves the counter alone.
      requireUser(s, session.userId);
      checkNewSession(s, session);
      if (event !== undefined && s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      credential.counter = use.counter;
      credential.backedUp = use.backedUp;
      credential.deviceType = use.deviceType;
      if (use.transports !== undefined) credential.transports = [...use.transports];
      credential.lastUsedAt = use.lastUsedAt;
      insertSession(s, session);
      if (event !== undefined) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
      return true;
    },

    async updateCredential(credentialId, patch) {
      const credential = open().credentials.get(credentialId);
      if (credential === undefined) return null;
      if (patch.name !== undefined) credential.name = patch.name;
      if (patch.status !== undefined) credential.status = patch.status;
      if (patch.wrappedKey !== undefined) credential.wrappedKey = patch.wrappedKey;
      return copy(credential);
    },

    async deleteCredential(userId, credentialId, options) {
      const s = open();
      const credential = s.credentials.get(credentialId);
      if (credential === undefined || credential.userId !== userId) return 'not-found';
      if (credential.status === 'active' && options?.allowLast !== true) {
        let otherActive = false;
        for (const other of s.credentials.values()) {
          if (other.userId === userId && other.status === 'active' && other !== credential) {
            otherActive = true;
            break;
          }
        }
        if (!otherActive) return 'last';
      }
      s.credentials.delete(credentialId);
      s.credentialRecordIds.delete(credential.id);
      return 'deleted';
    },

    async createSession(session, event) {
      const s = open();
      requireUser(s, session.userId);
      checkNewSession(s, session);
      if (event !== undefined && s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      insertSession(s, session);
      if (event !== undefined) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
    },

    async getSessionBySecretHash(secretHash) {
      const s = open();
      const id = s.sessionIdBySecretHash.get(secretHash);
      return id === undefined ? null : copyOrNull(s.sessions.get(id));
    },

    async getSessionAndUser(secretHash) {
      const s = open();
      const id = s.sessionIdBySecretHash.get(secretHash);
      const session = id === undefined ? undefined : s.sessions.get(id);
      const user = session && s.users.get(session.userId);
      return session && user ? { session: copy(session), user: copy(user) } : null;
    },

    async listSessions(userId) {
      const list = [...open().sessions.values()].filter((x) => x.userId === userId);
      return list.sort(byCreatedAtThen((x) => x.id)).map(copy);
    },

    async updateSession(id, patch) {
      const session = open().sessions.get(id);
      if (session === undefined) return;
      if (patch.lastSeenAt !== undefined) session.lastSeenAt = patch.lastSeenAt;
      if (patch.expiresAt !== undefined) session.expiresAt = patch.expiresAt;
      if (patch.elevatedUntil !== undefined) session.elevatedUntil = patch.elevatedUntil;
      if (patch.kind !== undefined) session.kind = patch.kind;
      if (patch.popKey !== undefined) session.popKey = patch.popKey;
      if (patch.popProvenAt !== undefined) session.popProvenAt = patch.popProvenAt;
      changed(session.userId);
    },

    async rotateSession(id, newSecretHash, patch) {
      const s = open();
      const session = s.sessions.get(id);
      if (session === undefined) return;
      const holder = s.sessionIdBySecretHash.get(newSecretHash);
      if (holder !== undefined && holder !== id) {
        throw new StoreConflictError('other', 'session secret hash already exists');
      }
      s.sessionIdBySecretHash.delete(session.secretHash);
      s.sessionIdBySecretHash.set(newSecretHash, id);
      session.secretHash = newSecretHash;
      if (patch?.kind !== undefined) session.kind = patch.kind;
      if (patch?.elevatedUntil !== undefined) session.elevatedUntil = patch.elevatedUntil;
      if (patch?.expiresAt !== undefined) session.expiresAt = patch.expiresAt;
      if (patch?.credentialId !== undefined) session.credentialId = patch.credentialId;
      changed(session.userId);
    },

    async deleteSession(id) {
      const s = open();
      const session = s.sessions.get(id);
      if (session === undefined) return;
      s.sessions.delete(id);
      s.sessionIdBySecretHash.delete(session.secretHash);
      changed(session.userId);
    },

    async deleteSessionsOfUser(userId, filter) {
      const s = open();
      let deleted = 0;
      for (const session of [...s.sessions.values()]) {
        if (session.userId !== userId) continue;
        if (filter?.credentialId !== undefined && session.credentialId !== filter.credentialId)
          continue;
        if (filter?.exceptId !== undefined && session.id === filter.exceptId) continue;
        s.sessions.delete(session.id);
        s.sessionIdBySecretHash.delete(session.secretHash);
        deleted += 1;
      }
      if (deleted > 0) changed(userId);
      return deleted;
    },

    async getPassword(userId) {
      const record = open().passwords.get(userId);
      return record === undefined ? null : copy(record);
    },

    async setPassword(userId, hash, at, event) {
      const s = open();
      if (!s.users.has(userId)) return false;
      if (event !== undefined && s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      // No await from here on: the password and its event in one step.
      if (hash === null) s.passwords.delete(userId);
      else s.passwords.set(userId, { userId, hash, updatedAt: at });
      if (event !== undefined) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
      changed(userId);
      return true;
    },

    async getAccountFallbacks(userId) {
      const record = open().fallbacks.get(userId);
      return record === undefined ? null : copy(record);
    },

    async setAccountFallbacks(userId, fallbacks, event) {
      const s = open();
      if (!s.users.has(userId)) return false;
      if (event !== undefined && s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      const { recoveryCodes, magicLink, password } = fallbacks;
      s.fallbacks.set(userId, { recoveryCodes, magicLink, password });
      if (event !== undefined) {
        s.audit.push(copy(event));
        s.auditIds.add(event.id);
      }
      changed(userId);
      return true;
    },

    async replaceRecoveryCodes(userId, codeHashes) {
      const s = open();
      requireUser(s, userId);
      checkRecoveryCodes(codeHashes);
      insertRecoveryCodes(s, userId, codeHashes);
    },

    async consumeRecoveryCode(userId, codeHash, at) {
      const codes = open().recoveryCodes.get(userId);
      if (codes === undefined || codes.get(codeHash) !== null) return false;
      codes.set(codeHash, at);
      return true;
    },

    async findRecoveryCodeOwner(codeHash) {
      for (const [userId, codes] of open().recoveryCodes) {
        if (codes.get(codeHash) === null) return userId;
      }
      return null;
    },

    async countRecoveryCodes(userId) {
      let unused = 0;
      for (const usedAt of open().recoveryCodes.get(userId)?.values() ?? []) {
        if (usedAt === null) unused += 1;
      }
      return unused;
    },

    async createToken(token) {
      const s = open();
      requireUser(s, token.userId);
      if (s.tokens.has(token.id))
        throw new StoreConflictError('other', `token ${token.id} already exists`);
      if (s.tokenIdByHash.has(token.tokenHash)) {
        throw new StoreConflictError('other', 'token hash already exists');
      }
      s.tokens.set(token.id, copy(token));
      s.tokenIdByHash.set(token.tokenHash, token.id);
    },

    async getTokenByHash(tokenHash) {
      const s = open();
      const id = s.tokenIdByHash.get(tokenHash);
      return id === undefined ? null : copyOrNull(s.tokens.get(id));
    },

    async listTokens(userId) {
      const list = [...open().tokens.values()].filter((t) => t.userId === userId);
      return list.sort(byCreatedAtThen((t) => t.id)).map(copy);
    },

    async touchToken(id, at) {
      const token = open().tokens.get(id);
      if (token !== undefined) token.lastUsedAt = at;
    },

    async deleteToken(userId, id) {
      const s = open();
      const token = s.tokens.get(id);
      if (token === undefined || token.userId !== userId) return false;
      s.tokens.delete(id);
      s.tokenIdByHash.delete(token.tokenHash);
      return true;
    },

    async appendAudit(event) {
      const s = open();
      if (s.auditIds.has(event.id)) {
        throw new StoreConflictError('other', `audit event ${event.id} already exists`);
      }
      s.audit.push(copy(event));
      s.auditIds.add(event.id);
    },

    async listAudit(filter) {
      const s = open();
      const found: AuditRecord[] = [];
      // Walk from the end so events appended later come first among equal times.
      const ordered = s.audit
        .map((event, index) => ({ event, index }))
        .sort((a, b) => b.event.at - a.event.at || b.index - a.index);
      for (const { event } of ordered) {
        if (found.length >= filter.limit) break;
        if (filter.userId !== undefined && event.userId !== filter.userId) continue;
        if (filter.before !== undefined && event.at >= filter.before) continue;
        found.push(copy(event));
      }
      return found;
    },

    async pruneAudit(before, limit) {
      const s = open();
      const old = s.audit
        .map((event, index) => ({ event, index }))
        .filter(({ event }) => event.at < before)
        .sort((a, b) => a.event.at - b.event.at || a.index - b.index)
        .slice(0, Math.max(0, Math.floor(limit)));
      if (old.length === 0) return 0;
      const gone = new Set(old.map(({ index }) => index));
      s.audit = s.audit.filter((_, index) => !gone.has(index));
      for (const { event } of old) s.auditIds.delete(event.id);
      return old.length;
    },

    async getOrCreateSecret(name, candidate) {
      const s = open();
      const existing = s.secrets.get(name);
      if (existing !== undefined) return existing;
      s.secrets.set(name, candidate);
      return candidate;
    },

    async getSecret(name) {
      return open().secrets.get(name) ?? null;
    },

    async listSigningKeys() {
      const keys = [...open().signingKeys.values()];
      return keys.sort(byCreatedAtThen((k) => k.kid)).map(copy);
    },

    async addSigningKey(key) {
      const s = open();
      if (!s.signingKeys.has(key.kid)) s.signingKeys.set(key.kid, copy(key));
    },

    async retireSigningKey(kid, retiresAt) {
      const key = open().signingKeys.get(kid);
      if (key !== undefined) key.retiresAt = retiresAt;
    },

    async putChallenge(record) {
      const s = open();
      sweep(s);
      s.challenges.set(record.challenge, copy(record));
    },

    async consumeChallenge(challenge, now) {
      const s = open();
      const record = s.challenges.get(challenge);
      if (record === undefined) return null;
      s.challenges.delete(challenge);
      return record.expiresAt > now ? record : null;
    },

    async startAssertion(challenge, credentialId, now) {
      const s = open();
      const record = s.challenges.get(challenge);
      if (record === undefined) return { challenge: null, credential: null, user: null };
      s.challenges.delete(challenge);
      const credential = s.credentials.get(credentialId);
      const user = credential && s.users.get(credential.userId);
      return {
        challenge: record.expiresAt > now ? record : null,
        credential: copyOrNull(credential),
        user: copyOrNull(user),
      };
    },

    async getPasskeyAndUser(credentialId) {
      const s = open();
      const credential = s.credentials.get(credentialId);
      const user = credential && s.users.get(credential.userId);
      return { credential: copyOrNull(credential), user: copyOrNull(user) };
    },

    async hitRateLimit(key, windowMs, now) {
      const s = open();
      sweep(s);
      const current = s.rateLimits.get(key);
      if (current === undefined || current.resetAt <= now) {
        const fresh = { count: 1, resetAt: now + windowMs };
        s.rateLimits.set(key, fresh);
        return { ...fresh };
      }
      current.count += 1;
      return { ...current };
    },

    async peekRateLimit(key, now) {
      const current = open().rateLimits.get(key);
      return current === undefined || current.resetAt <= now
        ? { count: 0, resetAt: now }
        : { ...current };
    },

    async putPairing(record) {
      const s = open();
      sweep(s);
      s.pairings.set(record.id, copy(record));
    },

    async getPairing(id, now) {
      const record = open().pairings.get(id);
      return record !== undefined && record.expiresAt > now ? copy(record) : null;
    },

    async getPairingByCodeHash(codeHash, now) {
      let found: PairingRecord | undefined;
      for (const record of open().pairings.values()) {
        if (record.codeHash !== codeHash || record.expiresAt <= now) continue;
        if (found === undefined || record.createdAt >= found.createdAt) found = record;
      }
      return copyOrNull(found);
    },

    async decidePairing(id, decision, now) {
      const record = open().pairings.get(id);
      if (record === undefined || record.status !== 'pending' || record.expiresAt <= now)
        return false;
      record.status = decision.status;
      record.userId = decision.userId;
      return true;
    },

    async takePairing(id) {
      return open().pairings.delete(id);
    },

    async putDeviceCode(record) {
      const s = open();
      sweep(s);
      const holder = liveDeviceCodeByUserCode(s, record.userCode, Date.now());
      if (
        holder !== undefined &&
        holder.status === 'pending' &&
        holder.deviceCodeHash !== record.deviceCodeHash
      ) {
        throw new StoreConflictError('other', 'user code is taken by a pending device code');
      }
      s.deviceCodes.set(record.deviceCodeHash, copy(record));
    },

    async getDeviceCode(deviceCodeHash, now) {
      const record = open().deviceCodes.get(deviceCodeHash);
      return record !== undefined && record.expiresAt > now ? copy(record) : null;
    },

    async getDeviceCodeByUserCode(userCode, now) {
      return copyOrNull(liveDeviceCodeByUserCode(open(), userCode, now));
    },

    async decideDeviceCode(userCode, decision, now) {
      const record = liveDeviceCodeByUserCode(open(), userCode, now);
      if (record === undefined || record.status !== 'pending') return false;
      record.status = decision.status;
      record.userId = decision.userId;
      return true;
    },

    async pollDeviceCode(deviceCodeHash, now) {
      const record = open().deviceCodes.get(deviceCodeHash);
      if (record === undefined || record.expiresAt <= now) return null;
      const previous = record.lastPolledAt;
      record.lastPolledAt = now;
      return previous;
    },

    async takeDeviceCode(deviceCodeHash) {
      const s = open();
      const record = s.deviceCodes.get(deviceCodeHash);
      if (record === undefined || record.status !== 'approved') return false;
      s.deviceCodes.delete(deviceCodeHash);
      return true;
    },

    async markOnce(key, expiresAt) {
      const s = open();
      sweep(s);
      const current = s.onceMarkers.get(key);
      if (current !== undefined && current > Date.now()) return false;
      s.onceMarkers.set(key, expiresAt);
      return true;
    },

    async putEmailLink(record) {
      const s = open();
      sweep(s);
      s.emailLinks.set(record.tokenHash, copy(record));
    },

    async getEmailLink(tokenHash, now) {
      const record = open().emailLinks.get(tokenHash);
      return record !== undefined && record.expiresAt > now ? copy(record) : null;
    },

    async consumeEmailLink(tokenHash, now) {
      const s = open();
      const record = s.emailLinks.get(tokenHash);
      if (record === undefined) return null;
      s.emailLinks.delete(tokenHash);
      return record.expiresAt > now ? record : null;
    },
  };
}

/** Among live codes sharing a user code, the pending one wins; then the newer. */
function outranks(a: DeviceCodeRecord, b: DeviceCodeRecord): boolean {
  const pendingA = a.status === 'pending';
  const pendingB = b.status === 'pending';
  if (pendingA !== pendingB) return pendingA;
  return a.createdAt >= b.createdAt;
}

function byCreatedAtThen<T extends { createdAt: Millis }>(
  key: (record: T) => string,
): (a: T, b: T) => number {
  return (a, b) => a.createdAt - b.createdAt || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * A deep copy, so no caller shares a stored record. Records are plain objects of
 * primitives, arrays and bytes: copied by hand, several times faster than
 * `structuredClone` (which every read paid); anything else goes to `structuredClone`.
 */
function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}

function copyOrNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : copy(value);
}
