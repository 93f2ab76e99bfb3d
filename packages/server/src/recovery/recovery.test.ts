import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { memoryStore } from '../stores/memory/memory-store.js';
import { createTestAuthenticator } from '../testing/index.js';

async function account() {
  const server = createTestServer();
  const browser = server.browser();
  const res = await browser.signUp({ email: 'ada@example.com' });
  await browser.signOut();
  return { server, browser, codes: res.body.recoveryCodes as string[] };
}

describe('recovery codes', () => {
  it('stores only hashes', async () => {
    const { server, codes } = await account();
    const user = (await server.store.getUserByEmail('ada@example.com'))!;
    expect(await server.store.countRecoveryCodes(user.id)).toBe(10);
    expect(await server.store.findRecoveryCodeOwner(codes[0]!)).toBeNull();
  });

  it('signs in with a code (email optional, any case and dashes) into a recovery session that must enrol first', async () => {
    const { server, codes } = await account();
    const lost = server.browser(); // a new device, no passkey
    const res = await lost.call('POST', '/auth/recovery', {
      code: codes[3]!.toLowerCase().replace(/-/g, ' '),
    });
    expect(res.status).toBe(200);
    expect(res.body.session.kind).toBe('recovery');

    expect((await lost.call('GET', '/auth/passkeys')).body.error.code).toBe('ENROLMENT_REQUIRED');
    expect((await lost.call('GET', '/auth/recovery-codes')).body.error.code).toBe(
      'ENROLMENT_REQUIRED',
    );

    const enrol = await lost.signUp({}, 'New phone');
    expect(enrol.status).toBe(201);
    const session = (await lost.call('GET', '/auth/session')).body.session;
    expect(session.kind).toBe('full');
    expect((await lost.call('GET', '/auth/passkeys')).body.passkeys).toHaveLength(2);
    expect((await lost.call('GET', '/auth/recovery-codes')).body.remaining).toBe(9);
  });

  it('uses each code once, also under concurrency', async () => {
    const { server, codes } = await account();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        server
          .browser({ peer: `198.51.100.${i}` })
          .call('POST', '/auth/recovery', { email: 'ada@example.com', code: codes[0] }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body.error?.code === 'INVALID_CODE')).toHaveLength(4);
    const again = await server.browser().call('POST', '/auth/recovery', { code: codes[0] });
    expect(again.body.error.code).toBe('INVALID_CODE');
  });

  it('refuses a wrong code, and a right code with another account’s email', async () => {
    const { server, codes } = await account();
    const other = server.browser();
    await other.signUp({ email: 'bob@example.com' });
    const wrong = await server.browser().call('POST', '/auth/recovery', { code: 'ABCD-EFGH-JKMN' });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_CODE']);
    const crossed = await server
      .browser()
      .call('POST', '/auth/recovery', { email: 'bob@example.com', code: codes[1] });
    expect(crossed.body.error.code).toBe('INVALID_CODE');
    const events = await server.latchkey.api.audit.list({ limit: 20 });
    expect(events.filter((e) => e.type === 'recovery.failed')).toHaveLength(2);
  });

  it('a wrong code asks the store the same questions for a known and an unknown email', async () => {
    const calls: string[] = [];
    const counting = new Proxy(memoryStore(), {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    const server = createTestServer({ rateLimit: false }, counting);
    await server.browser().signUp({ email: 'ada@example.com' });
    const asked = async (email: string) => {
      calls.length = 0;
      const res = await server
        .browser()
        .call('POST', '/auth/recovery', { email, code: 'ABCD-EFGH-JKMN' });
      expect(res.body.error.code).toBe('INVALID_CODE');
      return [...calls];
    };
    const known = await asked('ada@example.com');
    const unknown = await asked('nobody@example.com');
    expect(known).toContain('findRecoveryCodeOwner');
    expect(known).toEqual(unknown);
  });

  it('rate limits guessing per account', async () => {
    const { server } = await account();
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(
        await server
          .browser({ peer: `198.51.100.${i}` })
          .call('POST', '/auth/recovery', { email: 'ada@example.com', code: 'ABCD-EFGH-JKMN' }),
      );
    }
    expect(results.map((r) => r.body.error.code)).toEqual([
      ...Array(5).fill('INVALID_CODE'),
      'RATE_LIMITED',
    ]);
  });

  it('regenerates after a step-up: the old set stops working', async () => {
    const { server, browser, codes } = await account();
    await browser.signIn();
    expect((await browser.call('POST', '/auth/recovery-codes', {})).body.error.code).toBe(
      'STEP_UP_REQUIRED',
    );
    await browser.stepUp();
    const fresh = await browser.call('POST', '/auth/recovery-codes', {});
    expect(fresh.body.codes).toHaveLength(10);
    expect(
      (await server.browser().call('POST', '/auth/recovery', { code: codes[0] })).body.error.code,
    ).toBe('INVALID_CODE');
    expect(
      (await server.browser().call('POST', '/auth/recovery', { code: fresh.body.codes[0] })).status,
    ).toBe(200);
  });

  it('ties the recovered session to the passkey it enrols: revoking that passkey ends it', async () => {
    const { server, browser, codes } = await account();
    const lost = server.browser();
    await lost.call('POST', '/auth/recovery', { code: codes[0] });
    await lost.signUp({}, 'New phone');
    const newPasskey = lost.authenticator.credentials[0]!.id;
    await browser.signIn();
    await browser.stepUp();
    const res = await browser.call('DELETE', `/auth/passkeys/${newPasskey}`);
    expect(res.status).toBe(200);
    expect((await lost.call('GET', '/auth/session')).body.user).toBeNull();
    const revoked = (await server.latchkey.api.audit.list({ limit: 5 })).find(
      (e) => e.type === 'passkey.revoked',
    );
    expect(revoked?.data).toMatchObject({ credentialId: newPasskey, sessionsEnded: 1 });
  });

  it('lets a recovery session sign out', async () => {
    const { server, codes } = await account();
    const lost = server.browser({ authenticator: createTestAuthenticator() });
    await lost.call('POST', '/auth/recovery', { code: codes[0] });
    expect((await lost.signOut()).status).toBe(200);
  });
});
