import type { Millis } from './common.js';

export interface SigningKeyRecord {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  /** Private JWK as JSON text. */
  privateJwk: string;
  publicJwk: string;
  createdAt: Millis;
  /** Set when rotated out: still published (and verified) until `retiresAt`. */
  retiresAt: Millis | null;
}

/** Server secrets kept in the store, and the JWT signing keys. */
export interface SecretStore {
  /**
   * Returns the secret stored under `name`, storing `candidate` first when there is
   * none. Concurrent callers (other instances included) all get the same value.
   */
  getOrCreateSecret(name: string, candidate: string): Promise<string>;
  /** The secret stored under `name`, or null. */
  getSecret(name: string): Promise<string | null>;

  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Adds a key unless one with the same kid exists. */
  addSigningKey(key: SigningKeyRecord): Promise<void>;
  retireSigningKey(kid: string, retiresAt: Millis): Promise<void>;
}
