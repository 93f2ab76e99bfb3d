import { LatchkeyError } from '@latchkey/core';
import type { RouteHandlers, Services } from '../services.js';
import type { AccountFallbacks } from '../stores/contract.js';
import { accountFallbacks, deploymentFallbacks, type FallbackMethod } from './account-fallbacks.js';

const METHODS: readonly FallbackMethod[] = ['recoveryCodes', 'magicLink', 'password'];

/**
 * `GET /fallbacks` (a full session) and `PUT /fallbacks` (after a step-up):
 * which ways in besides a passkey the account accepts, within what the
 * deployment allows. Turning on a method the deployment has off is
 * `400 FALLBACK_UNAVAILABLE`, and changes nothing.
 */
export const fallbackRoutes: RouteHandlers = {
  async getFallbacks(ctx, services) {
    return describe(services, ctx.user.id);
  },

  async updateFallbacks(ctx, services) {
    const { store, audit, config } = services;
    const user = ctx.user;
    const deployment = deploymentFallbacks(config);
    for (const method of METHODS) {
      if (ctx.body[method] === true && !deployment[method])
        throw new LatchkeyError(
          'FALLBACK_UNAVAILABLE',
          `${method} is turned off for this service`,
          { details: { method } },
        );
    }
    // The stored choice, not the effective one: a method the deployment turns
    // off and on again comes back as the account left it.
    const stored = (await store.getAccountFallbacks(user.id)) ?? {
      recoveryCodes: true,
      magicLink: true,
      password: true,
    };
    const next: AccountFallbacks = {
      recoveryCodes: ctx.body.recoveryCodes ?? stored.recoveryCodes,
      magicLink: ctx.body.magicLink ?? stored.magicLink,
      password: ctx.body.password ?? stored.password,
    };
    await audit.recordWith(ctx, 'fallbacks.changed', user.id, { ...next }, (event) =>
      store.setAccountFallbacks(user.id, next, event),
    );
    return describe(services, user.id);
  },
};

async function describe(services: Services, userId: string) {
  return {
    deployment: deploymentFallbacks(services.config),
    account: await accountFallbacks(services, userId),
    passwordSet: (await services.store.getPassword(userId)) !== null,
  };
}
