import { base64urlDecode, base64urlEncode, LatchkeyError } from '@latchkey/core';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import { hmacSha256 } from '../internal/crypto.js';
import type { RouteHandlers, Services } from '../internal/services.js';
import { toWireUser } from '../passkeys/to-wire.js';
import { toWireSession } from '../sessions/session-manager.js';
import { issueChallenge } from './challenges.js';
import { verifyAssertion } from './verify-assertion.js';

type Descriptor = { id: string; transports?: string[] };

/**
 * Decoy credentials for an email with no account (DESIGN: no user enumeration).
 * Derived with an HMAC of the email under the deployment secret, so the same
 * email always gets the same one to three ids, shaped like real ones.
 */
async function decoyCredentials(services: Services, email: string): Promise<Descriptor[]> {
  const mac = await hmacSha256(await services.secret(), `decoy:${email}`);
  const count = 1 + (mac[0]! % 3);
  const out: Descriptor[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = await hmacSha256(await services.secret(), `decoy:${email}:${i}`);
    const length = [16, 32, 32][mac[1 + i]! % 3]!;
    out.push({ id: base64urlEncode(bytes.slice(0, length)), transports: ['hybrid', 'internal'] });
  }
  return out;
}

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
      if (!allowCredentials?.length) allowCredentials = await decoyCredentials(services, email);
    }
    // Without an email: discoverable credentials (no allowCredentials), the browser asks which passkey.
    const challenge = await issueChallenge(services, ctx, 'authentication', userId);
    const options = await generateAuthenticationOptions({
      rpID: ctx.rpId,
      challenge: base64urlDecode(challenge.challenge) as Uint8Array<ArrayBuffer>,
      timeout: 300_000,
      userVerification: config.userVerification,
      ...(allowCredentials ? { allowCredentials } : {}),
    });
    return { options: options as never };
  },

  async authenticate(ctx, services) {
    await services.rateLimit.checkIp(ctx);
    const { credential, user } = await verifyAssertion(
      services,
      ctx,
      ctx.body.response,
      'authentication',
    );
    // A locked account signs in only with a device key to bind the session to.
    if (user.tier === 'locked' && !ctx.body.popKey) {
      throw new LatchkeyError('POP_REQUIRED', 'This account needs a device key with every sign-in');
    }
    const session = await services.sessions.start(ctx, {
      userId: user.id,
      kind: 'full',
      credentialId: credential.credentialId,
      popKey: ctx.body.popKey ? JSON.stringify(ctx.body.popKey) : null,
    });
    await services.audit.record(ctx, 'signin.succeeded', user.id, {
      credentialId: credential.credentialId,
    });
    return { user: toWireUser(user), session: toWireSession(session) };
  },
};
