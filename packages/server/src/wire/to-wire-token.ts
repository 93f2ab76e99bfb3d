import type { TokenInfo } from '@latchkey/core';
import type { TokenRecord } from '../stores/contract.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The wire shape of a token (`TokenInfo`): everything but the secret and its hash.
 *
 * @example
 * toWireToken(record).lastUsedAt // '2026-06-01T12:00:00.000Z' or null
 */
export function toWireToken(t: TokenRecord): TokenInfo {
  return {
    id: t.id,
    name: t.name,
    scopes: [...t.scopes],
    agent: t.agent,
    createdAt: iso(t.createdAt),
    expiresAt: t.expiresAt === null ? null : iso(t.expiresAt),
    lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt),
  };
}
