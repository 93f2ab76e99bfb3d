import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../../test/harness.js';
import { createTestAuthenticator } from '../testing/index.js';

/** One failed sign-in with the passkey `from` holds, sent from a fresh browser at `peer`. */
async function failedSignIn(
  server: ReturnType<typeof createTestServer>,
  from: TestBrowser,
  peer: string,
) {
  const attacker = server.browser({ peer, authenticator: from.authenticator });
  const { response } = await attacker.assertion({}, { tamperSignature: true });
  return attacker.call('POST', '/auth/passkeys/authenticate', { response });
}

describe('failed assertions per passkey and per account', () => {
  it('finding N: failures from many IPs count against the passkey; then 429 with Retry-After, even for a good one', async () => {
    const server = createTestServer({
      rateLimit: { perIp: 1000, perCredential: 3, perAccount: 50 },
    });
    const ada = server.browser();
    await ada.signUp({ email: 'ada@example.com' });
    await ada.signOut();
    for (let i = 0; i < 3; i++) {
      const res = await failedSignIn(server, ada, `198.51.100.${i + 1}`);
      expect([res.status, res.body.error.code]).toEqual([400, 'VERIFICATION_FAILED']);
    }
    const blocked = await failedSignIn(server, ada, '198.51.100.99');
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(blocked.headers.get('retry-after'))).toBe(60);
    // Stopped before any work: a valid assertion with that passkey waits out the window too.
    const good = await ada.signIn();
    expect([good.status, good.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    const events = await server.latchkey.api.audit.list();
    expect(events.filter((e) => e.type === 'rate.limited').map((e) => e.data.scope)).toEqual([
      'credential',
    ]);

    server.clock.advance(60_000);
    expect((await ada.signIn()).status).toBe(200);
  });

  it('finding N: failures with any of an account’s passkeys, and at step-up, count against the account', async () => {
    const server = createTestServer({
      rateLimit: { perIp: 1000, perCredential: 100, perAccount: 4 },
    });
    const ada = server.browser();
    await ada.signUp({ email: 'ada@example.com' });
    expect((await ada.stepUp()).status).toBe(200);
    const own = ada.authenticator;
    ada.authenticator = createTestAuthenticator({ origin: ada.origin });
    expect((await ada.signUp({}, 'Key')).status).toBe(201);
    const key = ada.authenticator;
    ada.authenticator = own;

    // Two failed sign-ins with each passkey, from four addresses: none of them alone is limited.
    const holder = server.browser({ authenticator: key });
    expect((await failedSignIn(server, ada, '203.0.113.1')).status).toBe(400);
    expect((await failedSignIn(server, holder, '203.0.113.2')).status).toBe(400);
    expect((await failedSignIn(server, ada, '203.0.113.3')).status).toBe(400);
    // A failed step-up counts too.
    const { response } = await ada.assertion(
      {},
      { tamperSignature: true },
      '/auth/passkeys/verify-options',
    );
    expect((await ada.call('POST', '/auth/passkeys/verify', { response })).status).toBe(400);

    for (const who of [ada, holder]) {
      const res = await failedSignIn(server, who, '203.0.113.9');
      expect([res.status, res.body.error.code]).toEqual([429, 'RATE_LIMITED']);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    const stepUp = await ada.stepUp();
    expect(stepUp.status).toBe(429);
  });
});
