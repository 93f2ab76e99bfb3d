import { LatchkeyError } from '@latchkey/core';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { RequestContext } from '../http/request-context.js';

/**
 * The built-in scopes, each including the ones before it: `admin` ⊃ `write` ⊃ `read`.
 *
 * @example
 * BUILT_IN_SCOPES.includes('write') // true
 */
export const BUILT_IN_SCOPES = ['read', 'write', 'admin'] as const;

const RANK: Readonly<Record<string, number>> = { read: 0, write: 1, admin: 2 };

/**
 * True when the granted scopes cover every required one. A built-in scope
 * covers the built-in ones below it (`admin` includes `write`, which includes
 * `read`); an app-defined scope (`notes:write`) covers only itself.
 *
 * @example
 * hasScopes({ scopes: ['write'] }, ['read'])        // true
 * hasScopes(['read'], ['write'])                     // false
 * hasScopes({ scopes: ['admin'] }, ['notes:write']) // false
 */
export function hasScopes(
  granted: { readonly scopes: readonly string[] } | readonly string[],
  required: readonly string[],
): boolean {
  const scopes: readonly string[] = Array.isArray(granted)
    ? granted
    : (granted as { readonly scopes: readonly string[] }).scopes;
  let best = -1;
  for (const scope of scopes) best = Math.max(best, RANK[scope] ?? -1);
  return required.every((scope) => {
    const rank = RANK[scope];
    return rank === undefined ? scopes.includes(scope) : best >= rank;
  });
}

/**
 * Refuses a request made with a bearer token that lacks `required`
 * (`INSUFFICIENT_SCOPE`; the answer carries the RFC 6750 §3.1 challenge).
 * Browser sessions hold every scope.
 *
 * @example
 * requireScopes(ctx, ['write']);
 */
export function requireScopes(
  ctx: Pick<RequestContext, 'token'>,
  required: readonly string[],
): void {
  if (!ctx.token || hasScopes(ctx.token, required)) return;
  throw new LatchkeyError(
    'INSUFFICIENT_SCOPE',
    `This token lacks the scope${required.length > 1 ? 's' : ''} ${required.join(', ')}`,
    { details: { scope: required.join(' ') } },
  );
}

/**
 * Checks requested scopes against the built-in ones and `config.tokens.scopes`;
 * an unknown one is refused with `INVALID_BODY`. Returns them without duplicates.
 *
 * @example
 * knownScopes(config, ['read', 'read', 'notes:write']) // ['read', 'notes:write']
 */
export function knownScopes(config: ResolvedConfig, requested: readonly string[]): string[] {
  const out: string[] = [];
  for (const scope of requested) {
    const known =
      (BUILT_IN_SCOPES as readonly string[]).includes(scope) ||
      config.tokens.scopes.includes(scope);
    if (!known) throw new LatchkeyError('INVALID_BODY', `scopes: ${scope} is not a scope here`);
    if (!out.includes(scope)) out.push(scope);
  }
  return out;
}
