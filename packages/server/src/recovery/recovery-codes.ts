import { normaliseCode, randomCode, sha256 } from '../internal/crypto.js';

/** How many codes a set has. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * A fresh set of recovery codes (12 characters of a 30-letter alphabet, about
 * 59 bits each, shown as XXXX-XXXX-XXXX) and the hashes to store.
 */
export async function generateRecoveryCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    randomCode(12).replace(/(.{4})(?=.)/g, '$1-'),
  );
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  return { codes, hashes };
}

/** The stored form of a code: SHA-256 of its normalised text. */
export function hashRecoveryCode(code: string): Promise<string> {
  return sha256(`recovery:${normaliseCode(code)}`);
}
