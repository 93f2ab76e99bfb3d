import type { Millis } from './common.js';

export interface DeviceInfo {
  browser: string;
  os: string;
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'unknown';
}

export interface CredentialRecord {
  id: string;
  userId: string;
  /** base64url; unique across every user. */
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  aaguid: string;
  name: string;
  providerName: string;
  providerIcon: string | null;
  createdWith: DeviceInfo;
  status: 'active' | 'pending';
  rpId: string;
  prf: boolean;
  /** A wrapped data key for PRF-derived encryption, opaque to the store. */
  wrappedKey: string | null;
  createdAt: Millis;
  lastUsedAt: Millis | null;
}

/** How many active passkeys share one shape: their transports and id length. */
export interface CredentialShape {
  /** As stored (the authenticator's order). */
  transports: string[];
  /** Length of the base64url credential id, in characters. */
  idLength: number;
  count: number;
}

/** What a successful assertion updates. */
export interface CredentialUse {
  counter: number;
  backedUp: boolean;
  deviceType: 'singleDevice' | 'multiDevice';
  transports?: string[];
  lastUsedAt: Millis;
}

/** Passkeys. */
export interface CredentialStore {
  /** Throws `StoreConflictError` when the credential id exists (for any user). */
  addCredential(credential: CredentialRecord): Promise<void>;
  getCredential(credentialId: string): Promise<CredentialRecord | null>;
  listCredentials(userId: string): Promise<CredentialRecord[]>;
  /**
   * Active passkeys of every user, counted by shape (transports and id length):
   * decoy credentials for unknown emails are drawn from this mix. It may scan
   * every passkey; callers cache the answer.
   */
  credentialShapes(): Promise<CredentialShape[]>;
  /**
   * Records a sign-in, atomically: succeeds only while the stored counter is still
   * `expectedCounter` (two racing assertions cannot both move it). False otherwise.
   */
  recordCredentialUse(
    credentialId: string,
    expectedCounter: number,
    use: CredentialUse,
  ): Promise<boolean>;
  updateCredential(
    credentialId: string,
    patch: Partial<Pick<CredentialRecord, 'name' | 'status' | 'wrappedKey'>>,
  ): Promise<CredentialRecord | null>;
  /**
   * Deletes a passkey unless it is the user's last active one; in one step so two
   * concurrent deletes can never remove the last two. `'last'` when refused.
   */
  deleteCredential(
    userId: string,
    credentialId: string,
    options?: { allowLast?: boolean },
  ): Promise<'deleted' | 'last' | 'not-found'>;
  /**
   * Whether any active passkey exists for `rpId` (the gate's grace, `/session`'s
   * `rp.grace`). Asked on every such request: it must not scan every credential.
   */
  hasActiveCredentialForRpId(rpId: string): Promise<boolean>;
}
