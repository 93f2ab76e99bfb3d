import { LatchkeyError } from '@latchkey/core';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** NIST SP 800-63B §3.1.1.2: at least 8 characters; at least 64 must be allowed (we allow 128). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * A password as compared and stored: Unicode NFKC (NIST SP 800-63B
 * §3.1.1.2: normalise before hashing, so the same password typed on another
 * keyboard matches). Its length is counted in code points.
 *
 * @example
 * normalizePassword('ｐａｓｓ') // 'pass'
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Length in code points (a surrogate pair counts once, as a person would count it). */
export function passwordLength(password: string): number {
  return [...password].length;
}

/**
 * The rules a new password must meet, NIST SP 800-63B §3.1.1.2 and nothing
 * more: 8 to 128 characters after NFKC, any characters (spaces and emoji
 * included), no composition rules, and not on the bundled list of common
 * passwords (compared case-insensitively). Returns the normalised password;
 * throws `PASSWORD_TOO_SHORT`, `PASSWORD_TOO_LONG` or `PASSWORD_TOO_COMMON`.
 *
 * @example
 * const password = checkNewPassword(ctx.body.password);
 */
export function checkNewPassword(raw: string): string {
  const password = normalizePassword(raw);
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH)
    throw new LatchkeyError('PASSWORD_TOO_SHORT', `Use at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH)
    throw new LatchkeyError('PASSWORD_TOO_LONG', `Use at most ${PASSWORD_MAX_LENGTH} characters`);
  if (COMMON_PASSWORDS.has(password.toLowerCase()))
    throw new LatchkeyError(
      'PASSWORD_TOO_COMMON',
      'This password is one of the most common ones; choose another',
    );
  return password;
}
