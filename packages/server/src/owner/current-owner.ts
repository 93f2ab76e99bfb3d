import type { Services } from '../services.js';
import type { UserRecord } from '../stores/contract.js';

/**
 * The secret whose value is the owner's user id, in owner mode: the first
 * sign-up creates it in the same transaction as the account (`createUser`'s
 * `claim`), so only one device ever claims an instance.
 */
export const OWNER_CLAIM = 'latchkey.owner';

/**
 * The owner of an owner-mode instance, or null while it is unclaimed.
 *
 * @example
 * if (config.mode === 'owner' && (await currentOwner(services))) return null; // claimed
 */
export async function currentOwner(services: Services): Promise<UserRecord | null> {
  const id = await services.store.getSecret(OWNER_CLAIM);
  return id ? services.store.getUser(id) : null;
}
