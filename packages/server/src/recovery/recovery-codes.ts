import { normaliseCode, randomCode } from '../internal/crypto.js';
import type { ServerKeys } from '../internal/server-keys.js';

/** How many codes a set has. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * A fresh set of recovery codes (12 characters of a 30-letter alphabet, about
 * 59 bits each, shown as XXXX-XXXX-XXXX) and the hashes to store.
 */
export async function generateRecoveryCodes(
  keys: ServerKeys,
): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    randomCode(12).replace(/(.{4})(?=.)/g, '$1-'),
  );
  const hashes = await Promise.all(codes.map((code) => keys.hash('recovery', normaliseCode(code))));
  return { codes, hashes };
}

/**
 * Every stored form a code may have, current first: an HMAC of its normalised
 * text under a key derived from the server secret (59 bits would not survive an
 * offline search of a plain hash), and the plain SHA-256 of codes made before.
 */
export function recoveryCodeHashes(keys: ServerKeys, code: string): Promise<string[]> {
  return keys.candidates('recovery', normaliseCode(code));
}
