import { base64urlDecode, LatchkeyError } from '@latchkey/core';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { checkCanStepUp } from '../identity/policy.js';
import type { RouteHandlers } from '../services.js';
import { issueChallenge } from './challenges.js';
import { requestOptionsJson } from './options-json.js';
import { verifyAssertion } from './verify-assertion.js';

/**
 * `POST /passkeys/verify-options` and `POST /passkeys/verify`: a signed-in user
 * proves presence again with one of their own passkeys. No new session: the
 * current one is marked elevated for a few minutes and gets a new id.
 */
export const stepUpRoutes: RouteHandlers = {
  async verifyOptions(ctx, services) {
    checkCanStepUp(ctx.session);
    const user = ctx.user;
    const credentials = (await services.store.listCredentials(user.id)).filter(
      (c) => c.status === 'active' && c.rpId === ctx.rpId,
    );
    if (credentials.length === 0)
      throw new LatchkeyError('ENROLMENT_REQUIRED', 'Add a passkey on this site first');
    const challenge = await issueChallenge(services, ctx, 'step-up', user.id);
    const options = await generateAuthenticationOptions({
      rpID: ctx.rpId,
      challenge: base64urlDecode(challenge.challenge) as Uint8Array<ArrayBuffer>,
      timeout: 120_000,
      userVerification: services.config.userVerification,
      allowCredentials: credentials.map((c) => ({
        id: c.credentialId,
        transports: c.transports,
      })),
    });
    const { hints } = services.config.webauthn;
    return { options: requestOptionsJson(options, undefined, hints) };
  },

  async verify(ctx, services) {
    checkCanStepUp(ctx.session);
    await verifyAssertion(services, ctx, ctx.body.response, 'step-up');
    const elevatedUntil = services.sessions.elevationEnd(ctx.now);
    await services.sessions.rotate(ctx, { elevatedUntil });
    await services.audit.record(ctx, 'session.elevated', ctx.user.id, {});
    return { elevatedUntil: new Date(elevatedUntil).toISOString() };
  },
};
