import type { AuditEvent } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import { createTestAuthenticator } from '../testing/index.js';

/** Ada's account, signed up on her laptop, and what the app was told. */
async function account(config: Partial<LatchkeyConfig> = {}) {
  const events: AuditEvent[] = [];
  const server = createTestServer({ ...config, hooks: { onEvent: (e) => void events.push(e) } });
  const laptop = server.browser();
  const res = await laptop.signUp({ email: 'ada@example.com' });
  expect(res.status).toBe(201);
  const user = (await server.store.getUserByEmail('ada@example.com'))!;
  return { server, laptop, events, user, codes: res.body.recoveryCodes as string[] };
}

describe('conditional create (WebAuthn L3 §5.1.3, mediation: conditional)', () => {
  it('refuses a passkey made without user presence unless the challenge was conditional', async () => {
    const { server, laptop, user } = await account();
    expect((await laptop.stepUp()).status).toBe(200);
    laptop.authenticator = createTestAuthenticator({ origin: laptop.origin });
    const { response } = await laptop.registration({}, { userPresent: false });
    const refused = await laptop.call('POST', '/auth/passkeys/register', { response });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'VERIFICATION_FAILED']);
    expect(await server.store.listCredentials(user.id)).toHaveLength(1);
  });

  it('accepts UP=false for a conditional challenge, and says so in passkey.added', async () => {
    const { server, laptop, events, user } = await account();
    expect((await laptop.stepUp()).status).toBe(200);
    laptop.authenticator = createTestAuthenticator({ origin: laptop.origin });
    const { options, response } = await laptop.registration(
      { conditional: true },
      { userPresent: false },
    );
    expect(options.excludeCredentials).toHaveLength(1);
    const added = await laptop.call('POST', '/auth/passkeys/register', { response });
    expect(added.status).toBe(201);
    expect(await server.store.listCredentials(user.id)).toHaveLength(2);
    expect(events.find((e) => e.type === 'passkey.added')?.data).toMatchObject({
      conditional: true,
      session: 'full',
    });
  });

  it('keeps every other check: user verification per config, origin, RP ID', async () => {
    const { laptop } = await account();
    const own = laptop.authenticator;
    const cases = [
      [{ userPresent: false, userVerified: false }, 'USER_VERIFICATION_REQUIRED'],
      [{ userPresent: false, origin: 'http://evil.example' }, 'ORIGIN_MISMATCH'],
      [{ userPresent: false, rpId: 'evil.example' }, 'RP_ID_MISMATCH'],
    ] as const;
    for (const [overrides, code] of cases) {
      expect((await laptop.stepUp()).status).toBe(200);
      laptop.authenticator = createTestAuthenticator({ origin: laptop.origin });
      const { response } = await laptop.registration({ conditional: true }, overrides);
      laptop.authenticator = own;
      const res = await laptop.call('POST', '/auth/passkeys/register', { response });
      expect([res.status, res.body.error.code]).toEqual([400, code]);
    }
  });

  it('follows the add-passkey rule: a full session steps up first, a sign-up never', async () => {
    const { server, laptop } = await account();
    const noStepUp = await laptop.call('POST', '/auth/passkeys/register-options', {
      conditional: true,
    });
    expect([noStepUp.status, noStepUp.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);
    const signUp = await server
      .browser()
      .call('POST', '/auth/passkeys/register-options', { conditional: true });
    expect([signUp.status, signUp.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('upgrades a recovery session (a sign-in without a passkey) silently', async () => {
    const { server, laptop, events, codes, user } = await account();
    await laptop.signOut();
    const lost = server.browser();
    const recovered = await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect(recovered.body.session.kind).toBe('recovery');
    const { response } = await lost.registration({ conditional: true }, { userPresent: false });
    const enrolled = await lost.call('POST', '/auth/passkeys/register', { response });
    expect(enrolled.status).toBe(201);
    expect((await lost.call('GET', '/auth/session')).body.session.kind).toBe('full');
    expect(await server.store.listCredentials(user.id)).toHaveLength(2);
    expect(events.find((e) => e.type === 'passkey.added')?.data).toMatchObject({
      conditional: true,
      session: 'recovery',
    });
  });
});
