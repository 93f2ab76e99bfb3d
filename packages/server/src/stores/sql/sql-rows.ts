import type {
  AuditRecord,
  ChallengeRecord,
  CredentialRecord,
  CredentialShape,
  DeviceCodeRecord,
  EmailLinkRecord,
  PairingRecord,
  SessionRecord,
  SigningKeyRecord,
  TokenRecord,
  UserRecord,
} from '../contract.js';

/**
 * Column lists and row readers for the SQL store. Drivers differ in what they hand
 * back (`pg` returns `bigint` as text and `bytea` as a `Buffer`; PGlite returns
 * numbers and `Uint8Array`s), so every value is read through a converter.
 *
 * @example
 * const { rows } = await client.query<Row>(`SELECT ${USER_COLUMNS} FROM latchkey.users`);
 * const users = rows.map(readUser);
 */
export type Row = Record<string, unknown>;

export const USER_COLUMNS =
  'id, email, display_name, user_handle, tier, prf_salt, created_at, external_id, email_verified';

export const CREDENTIAL_COLUMNS =
  'id, user_id, credential_id, public_key, counter, transports, device_type, backed_up, aaguid, name, ' +
  'provider_name, provider_icon, created_with, status, rp_id, prf, wrapped_key, created_at, last_used_at';

export const SESSION_COLUMNS =
  'id, secret_hash, user_id, kind, credential_id, created_at, expires_at, last_seen_at, elevated_until, ' +
  'ip, user_agent, pop_key, pop_proven_at';

export const TOKEN_COLUMNS =
  'id, user_id, name, scopes, agent, token_hash, created_at, expires_at, last_used_at';

export const AUDIT_COLUMNS = 'id, type, user_id, at, ip, user_agent, actor, data';

export const SIGNING_KEY_COLUMNS = 'kid, alg, private_jwk, public_jwk, created_at, retires_at';

export const CHALLENGE_COLUMNS = 'challenge, kind, binding, user_id, rp_id, expires_at, data';

export const PAIRING_COLUMNS =
  'id, code_hash, status, device_name, device, ip, rp_id, created_at, expires_at, user_id, requester_hash';

export const DEVICE_CODE_COLUMNS =
  'device_code_hash, user_code, status, client_name, scopes, agent, ip, created_at, expires_at, ' +
  'last_polled_at, user_id';

export function readUser(row: Row): UserRecord {
  return {
    id: text(row.id),
    email: textOrNull(row.email),
    displayName: textOrNull(row.display_name),
    externalId: textOrNull(row.external_id),
    userHandle: text(row.user_handle),
    tier: text(row.tier) as UserRecord['tier'],
    prfSalt: text(row.prf_salt),
    createdAt: millis(row.created_at),
    emailVerified: row.email_verified === true,
  };
}

export function readCredential(row: Row): CredentialRecord {
  return {
    id: text(row.id),
    userId: text(row.user_id),
    credentialId: text(row.credential_id),
    publicKey: bytes(row.public_key),
    counter: millis(row.counter),
    transports: json<string[]>(row.transports),
    deviceType: text(row.device_type) as CredentialRecord['deviceType'],
    backedUp: row.backed_up === true,
    aaguid: text(row.aaguid),
    name: text(row.name),
    providerName: text(row.provider_name),
    providerIcon: textOrNull(row.provider_icon),
    createdWith: json<CredentialRecord['createdWith']>(row.created_with),
    status: text(row.status) as CredentialRecord['status'],
    rpId: text(row.rp_id),
    prf: row.prf === true,
    wrappedKey: textOrNull(row.wrapped_key),
    createdAt: millis(row.created_at),
    lastUsedAt: millisOrNull(row.last_used_at),
  };
}

export function readCredentialShape(row: Row): CredentialShape {
  return {
    transports: json<string[]>(row.transports),
    idLength: Number(row.id_length),
    count: Number(row.count),
  };
}

export function readSession(row: Row): SessionRecord {
  return {
    id: text(row.id),
    secretHash: text(row.secret_hash),
    userId: text(row.user_id),
    kind: text(row.kind) as SessionRecord['kind'],
    credentialId: textOrNull(row.credential_id),
    createdAt: millis(row.created_at),
    expiresAt: millis(row.expires_at),
    lastSeenAt: millis(row.last_seen_at),
    elevatedUntil: millisOrNull(row.elevated_until),
    ip: textOrNull(row.ip),
    userAgent: textOrNull(row.user_agent),
    popKey: textOrNull(row.pop_key),
    popProvenAt: millisOrNull(row.pop_proven_at),
  };
}

