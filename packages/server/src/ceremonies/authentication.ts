import { base64urlDecode } from '@latchkey/core';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { newSessionKey } from '../pop/new-session-key.js';
import type { RouteHandlers } from '../services.js';
import type { SessionRecord } from '../stores/contract.js';
import { toWireSession } from '../wire/to-wire-session.js';
import { toWireUser } from '../wire/to-wire-user.js';
import { issueChallenge } from './challenges.js';
import { createDecoys, type Descriptor } from './decoy-credentials.js';
import { appExtensionResults } from './extension-results.js';
import { requestOptionsJson } from './options-json.js';
import { verifyAssertion } from './verify-assertion.js';

/** `POST /passkeys/auth-options` and `POST /passkeys/authenticate` (WebAuthn L3 §7.2). */
export const authenticationRoutes: RouteHandlers = {
  async authOptions(ctx, services) {
    const { config, store } = services;
    await services.rateLimit.checkIp(ctx);
    const email = ctx.body.email?.toLowerCase();
    let allowCredentials: Descriptor[] | undefined;
    let userId: string | null = null;
    if (email) {
      await services.rateLimit.checkAccount(ctx, 'signin', email);
      const user = await store.getUserByEmail(email);
      if (user) {
        userId = user.id;
        allowCredentials = (await store.listCredentials(user.id))
          .filter((c) => c.rpId === ctx.rpId)
          .map((c) => ({ id: c.credentialId, transports: c.transports }));
      }
      // An unknown email, or a user with no passkey for this RP, gets decoys of the same shape.
      if (!allowCredentials?.length) allowCredentials = await createDecoys(services)(email);
    }
    // Without an email: discoverable credentials (no allowCredentials), the browser asks which passkey.
    const challenge = await issueChallenge(services, ctx, 'authentication', userId);
    const { hints, extensions } = config.webauthn;
    const appExtensions = extensions.authentication;
    const options = await generateAuthenticationOptions({
      rpID: ctx.rpId,
      challenge: base64urlDecode(challenge.challenge) as Uint8Array<ArrayBuffer>,
      timeout: 300_000,
      userVerification: config.userVerification,
      ...(allowCredentials ? { allowCredentials } : {}),
      ...(Object.keys(appExtensions).length ? { extensions: appExtensions } : {}),
    });
    return { options: requestOptionsJson(options, options.extensions && appExtensions, hints) };
  },

  async authenticate(ctx, services) {
    await services.rateLimit.checkIp(ctx);
    const extensions = appExtensionResults(
      ctx.body.response.clientExtensionResults,
      services.config.webauthn.extensions.authentication,
    );
    const signedIn: { session?: SessionRecord } = {};
    const { user } = await verifyAssertion(
      services,
      ctx,
      ctx.body.response,
      'authentication',
      async ({ credential, user }, use) => {
        // A locked account signs in only with a device key to bind the session to.
        const popKey = newSessionKey(user, ctx.body.popKey);
        // The passkey's new counter, the session and its audit event are one
        // write: no session without its event, and none for an assertion that
        // lost the race for the counter.
        try {
          signedIn.session = await services.audit.recordWith(
            ctx,
            'signin.succeeded',
            user.id,
            { credentialId: credential.credentialId, ...(extensions ? { extensions } : {}) },
            async (event) => {
              const session = await services.sessions.startWithUse(
                ctx,
                { userId: user.id, kind: 'full', credentialId: credential.credentialId, popKey },
                { expectedCounter: credential.counter, use },
                event,
              );
              // Thrown, so that `hooks.onEvent` hears of no sign-in.
              if (session === null) throw new CounterMoved();
              return session;
            },
          );
          return true;
        } catch (error) {
          if (error instanceof CounterMoved) return false;
          throw error;
        }
      },
    );
    const token = services.sessions.issuedToken(ctx);
    return { user: toWireUser(user), session: toWireSession(signedIn.session!, token) };
  },
};

/** Another assertion moved the passkey's counter first: nothing was stored. */
class CounterMoved extends Error {}
