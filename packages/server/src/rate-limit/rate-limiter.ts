import { LatchkeyError } from '@latchkey/core';
import type { Auditor } from '../audit/auditor.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { RequestContext } from '../http/request-context.js';
import { sha256 } from '../internal/crypto.js';
import type { LatchkeyStore } from '../stores/contract.js';

/**
 * Fixed-window limits kept in the (shared) store, so every instance counts the
 * same hits: per IP and route on every public POST, and per account for sign-in
 * and recovery attempts. Over the limit: `RATE_LIMITED` (429) with Retry-After.
 */
export class RateLimiter {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly store: LatchkeyStore,
    private readonly auditor: Auditor,
  ) {}

  /** Counts a public POST against the caller's IP. */
  async checkIp(ctx: RequestContext): Promise<void> {
    if (!this.config.rateLimit) return;
    await this.hit(
      ctx,
      `ip:${ctx.route}:${ctx.ip ?? 'unknown'}`,
      this.config.rateLimit.perIp,
      null,
    );
  }

  /** Counts an attempt against an account (an email, a user id, a code owner). */
  async checkAccount(
    ctx: RequestContext,
    scope: string,
    account: string,
    limit?: number,
  ): Promise<void> {
    if (!this.config.rateLimit) return;
    // Hashed: the key space of the store should not hold email addresses.
    const key = `acct:${scope}:${await sha256(account.toLowerCase())}`;
    await this.hit(ctx, key, limit ?? this.config.rateLimit.perAccount, account);
  }

  private async hit(
    ctx: RequestContext,
    key: string,
    limit: number,
    account: string | null,
  ): Promise<void> {
    if (!this.config.rateLimit) return;
    const windowMs = this.config.rateLimit.window * 1000;
    const { count, resetAt } = await this.store.hitRateLimit(key, windowMs, ctx.now);
    if (count <= limit) return;
    if (count === limit + 1) {
      await this.auditor.record(ctx, 'rate.limited', null, {
        route: ctx.route,
        scope: account ? 'account' : 'ip',
      });
    }
    throw new LatchkeyError('RATE_LIMITED', 'Too many attempts; try again later', {
      details: { retryAfter: Math.max(1, Math.ceil((resetAt - ctx.now) / 1000)) },
    });
  }
}
