import type { RequestContext } from '../http/request-context.js';
import { randomToken } from '../internal/crypto.js';
import type { Services } from '../services.js';
import type { TokenRecord } from '../stores/contract.js';

export interface TokenRequest {
  userId: string;
  name: string;
  /** Already checked with `knownScopes`. */
  scopes: string[];
  agent: boolean;
  /** Seconds; capped at `config.tokens.maxTtl`, which is also the default. */
  expiresIn?: number;
  /** How it was made, for the audit log: `session`, `device` or `api`. */
  via: 'session' | 'device' | 'api';
}

/**
 * Token text: `lk_<id>_<secret>`. The id (16 base64url characters, public: it
 * shows in lists and audit) lets a holder revoke its own token without a list;
 * the secret is 32 random bytes. Only an HMAC of the whole text under a key
 * derived from the server secret is stored (see `ServerKeys`).
 */
const TOKEN_RE = /^lk_([A-Za-z0-9_-]{16})_([A-Za-z0-9_-]{43})$/;

/**
 * The public id inside a token's text, or null when it is not Latchkey's format.
 *
 * @example
 * tokenIdOf('lk_AAAAAAAAAAAAAAAA_' + 'x'.repeat(43)) // 'AAAAAAAAAAAAAAAA'
 */
export function tokenIdOf(token: string): string | null {
  return TOKEN_RE.exec(token)?.[1] ?? null;
}

/**
 * Mints a personal or agent token, stores its hash and audits `token.created`.
 * The returned text is the only copy there will ever be: show it once.
 *
 * @example
 * const { token, record } = await issueToken(services, ctx, {
 *   userId, name: 'deploy script', scopes: ['read'], agent: false, via: 'session',
 * });
 */
export async function issueToken(
  services: Services,
  ctx: RequestContext | null,
  request: TokenRequest,
): Promise<{ token: string; record: TokenRecord }> {
  const { config, store, audit } = services;
  const now = ctx?.now ?? config.now();
  const lifetime = Math.min(request.expiresIn ?? config.tokens.maxTtl, config.tokens.maxTtl);
  const id = randomToken(12);
  const token = `lk_${id}_${randomToken(32)}`;
  const record: TokenRecord = {
    id,
    userId: request.userId,
    name: request.name,
    scopes: request.scopes,
    agent: request.agent,
    tokenHash: await (await services.keys()).hash('token', token),
    createdAt: now,
    expiresAt: now + lifetime * 1000,
    lastUsedAt: null,
  };
  await store.createToken(record);
  await audit.record(ctx, 'token.created', request.userId, {
    tokenId: id,
    name: request.name,
    scopes: request.scopes,
    agent: request.agent,
    expiresAt: new Date(record.expiresAt!).toISOString(),
    via: request.via,
  });
  return { token, record };
}
