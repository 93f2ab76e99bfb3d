import { LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import type { Services } from '../services.js';
import type { UserRecord } from '../stores/contract.js';
import { currentOwner } from './current-owner.js';

/**
 * Whom a registration enrols a passkey for:
 * - `add`: the signed-in user (any session kind: full, recovery, paired), or the
 *   host app's signed-in person (`identify`, no Latchkey session);
 * - `sign-up`: a new account (app mode with open sign-up, or an unclaimed owner instance);
 * - `pending`: the owner, from a device that is not signed in, in owner mode with
 *   `approval: 'required'`: the passkey waits for a trusted device's approval.
 */
export type EnrolmentTarget =
  | { kind: 'add'; user: UserRecord }
  | { kind: 'sign-up' }
  | { kind: 'pending'; owner: UserRecord };

/**
 * What a device that is not signed in may enrol here, the one answer to "can
 * someone without a session register?": a new account (app mode with open
 * sign-up, or an unclaimed owner instance), a passkey for the owner that waits
 * for approval, or nothing (`closed`, with the reason). `GET /session` reports
 * it as `rp.signUp`; `register-options` and `register` act on it.
 */
export async function signedOutEnrolment(
  services: Services,
): Promise<
  { kind: 'sign-up' } | { kind: 'pending'; owner: UserRecord } | { kind: 'closed'; why: string }
> {
  const { config } = services;
  if (config.mode === 'owner') {
    const owner = await currentOwner(services);
    if (!owner) return { kind: 'sign-up' };
    if (config.approval === 'required') return { kind: 'pending', owner };
    return {
      kind: 'closed',
      why: 'This instance has an owner: pair this device from one that is signed in',
    };
  }
  if (config.signUp !== 'open') return { kind: 'closed', why: 'Sign-up is closed; sign in first' };
  return { kind: 'sign-up' };
}

/**
 * Whom this registration enrols for: the caller when there is one, else what
 * `signedOutEnrolment` allows. Throws `SIGN_UP_CLOSED` when it allows nothing.
 *
 * @example
 * const target = await enrolmentTarget(services, ctx);
 * if (target.kind === 'add') await checkAddPasskey(ctx, services);
 */
export async function enrolmentTarget(
  services: Services,
  ctx: RequestContext,
): Promise<EnrolmentTarget> {
  if (ctx.user) return { kind: 'add', user: ctx.user };
  const open = await signedOutEnrolment(services);
  if (open.kind === 'closed') throw new LatchkeyError('SIGN_UP_CLOSED', open.why);
  return open;
}
