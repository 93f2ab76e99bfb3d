import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../../test/harness.js';
import { createTestAuthenticator } from '../testing/index.js';

/**
 * Signs up (or adds a passkey) with a passkey that reports PRF support at
 * registration (`clientExtensionResults.prf.enabled`, WebAuthn L3 §10.1.4), as
 * Chromium does for an authenticator with hmac-secret. Client extension outputs
 * are not signed, so the software authenticator's answer only needs the flag.
 */
async function enrol(browser: TestBrowser, prf: boolean, body: { email?: string } = {}) {
  const { options, response } = await browser.registration(body);
  if (prf) response.clientExtensionResults.prf = { enabled: true };
  const res = await browser.call('POST', '/auth/passkeys/register', { response });
  expect(res.status).toBe(201);
  return { options, credentialId: res.body.credentialId as string };
}

// Any base64url text: the server keeps the wrapped key opaque.
const WRAPPED = 'AU7cPq1v3u0w2Xw1x2kq9lq4M0yM0o1v1r0b7yA4n5JqQ0B9c2n8Tg';

describe('GET /prf', () => {
  it('asks for PRF at registration, then lists the salt and the passkeys’ PRF state', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { options, credentialId } = await enrol(browser, true, { email: 'ada@example.com' });
    expect(options.extensions).toEqual({ credProps: true, prf: {} });
    // A second device (its own authenticator), a minute later, whose passkey has no PRF.
    server.clock.advance(60_000);
    expect((await browser.stepUp()).status).toBe(200);
    browser.authenticator = createTestAuthenticator({ origin: browser.origin });
    const plain = await enrol(browser, false);

    const res = await browser.call('GET', '/auth/prf');
    expect(res.status).toBe(200);
    expect(res.body.salt).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.keys).toEqual([
      { credentialId, wrappedKey: null, prf: true },
      { credentialId: plain.credentialId, wrappedKey: null, prf: false },
    ]);
    // One salt per user, stable across calls.
    expect((await browser.call('GET', '/auth/prf')).body.salt).toBe(res.body.salt);
    const other = server.browser();
    await enrol(other, true);
    expect((await other.call('GET', '/auth/prf')).body.salt).not.toBe(res.body.salt);
  });

  it('needs a session', async () => {
    const res = await createTestServer().browser().call('GET', '/auth/prf');
    expect([res.status, res.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('PUT /passkeys/:credentialId/wrapped-key', () => {
  it('stores the wrapped key after a step-up, gives it back, and audits it', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { credentialId } = await enrol(browser, true);
    const path = `/auth/passkeys/${credentialId}/wrapped-key`;

    const early = await browser.call('PUT', path, { wrappedKey: WRAPPED });
    expect([early.status, early.body.error.code]).toEqual([403, 'STEP_UP_REQUIRED']);

    await browser.stepUp();
    const put = await browser.call('PUT', path, { wrappedKey: WRAPPED });
    expect([put.status, put.body]).toEqual([200, { ok: true }]);
    expect((await browser.call('GET', '/auth/prf')).body.keys).toEqual([
      { credentialId, wrappedKey: WRAPPED, prf: true },
    ]);
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBe(WRAPPED);

    const again = await browser.call('PUT', path, { wrappedKey: 'AQID' });
    expect(again.status).toBe(200);
    const events = (await server.latchkey.api.audit.list({ limit: 10 })).filter(
      (e) => e.type === 'prf.key_wrapped',
    );
    expect(events.map((e) => e.data)).toEqual([
      { credentialId, replaced: true },
      { credentialId, replaced: false },
    ]);
  });

  it('a wrappedKey: null answer must not overwrite a key: replaces is a conditional write (409 WRAPPED_KEY_CONFLICT)', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { credentialId } = await enrol(browser, true);
    await browser.stepUp();
    const path = `/auth/passkeys/${credentialId}/wrapped-key`;
    expect((await browser.call('PUT', path, { wrappedKey: WRAPPED, replaces: null })).status).toBe(
      200,
    );
    // A client told "nothing wrapped yet" (a lagging replica, a hostile answer) tries to store a new key.
    const stale = await browser.call('PUT', path, { wrappedKey: 'AQID', replaces: null });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'WRAPPED_KEY_CONFLICT']);
    const wrong = await browser.call('PUT', path, { wrappedKey: 'AQID', replaces: 'AAAA' });
    expect([wrong.status, wrong.body.error.code]).toEqual([409, 'WRAPPED_KEY_CONFLICT']);
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBe(WRAPPED);
    // Replacing the value it read works.
    const rewrap = await browser.call('PUT', path, { wrappedKey: 'AQID', replaces: WRAPPED });
    expect(rewrap.status).toBe(200);
    const both = await browser.call('PUT', path, {
      wrappedKey: 'AQID',
      replaces: null,
      first: true,
    });
    expect([both.status, both.body.error.code]).toEqual([400, 'INVALID_BODY']);
  });

  it('two first unlocks do not race into two keys: only one first write wins', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const a = await enrol(browser, true, { email: 'ada@example.com' });
    // Adding a second passkey needs a step-up with the first.
    await browser.stepUp();
    browser.authenticator = createTestAuthenticator({ origin: browser.origin });
    const b = await enrol(browser, true);
    await browser.stepUp();
    const [first, second] = await Promise.all([
      browser.call('PUT', `/auth/passkeys/${a.credentialId}/wrapped-key`, {
        wrappedKey: WRAPPED,
        first: true,
      }),
      browser.call('PUT', `/auth/passkeys/${b.credentialId}/wrapped-key`, {
        wrappedKey: 'AQID',
        first: true,
      }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const keys = (await browser.call('GET', '/auth/prf')).body.keys as Array<{
      wrappedKey: string | null;
    }>;
    expect(keys.filter((k) => k.wrappedKey !== null)).toHaveLength(1);
    // Later, once a key exists, first is refused outright.
    const late = await browser.call('PUT', `/auth/passkeys/${b.credentialId}/wrapped-key`, {
      wrappedKey: 'AQID',
      first: true,
    });
    expect([late.status, late.body.error.code]).toEqual([409, 'WRAPPED_KEY_CONFLICT']);
  });

  it('answers NOT_FOUND for another user’s passkey, and leaves it alone', async () => {
    const server = createTestServer();
    const alice = server.browser();
    const { credentialId } = await enrol(alice, true);
    const mallory = server.browser({ peer: '198.51.100.9' });
    await enrol(mallory, true);
    await mallory.stepUp();
    const res = await mallory.call('PUT', `/auth/passkeys/${credentialId}/wrapped-key`, {
      wrappedKey: WRAPPED,
    });
    expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBeNull();
    const unknown = await mallory.call('PUT', '/auth/passkeys/AAAA/wrapped-key', {
      wrappedKey: WRAPPED,
    });
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses a passkey that cannot give a PRF output', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { credentialId } = await enrol(browser, false);
    await browser.stepUp();
    const res = await browser.call('PUT', `/auth/passkeys/${credentialId}/wrapped-key`, {
      wrappedKey: WRAPPED,
    });
    expect([res.status, res.body.error.code]).toEqual([400, 'PRF_UNSUPPORTED']);
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBeNull();
  });

  it('takes at most 4096 base64url characters, and nothing else', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { credentialId } = await enrol(browser, true);
    await browser.stepUp();
    const path = `/auth/passkeys/${credentialId}/wrapped-key`;
    expect((await browser.call('PUT', path, { wrappedKey: 'A'.repeat(4096) })).status).toBe(200);
    for (const body of [
      { wrappedKey: 'A'.repeat(4097) },
      { wrappedKey: 'not base64url!' },
      { wrappedKey: '' },
      { wrappedKey: WRAPPED, extra: 1 },
      {},
    ]) {
      const res = await browser.call('PUT', path, body);
      expect([res.status, res.body.error.code], JSON.stringify(body).slice(0, 40)).toEqual([
        400,
        'INVALID_BODY',
      ]);
    }
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBe('A'.repeat(4096));
  });

  it('refuses a cross-site request (CSRF) like any other state change', async () => {
    const server = createTestServer();
    const browser = server.browser();
    const { credentialId } = await enrol(browser, true);
    await browser.stepUp();
    const res = await browser.call(
      'PUT',
      `/auth/passkeys/${credentialId}/wrapped-key`,
      { wrappedKey: WRAPPED },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect((await server.store.getCredential(credentialId))?.wrappedKey).toBeNull();
  });
});
