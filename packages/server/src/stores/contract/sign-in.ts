import type { AuditRecord } from './audit.js';
import type { Millis } from './common.js';
import type { CredentialRecord, CredentialUse } from './credentials.js';
import type { ChallengeRecord } from './ephemeral.js';
import type { SessionRecord } from './sessions.js';
import type { UserRecord } from './users.js';

/** What the first read of an assertion finds (`startAssertion`). */
export interface AssertionStart {
  /** The challenge, now consumed; null when it was unknown, used or expired. */
  challenge: ChallengeRecord | null;
  /** The passkey the assertion names, or null when none has its id. */
  credential: CredentialRecord | null;
  /** The passkey's user. */
  user: UserRecord | null;
}

/**
 * The two writes of a passkey sign-in, each in one call so a SQL store answers
 * it in one statement. Both are optional: without them the server composes the
 * same steps from the methods they stand for (`stores/sign-in-steps.ts`), so a
 * custom store keeps working; with them each must keep the promises of those
 * methods, and more (see each).
 */
export interface SignInStore {
  /**
   * `consumeChallenge(challenge, now)`, `getCredential(credentialId)` and
   * `getUser` of that passkey's user, in one call. The challenge keeps every
   * promise of `consumeChallenge`: exactly one of two concurrent callers gets
   * it, and never an expired one. When no live challenge is found, `credential`
   * and `user` may be null whether or not they exist.
   *
   * It spans both halves of the store (a challenge is short-lived, a passkey
   * durable), so `combineStores` never forwards it: the composed steps run
   * instead, each half answering its own.
   */
  startAssertion?(challenge: string, credentialId: string, now: Millis): Promise<AssertionStart>;
  /**
   * `getCredential(credentialId)` and `getUser` of that passkey's user, in one
   * call (one statement on a SQL store): the durable half of `startAssertion`,
   * which the server uses when the challenge lives in another store
   * (`combineStores`). A read; nothing is consumed.
   */
  getPasskeyAndUser?(credentialId: string): Promise<Pick<AssertionStart, 'credential' | 'user'>>;
  /**
   * `recordCredentialUse(credentialId, expectedCounter, use)` and, only when it
   * succeeds, `createSession(session, event)`, as one atomic write. False, and
   * nothing stored, when the counter is no longer `expectedCounter` (or the
   * passkey is gone). A taken secret hash or event id throws
   * `StoreConflictError` (`'other'`) and leaves the counter as it was.
   */
  recordSignIn?(
    credentialId: string,
    expectedCounter: number,
    use: CredentialUse,
    session: SessionRecord,
    event?: AuditRecord,
  ): Promise<boolean>;
}

/**
 * The store methods that read or write both halves of a combined store:
 * `combineStores` never forwards them, whichever store has them.
 *
 * @example
 * SPANNING_METHODS.includes('startAssertion') // true
 */
export const SPANNING_METHODS = Object.keys({
  startAssertion: true,
} satisfies Partial<Record<keyof SignInStore, true>>) as readonly (keyof SignInStore)[];
