import type { Millis } from './common.js';

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  agent: boolean;
  tokenHash: string;
  createdAt: Millis;
  expiresAt: Millis | null;
  lastUsedAt: Millis | null;
}

/** Personal and agent tokens, stored as hashes. */
export interface TokenStore {
  createToken(token: TokenRecord): Promise<void>;
  getTokenByHash(tokenHash: string): Promise<TokenRecord | null>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  touchToken(id: string, at: Millis): Promise<void>;
  deleteToken(userId: string, id: string): Promise<boolean>;
}