export function readToken(row: Row): TokenRecord {
  return {
    id: text(row.id),
    userId: text(row.user_id),
    name: text(row.name),
    scopes: json<string[]>(row.scopes),
    agent: row.agent === true,
    tokenHash: text(row.token_hash),
    createdAt: millis(row.created_at),
    expiresAt: millisOrNull(row.expires_at),
    lastUsedAt: millisOrNull(row.last_used_at),
  };
}

export function readAudit(row: Row): AuditRecord {
  return {
    id: text(row.id),
    type: text(row.type),
    userId: textOrNull(row.user_id),
    at: millis(row.at),
    ip: textOrNull(row.ip),
    userAgent: textOrNull(row.user_agent),
    actor: textOrNull(row.actor),
    data: json<Record<string, unknown>>(row.data),
  };
}

export function readSigningKey(row: Row): SigningKeyRecord {
  return {
    kid: text(row.kid),
    alg: text(row.alg) as SigningKeyRecord['alg'],
    privateJwk: text(row.private_jwk),
    publicJwk: text(row.public_jwk),
    createdAt: millis(row.created_at),
    retiresAt: millisOrNull(row.retires_at),
  };
}

export const EMAIL_LINK_COLUMNS =
  'token_hash, purpose, user_id, email, binding, created_at, expires_at';

export function readEmailLink(row: Row): EmailLinkRecord {
  return {
    tokenHash: text(row.token_hash),
    purpose: text(row.purpose) as EmailLinkRecord['purpose'],
    userId: text(row.user_id),
    email: text(row.email),
    binding: textOrNull(row.binding),
    createdAt: millis(row.created_at),
    expiresAt: millis(row.expires_at),
  };
}

export function readChallenge(row: Row): ChallengeRecord {
  return {
    challenge: text(row.challenge),
    kind: text(row.kind) as ChallengeRecord['kind'],
    binding: text(row.binding),
    userId: textOrNull(row.user_id),
    rpId: text(row.rp_id),
    expiresAt: millis(row.expires_at),
    data: json<Record<string, unknown>>(row.data),
  };
}

export function readPairing(row: Row): PairingRecord {
  return {
    id: text(row.id),
    codeHash: text(row.code_hash),
    status: text(row.status) as PairingRecord['status'],
    deviceName: textOrNull(row.device_name),
    device: json<PairingRecord['device']>(row.device),
    ip: textOrNull(row.ip),
    rpId: text(row.rp_id),
    createdAt: millis(row.created_at),
    expiresAt: millis(row.expires_at),
    userId: textOrNull(row.user_id),
    requesterHash: text(row.requester_hash),
  };
}

export function readDeviceCode(row: Row): DeviceCodeRecord {
  return {
    deviceCodeHash: text(row.device_code_hash),
    userCode: text(row.user_code),
    status: text(row.status) as DeviceCodeRecord['status'],
    clientName: textOrNull(row.client_name),
    scopes: json<string[]>(row.scopes),
    agent: row.agent === true,
    ip: textOrNull(row.ip),
    createdAt: millis(row.created_at),
    expiresAt: millis(row.expires_at),
    lastPolledAt: millisOrNull(row.last_polled_at),
    userId: textOrNull(row.user_id),
  };
}

/** `bigint` columns: text from `pg`, a number from PGlite. */
export function millis(value: unknown): number {
  return Number(value);
}

export function millisOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/** Parameters for `jsonb` columns are sent as JSON text (`pg` would send an array as a SQL array). */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}

function text(value: unknown): string {
  return String(value);
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function json<T>(value: unknown): T {
  // A driver configured without the jsonb parser hands back the text.
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  // A driver configured without the bytea parser hands back PostgreSQL's hex format.
  if (typeof value === 'string' && value.startsWith('\\x')) {
    const hex = value.slice(2);
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i += 1)
      out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  throw new TypeError('unexpected bytea value from the database driver');
}
