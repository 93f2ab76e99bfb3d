import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers } from '../services.js';
import { toWireToken } from '../wire/to-wire-token.js';
import { knownScopes, requireScopes } from './has-scopes.js';
import { issueToken } from './issue-token.js';

/**
 * `POST /tokens` (after a step-up), `GET /tokens`, `DELETE /tokens/:id`:
 * personal and agent tokens. A token may list tokens with `read`, revoke itself
 * always (logout), and revoke others only with `admin`; it can never mint one
 * (that takes a passkey: a step-up here, or the device flow).
 *
 * @example
 * const handlers = { ...tokenRoutes };
 */
export const tokenRoutes: RouteHandlers = {
  async createToken(ctx, services) {
    const name = ctx.body.name.trim();
    if (!name) throw new LatchkeyError('INVALID_BODY', 'name: must not be blank');
    const { token, record } = await issueToken(services, ctx, {
      userId: ctx.user.id,
      name,
      scopes: knownScopes(services.config, ctx.body.scopes),
      agent: ctx.body.agent ?? false,
      ...(ctx.body.expiresIn === undefined ? {} : { expiresIn: ctx.body.expiresIn }),
      via: 'session',
    });
    return { token, info: toWireToken(record) };
  },

  async listTokens(ctx, { store }) {
    requireScopes(ctx, ['read']);
    const tokens = (await store.listTokens(ctx.user.id))
      .filter((t) => t.expiresAt === null || t.expiresAt > ctx.now)
      .sort((a, b) => b.createdAt - a.createdAt);
    return { tokens: tokens.map(toWireToken) };
  },

  async revokeToken(ctx, { store, audit }) {
    const id = ctx.params.id;
    const self = ctx.token?.id === id;
    if (!self) requireScopes(ctx, ['admin']);
    if (!(await store.deleteToken(ctx.user.id, id)))
      throw new LatchkeyError('NOT_FOUND', 'No such token');
    await audit.record(ctx, 'token.revoked', ctx.user.id, { tokenId: id, self });
    return { ok: true as const };
  },
};
