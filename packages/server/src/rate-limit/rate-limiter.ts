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

  private warnedNoAddress = false;

  /**
   * Counts a public POST against the caller's IP. With no address known (an
   * adapter that passes no peer, no `trustProxy`), the per-IP limit is skipped
   * rather than counted in one bucket every client shares, where one client
   * would lock everyone out; the per-account limits still apply, and the first
   * such request logs a warning.
   */
  async checkIp(ctx: RequestContext): Promise<void> {
    if (!this.config.rateLimit) return;
    if (ctx.ip === null) {
      if (!this.warnedNoAddress) {
        this.warnedNoAddress = true;
        this.config.logger(
          'no client address: the adapter passed no peer and trustProxy names no proxy, so ' +
            'per-IP rate limits are off. Use the node, hono, bun or deno adapter, or set trustProxy.',
          null,
        );
      }
      return;
    }
    await this.hit(ctx, `ip:${ctx.route}:${ctx.ip}`, this.config.rateLimit.perIp, null);
  }

  /**
   * Counts an attempt against an account (an email, a user id, a code owner),
   * in the configured window or, for budgets that must hold longer (emails sent
   * to one address), in `window` seconds.
   */
  async checkAccount(
    ctx: RequestContext,
    scope: string,
    account: string,
    limit?: number,
    window?: number,
  ): Promise<void> {
    if (!this.config.rateLimit) return;
    // Hashed: the key space of the store should not hold email addresses.
    const key = `acct:${scope}:${await sha256(account.toLowerCase())}`;
    await this.hit(ctx, key, limit ?? this.config.rateLimit.perAccount, account, window);
  }

  /**
   * Refuses an assertion (sign-in or step-up) for a passkey or an account that
   * failed `perCredential` / `perAccount` times in the window, before any work:
   * spreading attempts over many IPs must not buy more of them.
   */
  async checkAssertionFailures(
    ctx: RequestContext,
    subject: { credentialId: string | null; userId: string | null },
  ): Promise<void> {
    const limits = this.config.rateLimit;
    if (!limits) return;
    const keys = await this.failureKeys(subject);
    // Both counts at once: one round trip's wait on a remote store, not two.
    const hits = await Promise.all(keys.map(([key]) => this.store.peekRateLimit(key, ctx.now)));
    for (const [i, { count, resetAt }] of hits.entries()) {
      if (count >= keys[i]![1]) throw rateLimited(resetAt, ctx.now);
    }
  }

  /** Counts one failed assertion against its passkey and its account (whichever are known). */
  async countAssertionFailure(
    ctx: RequestContext,
    subject: { credentialId: string | null; userId: string | null },
  ): Promise<void> {
    const limits = this.config.rateLimit;
    if (!limits) return;
    for (const [key, limit] of await this.failureKeys(subject)) {
      const { count } = await this.store.hitRateLimit(key, limits.window * 1000, ctx.now);
      if (count === limit) {
        await this.auditor.record(ctx, 'rate.limited', subject.userId, {
          route: ctx.route,
          scope: key.startsWith('fail:cred:') ? 'credential' : 'account',
        });
      }
    }
  }

  private async failureKeys(subject: {
    credentialId: string | null;
    userId: string | null;
  }): Promise<Array<[string, number]>> {
    if (!this.config.rateLimit) return [];
    const { perCredential, perAccount } = this.config.rateLimit;
    const keys: Array<[string, number]> = [];
    if (subject.credentialId)
      keys.push([`fail:cred:${await sha256(subject.credentialId)}`, perCredential]);
    if (subject.userId) keys.push([`fail:acct:${subject.userId}`, perAccount]);
    return keys;
  }

  private async hit(
    ctx: RequestContext,
    key: string,
    limit: number,
    account: string | null,
    window?: number,
  ): Promise<void> {
    if (!this.config.rateLimit) return;
    const windowMs = (window ?? this.config.rateLimit.window) * 1000;
    const { count, resetAt } = await this.store.hitRateLimit(key, windowMs, ctx.now);
    if (count <= limit) return;
    if (count === limit + 1) {
      await this.auditor.record(ctx, 'rate.limited', null, {
        route: ctx.route,
        scope: account ? 'account' : 'ip',
      });
    }
    throw rateLimited(resetAt, ctx.now);
  }
}

function rateLimited(resetAt: number, now: number): LatchkeyError {
  return new LatchkeyError('RATE_LIMITED', 'Too many attempts; try again later', {
    details: { retryAfter: Math.max(1, Math.ceil((resetAt - now) / 1000)) },
  });
}
