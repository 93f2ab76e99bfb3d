import { LatchkeyError } from '@latchkey/core';
import type { RequestContext } from '../http/request-context.js';
import { checkAppEnrolment, checkStepUp, hasActivePasskey } from '../identity/policy.js';
import type { EnrolmentTarget } from '../owner/enrolment-target.js';
import type { Services } from '../services.js';

/**
 * Who may add a passkey to an existing account, asked by `register-options`
 * and again by `register`:
 * - a `full` or `password` session only after a recent step-up (which a
 *   password session never passes), which only one of the
 *   account's existing passkeys can give: a stolen cookie alone must not add
 *   the thief's passkey, step up with it and take the account over; an
 *   account with no active passkey (a session the app opened with
 *   `api.sessions.create`) enrols its first without one;
 * - a `recovery`, `email` (email link) or `enrol` (paired) session as it is: it exists to add this
 *   device's first passkey, and becomes `full` once it has;
 * - the host app's signed-in person (its `identify` hook, no Latchkey
 *   session) for the account's first passkey only (`checkAppEnrolment`);
 * - a bearer token never.
 *
 * A conditional create (WebAuthn L3 §5.1.3, `mediation: 'conditional'`: the
 * browser makes the passkey without asking, and user presence may be false)
 * follows the same rule, and is for adding to an account only (see
 * `checkConditionalCreate`): it makes nothing possible that a visible
 * ceremony would not.
 *
 * @example
 * if (target.kind === 'add') await checkAddPasskey(ctx, services);
 */
export async function checkAddPasskey(ctx: RequestContext, services: Services): Promise<void> {
  const { session } = ctx;
  if (!session) {
    if (ctx.appSession && ctx.user) return checkAppEnrolment(services, ctx.user);
    throw new LatchkeyError('FORBIDDEN', 'Use a browser session to add a passkey');
  }
  // A password session is a full one here: it never steps up, so it adds a
  // passkey only to an account without one.
  if (session.kind !== 'full' && session.kind !== 'password') return;
  // A full session of an account without a passkey (one the app opened with
  // `api.sessions.create`) cannot step up: it may enrol the first one.
  if (
    !services.sessions.isElevated(session, ctx.now) &&
    ctx.user &&
    !(await hasActivePasskey(services, ctx.user))
  )
    return;
  checkStepUp(
    services,
    session,
    ctx.now,
    'Confirm with one of your passkeys before adding another',
  );
}

/**
 * Who may ask for a conditional create (`register-options` with
 * `conditional: true`): only a signed-in account adding a passkey, under
 * `checkAddPasskey` — in practice a recovery or paired session right after its
 * non-passkey sign-in, or a full session within its step-up. Never a sign-up
 * (an account no person agreed to) nor a pending owner enrolment. A response
 * without user presence is accepted only for a challenge issued this way.
 *
 * @example
 * if (ctx.body.conditional) checkConditionalCreate(target.kind);
 */
export function checkConditionalCreate(target: EnrolmentTarget['kind']): void {
  if (target !== 'add') {
    throw new LatchkeyError(
      'FORBIDDEN',
      'A conditional create only adds a passkey to a signed-in account',
    );
  }
}
