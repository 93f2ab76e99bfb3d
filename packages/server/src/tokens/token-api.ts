import { LatchkeyError, type TokenInfo, type User } from '@latchkey/core';
import type { Services } from '../services.js';
import { toWireToken } from '../wire/to-wire-token.js';
import { toWireUser } from '../wire/to-wire-user.js';
import { findBearer } from './find-bearer.js';
import { knownScopes } from './has-scopes.js';
import { issueToken } from './issue-token.js';

/** `latchkey.api.tokens`: personal and agent tokens from the host app's own code. */
export interface TokenApi {
  /**
   * Mints a token for a user (no step-up: the host app vouches). The text is
   * returned once; only its hash is kept. Unknown scopes throw `INVALID_BODY`.
   */
  create(
    userId: string,
    options: { name: string; scopes: string[]; expiresIn?: number; agent?: boolean },
  ): Promise<{ token: string; info: TokenInfo }>;
  /** The user's tokens that have not expired, newest first. */
  list(userId: string): Promise<TokenInfo[]>;
  /** Revokes one of the user's tokens at once; false when there was none. */
  revoke(userId: string, tokenId: string): Promise<boolean>;
  /** Who a token's text belongs to, or null when it is not valid (revoked, expired, unknown). */
  verify(token: string): Promise<{ user: User; token: TokenInfo } | null>;
}

/**
 * Builds `api.tokens`.
 *
 * @example
 * const { token } = await latchkey.api.tokens.create(userId, { name: 'CI', scopes: ['read'] });
 */
export function createTokenApi(services: Services, ready: () => Promise<void>): TokenApi {
  const { store, config, audit } = services;
  return {
    async create(userId, options) {
      await ready();
      if (!(await store.getUser(userId))) throw new LatchkeyError('NOT_FOUND', 'No such user');
      const name = typeof options?.name === 'string' ? options.name.trim() : '';
      if (!name || name.length > 64)
        throw new TypeError('tokens.create: name must be 1-64 characters');
      if (!Array.isArray(options.scopes) || options.scopes.length === 0)
        throw new TypeError('tokens.create: scopes must be a non-empty array');
      if (
        options.expiresIn !== undefined &&
        (!Number.isInteger(options.expiresIn) || options.expiresIn <= 0)
      )
        throw new TypeError('tokens.create: expiresIn must be a positive whole number of seconds');
      const { token, record } = await issueToken(services, null, {
        userId,
        name,
        scopes: knownScopes(config, options.scopes),
        agent: options.agent === true,
        ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
        via: 'api',
      });
      return { token, info: toWireToken(record) };
    },
    async list(userId) {
      await ready();
      const now = config.now();
      return (await store.listTokens(userId))
        .filter((t) => t.expiresAt === null || t.expiresAt > now)
        .sort((a, b) => b.createdAt - a.createdAt)
        .map(toWireToken);
    },
    async revoke(userId, tokenId) {
      await ready();
      const deleted = await store.deleteToken(userId, tokenId);
      if (deleted) await audit.record(null, 'token.revoked', userId, { tokenId, by: 'api' });
      return deleted;
    },
    async verify(token) {
      await ready();
      const found = await findBearer(services, token, config.now());
      if (found.status !== 'ok') return null;
      return { user: toWireUser(found.user), token: toWireToken(found.token) };
    },
  };
}
