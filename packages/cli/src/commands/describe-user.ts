import type { User } from '@latchkey/core';
import { terminalSafe } from '../output/terminal-safe.js';

/**
 * How a person is named in messages: email, else display name, else id; as
 * the server sent it, so passed through `terminalSafe`.
 *
 * @example
 * describeUser({ email: 'ada@example.com', … }) // 'ada@example.com'
 */
export function describeUser(user: User): string {
  return terminalSafe(user.email ?? user.displayName ?? `user ${user.id}`);
}
