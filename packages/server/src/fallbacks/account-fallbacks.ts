import type { ResolvedConfig } from '../config/resolve-config.js';
import type { Services } from '../services.js';
import type { AccountFallbacks } from '../stores/contract.js';

/** A way in besides a passkey. */
export type FallbackMethod = keyof AccountFallbacks;

/**
 * What the deployment allows: recovery codes always, a sign-in link with
 * `fallbacks.magicLink`, a password with `fallbacks.password`.
 *
 * @example
 * deploymentFallbacks(config).password // false unless configured
 */
export function deploymentFallbacks(config: Pick<ResolvedConfig, 'fallbacks'>): AccountFallbacks {
  return {
    recoveryCodes: true,
    magicLink: config.fallbacks.magicLink,
    password: config.fallbacks.password,
  };
}

/**
 * What an account accepts: its own choice (every method, when it never chose),
 * within what the deployment allows.
 *
 * @example
 * const { password } = await accountFallbacks(services, user.id);
 */
export async function accountFallbacks(
  services: Pick<Services, 'config' | 'store'>,
  userId: string,
): Promise<AccountFallbacks> {
  const deployment = deploymentFallbacks(services.config);
  const chosen = (await services.store.getAccountFallbacks(userId)) ?? {
    recoveryCodes: true,
    magicLink: true,
    password: true,
  };
  return {
    recoveryCodes: deployment.recoveryCodes && chosen.recoveryCodes,
    magicLink: deployment.magicLink && chosen.magicLink,
    password: deployment.password && chosen.password,
  };
}

/**
 * The one check every non-passkey sign-in makes (recovery code, email link,
 * password): whether this account accepts `method`. Each path answers a
 * refusal as it answers a wrong secret, so a refusal tells nothing more.
 *
 * @example
 * if (!(await acceptsFallback(services, user.id, 'recoveryCodes'))) throw invalidCode();
 */
export async function acceptsFallback(
  services: Pick<Services, 'config' | 'store'>,
  userId: string,
  method: FallbackMethod,
): Promise<boolean> {
  return (await accountFallbacks(services, userId))[method];
}
