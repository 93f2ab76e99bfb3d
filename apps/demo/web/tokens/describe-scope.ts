/** The built-in scopes, each including the ones before it (`admin` ⊃ `write` ⊃ `read`). */
export const BUILT_IN_SCOPES = ['read', 'write', 'admin'] as const;

export type BuiltInScope = (typeof BUILT_IN_SCOPES)[number];

const SCOPE_MEANINGS: Record<BuiltInScope, string> = {
  read: 'see your account: who you are, your tokens',
  write: 'see your account and change things in the app for you',
  admin: 'everything write can, and revoke your other tokens',
};

/**
 * What a scope lets a token do, in words; an app's own scope (`notes:write`) is
 * shown as it is.
 *
 * @example
 * describeScope('write') // 'write: see your account and change things in the app for you'
 * describeScope('notes:write') // 'notes:write'
 */
export function describeScope(scope: string): string {
  const meaning = (SCOPE_MEANINGS as Record<string, string | undefined>)[scope];
  return meaning ? `${scope}: ${meaning}` : scope;
}
