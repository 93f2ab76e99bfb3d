import type { EphemeralStore, LatchkeyStore } from './contract.js';

/** A store of the short-lived half alone, with its own lifecycle (such as `redisStore`). */
export type EphemeralStoreAdapter = EphemeralStore & Pick<LatchkeyStore, 'migrate' | 'close'>;

/**
 * Joins a durable store and an ephemeral one into one `LatchkeyStore`: users,
 * passkeys, sessions, tokens, recovery codes, audit and signing keys go to
 * `durable`; challenges, rate limits, pairing, device codes and single-use markers
 * go to `ephemeral`, whatever `durable` would do with them. `migrate()` and
 * `close()` reach both.
 *
 * @example
 * import { combineStores } from '@latchkey/server';
 * import { postgresStore } from '@latchkey/server/postgres';
 * import { redisStore } from '@latchkey/server/redis';
 * const store = combineStores(
 *   postgresStore({ connectionString: process.env.DATABASE_URL! }),
 *   redisStore({ url: process.env.REDIS_URL! }),
 * );
 */
export function combineStores(
  durable: LatchkeyStore,
  ephemeral: EphemeralStoreAdapter,
): LatchkeyStore {
  return {
    ...(durable.dataDir === undefined ? {} : { dataDir: durable.dataDir }),
    async migrate() {
      await Promise.all([durable.migrate(), ephemeral.migrate()]);
    },
    async close() {
      // Close both even when one fails, then report the first failure.
      const results = await Promise.allSettled([durable.close(), ephemeral.close()]);
      for (const result of results) if (result.status === 'rejected') throw result.reason;
    },

    createUser: (account) => durable.createUser(account),
    getUser: (id) => durable.getUser(id),
    getUserByEmail: (email) => durable.getUserByEmail(email),
    getUserByExternalId: (externalId) => durable.getUserByExternalId(externalId),
    getUserByHandle: (userHandle) => durable.getUserByHandle(userHandle),
    updateUser: (id, patch) => durable.updateUser(id, patch),
    deleteUser: (id, event) => durable.deleteUser(id, event),
    hasActiveCredentialForRpId: (rpId) => durable.hasActiveCredentialForRpId(rpId),
    addCredential: (credential) => durable.addCredential(credential),
    getCredential: (credentialId) => durable.getCredential(credentialId),
    listCredentials: (userId) => durable.listCredentials(userId),
    credentialShapes: () => durable.credentialShapes(),
    recordCredentialUse: (credentialId, expected, use) =>
      durable.recordCredentialUse(credentialId, expected, use),
    updateCredential: (credentialId, patch) => durable.updateCredential(credentialId, patch),
    deleteCredential: (userId, credentialId, options) =>
      durable.deleteCredential(userId, credentialId, options),
    createSession: (session, event) => durable.createSession(session, event),
    getSessionBySecretHash: (secretHash) => durable.getSessionBySecretHash(secretHash),
    listSessions: (userId) => durable.listSessions(userId),
    updateSession: (id, patch) => durable.updateSession(id, patch),
    rotateSession: (id, newSecretHash, patch) => durable.rotateSession(id, newSecretHash, patch),
    deleteSession: (id) => durable.deleteSession(id),
    deleteSessionsOfUser: (userId, filter) => durable.deleteSessionsOfUser(userId, filter),
    getPassword: (userId) => durable.getPassword(userId),
    setPassword: (userId, hash, at, event) => durable.setPassword(userId, hash, at, event),
    getAccountFallbacks: (userId) => durable.getAccountFallbacks(userId),
    setAccountFallbacks: (userId, fallbacks, event) =>
      durable.setAccountFallbacks(userId, fallbacks, event),
    replaceRecoveryCodes: (userId, codeHashes) => durable.replaceRecoveryCodes(userId, codeHashes),
    consumeRecoveryCode: (userId, codeHash, at) =>
      durable.consumeRecoveryCode(userId, codeHash, at),
    findRecoveryCodeOwner: (codeHash) => durable.findRecoveryCodeOwner(codeHash),
    countRecoveryCodes: (userId) => durable.countRecoveryCodes(userId),
    createToken: (token) => durable.createToken(token),
    getTokenByHash: (tokenHash) => durable.getTokenByHash(tokenHash),
    listTokens: (userId) => durable.listTokens(userId),
    touchToken: (id, at) => durable.touchToken(id, at),
    deleteToken: (userId, id) => durable.deleteToken(userId, id),
    appendAudit: (event) => durable.appendAudit(event),
    listAudit: (filter) => durable.listAudit(filter),
    pruneAudit: (before, limit) => durable.pruneAudit(before, limit),
    getOrCreateSecret: (name, candidate) => durable.getOrCreateSecret(name, candidate),
    getSecret: (name) => durable.getSecret(name),
    listSigningKeys: () => durable.listSigningKeys(),
    addSigningKey: (key) => durable.addSigningKey(key),
    retireSigningKey: (kid, retiresAt) => durable.retireSigningKey(kid, retiresAt),

    putChallenge: (record) => ephemeral.putChallenge(record),
    consumeChallenge: (challenge, now) => ephemeral.consumeChallenge(challenge, now),
    hitRateLimit: (key, windowMs, now) => ephemeral.hitRateLimit(key, windowMs, now),
    peekRateLimit: (key, now) => ephemeral.peekRateLimit(key, now),
    putPairing: (record) => ephemeral.putPairing(record),
    getPairing: (id, now) => ephemeral.getPairing(id, now),
    getPairingByCodeHash: (codeHash, now) => ephemeral.getPairingByCodeHash(codeHash, now),
    decidePairing: (id, decision, now) => ephemeral.decidePairing(id, decision, now),
    takePairing: (id) => ephemeral.takePairing(id),
    putDeviceCode: (record) => ephemeral.putDeviceCode(record),
    getDeviceCode: (deviceCodeHash, now) => ephemeral.getDeviceCode(deviceCodeHash, now),
    getDeviceCodeByUserCode: (userCode, now) => ephemeral.getDeviceCodeByUserCode(userCode, now),
    decideDeviceCode: (userCode, decision, now) =>
      ephemeral.decideDeviceCode(userCode, decision, now),
    pollDeviceCode: (deviceCodeHash, now) => ephemeral.pollDeviceCode(deviceCodeHash, now),
    takeDeviceCode: (deviceCodeHash) => ephemeral.takeDeviceCode(deviceCodeHash),
    markOnce: (key, expiresAt) => ephemeral.markOnce(key, expiresAt),
    putEmailLink: (record) => ephemeral.putEmailLink(record),
    getEmailLink: (tokenHash, now) => ephemeral.getEmailLink(tokenHash, now),
    consumeEmailLink: (tokenHash, now) => ephemeral.consumeEmailLink(tokenHash, now),
  };
}
