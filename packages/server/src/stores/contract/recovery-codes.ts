import type { Millis } from './common.js';

export interface RecoveryCodeRecord {
  userId: string;
  codeHash: string;
  usedAt: Millis | null;
}

/** Recovery codes, stored as hashes. */
export interface RecoveryCodeStore {
  /** Replaces the user's whole set of recovery codes in one transaction. */
  replaceRecoveryCodes(userId: string, codeHashes: string[]): Promise<void>;
  /** Marks one unused code used; exactly one of two concurrent callers gets `true`. */
  consumeRecoveryCode(userId: string, codeHash: string, at: Millis): Promise<boolean>;
  /** Finds the user an unused code belongs to (sign-in by code alone). */
  findRecoveryCodeOwner(codeHash: string): Promise<string | null>;
  countRecoveryCodes(userId: string): Promise<number>;
}
