import type {
  AssertionStart,
  AuditRecord,
  CredentialUse,
  LatchkeyStore,
  Millis,
  SessionRecord,
} from './contract.js';

/**
 * `store.startAssertion`, or the same steps composed from the methods it stands
 * for when the store has none (a custom store, or `combineStores`, whose
 * challenge and passkey live in different stores): the challenge consumed, then
 * the passkey and its user read in one call when the store can
 * (`getPasskeyAndUser`), else one after the other.
 *
 * @example
 * const { challenge, credential, user } = await startAssertion(store, challengeId, response.id, ctx.now);
 */
export async function startAssertion(
  store: LatchkeyStore,
  challenge: string,
  credentialId: string,
  now: Millis,
): Promise<AssertionStart> {
  if (store.startAssertion) return store.startAssertion(challenge, credentialId, now);
  const record = await store.consumeChallenge(challenge, now);
  if (record === null) return { challenge: null, credential: null, user: null };
  if (store.getPasskeyAndUser) {
    return { challenge: record, ...(await store.getPasskeyAndUser(credentialId)) };
  }
  const credential = await store.getCredential(credentialId);
  const user = credential === null ? null : await store.getUser(credential.userId);
  return { challenge: record, credential, user };
}

/**
 * `store.recordSignIn`, or, for a store without it, `recordCredentialUse`
 * then `createSession`: false, and no session, when the counter moved.
 *
 * @example
 * if (!(await recordSignIn(store, credentialId, counter, use, session, event))) throw raced();
 */
export async function recordSignIn(
  store: LatchkeyStore,
  credentialId: string,
  expectedCounter: number,
  use: CredentialUse,
  session: SessionRecord,
  event?: AuditRecord,
): Promise<boolean> {
  if (store.recordSignIn) {
    return store.recordSignIn(credentialId, expectedCounter, use, session, event);
  }
  if (!(await store.recordCredentialUse(credentialId, expectedCounter, use))) return false;
  await store.createSession(session, event);
  return true;
}
