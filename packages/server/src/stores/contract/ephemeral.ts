import type { Millis } from './common.js';
import type { DeviceInfo } from './credentials.js';

/** A pending WebAuthn or proof-of-possession challenge. */
export interface ChallengeRecord {
  /** The challenge itself (base64url): the key. */
  challenge: string;
  kind: 'registration' | 'authentication' | 'step-up' | 'pop';
  /** Who asked: `session:<id>` or `pre:<pre-session id>`. A verify from anyone else fails. */
  binding: string;
  userId: string | null;
  rpId: string;
  expiresAt: Millis;
  /** Ceremony facts kept for the verify step (sign-up email, display name, …). */
  data: Record<string, unknown>;
}

export interface PairingRecord {
  id: string;
  /** SHA-256 of the normalised code. */
  codeHash: string;
  status: 'pending' | 'approved' | 'denied';
  deviceName: string | null;
  device: DeviceInfo;
  ip: string | null;
  rpId: string;
  createdAt: Millis;
  expiresAt: Millis;
  /** Set on approval: the user the new device will enrol for. */
  userId: string | null;
  /** Hash of the secret the asking device holds (its pairing cookie). */
  requesterHash: string;
}

export interface DeviceCodeRecord {
  /** SHA-256 of the device code: the key. */
  deviceCodeHash: string;
  /** Normalised user code (upper case, no dash); unique while pending. */
  userCode: string;
  status: 'pending' | 'approved' | 'denied';
  clientName: string | null;
  scopes: string[];
  agent: boolean;
  ip: string | null;
  createdAt: Millis;
  expiresAt: Millis;
  lastPolledAt: Millis | null;
  /** Set on approval. */
  userId: string | null;
}

/** A link sent by email: to sign in, or to verify the address of an account. */
export interface EmailLinkRecord {
  /** A peppered hash of the link's token (never the token): the key. */
  tokenHash: string;
  purpose: 'sign-in' | 'verify';
  userId: string;
  /** The address it was sent to, lower-cased. */
  email: string;
  /** A hash of the link cookie of the browser that asked (sign-in links); null for verification links. */
  binding: string | null;
  createdAt: Millis;
  expiresAt: Millis;
}

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  resetAt: Millis;
}

/**
 * The short-lived half: challenges, rate limits, pairing, device codes and
 * single-use markers. Entries vanish after `expiresAt` (or may linger, but are
 * then never returned).
 */
export interface EphemeralStore {
  putChallenge(record: ChallengeRecord): Promise<void>;
  /** Returns the record and deletes it in one step: exactly one of two concurrent callers gets it. Never returns an expired one. */
  consumeChallenge(challenge: string, now: Millis): Promise<ChallengeRecord | null>;

  /** Counts a hit in a fixed window of `windowMs` for `key`, atomically. */
  hitRateLimit(key: string, windowMs: number, now: Millis): Promise<RateLimitHit>;
  /** The count of `key`'s open window without a hit; `{count: 0}` when none is open at `now`. */
  peekRateLimit(key: string, now: Millis): Promise<RateLimitHit>;

  putPairing(record: PairingRecord): Promise<void>;
  getPairing(id: string, now: Millis): Promise<PairingRecord | null>;
  getPairingByCodeHash(codeHash: string, now: Millis): Promise<PairingRecord | null>;
  /** Moves a pending pairing to approved or denied; exactly one concurrent caller wins (true). */
  decidePairing(
    id: string,
    decision: { status: 'approved' | 'denied'; userId: string | null },
    now: Millis,
  ): Promise<boolean>;
  /** Deletes it (after the asking device collected its session): single use. True for the one caller that did. */
  takePairing(id: string): Promise<boolean>;

  putDeviceCode(record: DeviceCodeRecord): Promise<void>;
  getDeviceCode(deviceCodeHash: string, now: Millis): Promise<DeviceCodeRecord | null>;
  getDeviceCodeByUserCode(userCode: string, now: Millis): Promise<DeviceCodeRecord | null>;
  decideDeviceCode(
    userCode: string,
    decision: { status: 'approved' | 'denied'; userId: string | null },
    now: Millis,
  ): Promise<boolean>;
  /** Records a poll; returns the previous poll time (for `slow_down`). */
  pollDeviceCode(deviceCodeHash: string, now: Millis): Promise<Millis | null>;
  /** Deletes an approved code when its token is issued; exactly one caller gets true. */
  takeDeviceCode(deviceCodeHash: string): Promise<boolean>;

  /** Sets a single-use marker; true for the one caller that set it first (JWT `jti`s). */
  markOnce(key: string, expiresAt: Millis): Promise<boolean>;

  /** Stores an email link until its `expiresAt`. */
  putEmailLink(record: EmailLinkRecord): Promise<void>;
  /** The live link with this token hash, left in place (to check its browser first); never an expired one. */
  getEmailLink(tokenHash: string, now: Millis): Promise<EmailLinkRecord | null>;
  /** Returns the link and deletes it in one step: exactly one of two concurrent callers gets it. Never an expired one. */
  consumeEmailLink(tokenHash: string, now: Millis): Promise<EmailLinkRecord | null>;
}

/**
 * Every `EphemeralStore` method, named once: `combineStores` sends these to the
 * ephemeral store and the rest to the durable one. A method added to
 * `EphemeralStore` does not compile until it is named here.
 *
 * @example
 * EPHEMERAL_METHODS.includes('markOnce') // true
 */
export const EPHEMERAL_METHODS = Object.keys({
  putChallenge: true,
  consumeChallenge: true,
  hitRateLimit: true,
  peekRateLimit: true,
  putPairing: true,
  getPairing: true,
  getPairingByCodeHash: true,
  decidePairing: true,
  takePairing: true,
  putDeviceCode: true,
  getDeviceCode: true,
  getDeviceCodeByUserCode: true,
  decideDeviceCode: true,
  pollDeviceCode: true,
  takeDeviceCode: true,
  markOnce: true,
  putEmailLink: true,
  getEmailLink: true,
  consumeEmailLink: true,
} satisfies Record<keyof EphemeralStore, true>) as readonly (keyof EphemeralStore)[];
