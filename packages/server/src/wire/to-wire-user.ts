import type { User } from '@latchkey/core';
import type { UserRecord } from '../stores/contract.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** The wire shape of a user. */
export function toWireUser(u: UserRecord): User {
  return {
    id: u.id,
    email: u.email,
    emailVerified: u.emailVerified,
    displayName: u.displayName,
    tier: u.tier,
    createdAt: iso(u.createdAt),
  };
}
