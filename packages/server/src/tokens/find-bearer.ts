import { constantTimeEqual } from '../internal/crypto.js';
import type { Services } from '../services.js';
import type { TokenRecord, UserRecord } from '../stores/contract.js';

/** `lastUsedAt` is written at most this often, so a busy script does not write on every call. */
const TOUCH_INTERVAL_MS = 60_000;

export type BearerLookup =
  | { status: 'ok'; token: TokenRecord; user: UserRecord }
  | { status: 'unknown' | 'expired' };

/**
 * Finds a presented bearer token by the keyed hash of its text, and its user;
 * refuses expired ones and tokens of a deleted user, and touches `lastUsedAt`
 * (at most once a minute). Revocation deletes the record, so it takes effect on
 * the next request on every instance (no cache).
 *
 * @example
 * const found = await findBearer(services, 'lk_…', Date.now());
 * if (found.status === 'ok') console.log(found.user.id);
 */
export async function findBearer(
  services: Services,
  presented: string,
  now: number,
): Promise<BearerLookup> {
  const { store } = services;
  if (presented.length === 0 || presented.length > 512) return { status: 'unknown' };
  // Under the current secret, then older ones and the plain SHA-256 of tokens
  // made before the secret existed (they keep working until they expire).
  let token: TokenRecord | null = null;
  for await (const hash of (await services.keys()).forms('token', presented)) {
    const found = await store.getTokenByHash(hash);
    // The store finds by hash; comparing again in constant time keeps a store that
    // matches loosely (a case-insensitive collation, say) from letting a near miss in.
    if (found && constantTimeEqual(found.tokenHash, hash)) {
      token = found;
      break;
    }
  }
  if (!token) return { status: 'unknown' };
  if (token.expiresAt !== null && now >= token.expiresAt) return { status: 'expired' };
  const user = await store.getUser(token.userId);
  if (!user) return { status: 'unknown' };
  if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_INTERVAL_MS) {
    await store.touchToken(token.id, now);
    token.lastUsedAt = now;
  }
  return { status: 'ok', token, user };
}
