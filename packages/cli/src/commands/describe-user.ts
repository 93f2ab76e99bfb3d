import type { User } from '@latchkey/core';

/**
 * How a person is named in messages: email, else display name, else id.
 *
 * @example
 * describeUser({ email: 'ada@example.com', … }) // 'ada@example.com'
 */
export function describeUser(user: User): string {
  return user.email ?? user.displayName ?? `user ${user.id}`;
}
