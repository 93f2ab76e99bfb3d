import { describe, expect, it } from 'vitest';
import {
  createTestServer,
  ORIGIN,
  storedHash,
  type TestBrowser,
  type TestServer,
} from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import { sha256 } from '../internal/crypto.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A CLI's request: no cookies, no Origin. */
async function cli(server: TestServer, path: string, body: unknown, token?: string) {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (token) headers.set('authorization', `Bearer ${token}`);
  const response = await server.latchkey.handler(
    new Request(`${ORIGIN}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { remoteAddress: '198.51.100.20' },
  );
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

function poll(server: TestServer, deviceCode: string) {
  return cli(server, '/auth/device/token', { grant_type: GRANT, device_code: deviceCode });
}

async function start(
  config: Partial<LatchkeyConfig> = {},
  request: Record<string, unknown> = { clientName: 'latchkey CLI on build-box' },
) {
  const server = createTestServer(config);
  const res = await cli(server, '/auth/device/code', request);
  expect(res.status).toBe(200);
  const browser = server.browser();
  expect((await browser.signUp({ email: 'ada@example.com' })).status).toBe(201);
  return {
    server,
    browser,
    deviceCode: res.body.device_code as string,
    userCode: res.body.user_code as string,
    answer: res.body,
  };
}

async function approve(browser: TestBrowser, userCode: string) {
  expect((await browser.stepUp()).status).toBe(200);
  return browser.call('POST', '/auth/device/approve', { user_code: userCode });
}

describe('device authorization (RFC 8628 shape)', () => {
  it('answers with a device code, a readable user code and where to enter it', async () => {
    const { server, answer, deviceCode, userCode } = await start();
    expect(answer).toEqual({
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: `${ORIGIN}/device`,
      verification_uri_complete: `${ORIGIN}/device?user_code=${userCode}`,
      expires_in: 600,
      interval: 5,
    });
    expect(deviceCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No 0/O, 1/I/L or U: nothing to misread.
    expect(userCode).toMatch(/^[A-HJKMNP-TV-Z2-9]{4}-[A-HJKMNP-TV-Z2-9]{4}$/);
    // Only the hash of the device code is stored.
    expect(await server.store.getDeviceCode(deviceCode, server.clock.now)).toBeNull();
    const stored = await server.store.getDeviceCode(await sha256(deviceCode), server.clock.now);
    expect(stored).toMatchObject({
      userCode: userCode.replace('-', ''),
      status: 'pending',
      clientName: 'latchkey CLI on build-box',
      scopes: ['read'],
      agent: false,
      ip: '198.51.100.20',
      expiresAt: server.clock.now + 600_000,
    });
  });

  it('uses the configured verification URI and interval', async () => {
    const { answer } = await start({
      deviceFlow: { verificationUri: 'https://id.example/activate?from=cli', interval: 2 },
    });
    expect(answer.verification_uri).toBe('https://id.example/activate?from=cli');
    expect(answer.verification_uri_complete).toBe(
      `https://id.example/activate?from=cli&user_code=${answer.user_code}`,
    );
    expect(answer.interval).toBe(2);
  });

  it('says AUTHORIZATION_PENDING while waiting, and SLOW_DOWN to a client polling too fast', async () => {
    const { server, deviceCode } = await start();
    const first = await poll(server, deviceCode);
    expect(first.status).toBe(400);
    expect(first.body.error.code).toBe('AUTHORIZATION_PENDING');

    server.clock.advance(4_999);
    const fast = await poll(server, deviceCode);
    expect(fast.status).toBe(400);
    expect(fast.body.error.code).toBe('SLOW_DOWN');
    expect(fast.headers.get('retry-after')).toBe('10');

    server.clock.advance(5_000);
    expect((await poll(server, deviceCode)).body.error.code).toBe('AUTHORIZATION_PENDING');
  });

  it('issues a token once after a person approves with a step-up', async () => {
    const { server, browser, deviceCode, userCode } = await start(
      { tokens: { scopes: ['deploy'] } },
      { clientName: 'release agent', scopes: ['write', 'deploy'], agent: true },
    );
    const lookup = await browser.call('POST', '/auth/device/lookup', { user_code: userCode });
    expect(lookup.status).toBe(200);
    expect(lookup.body.device).toEqual({
      userCode,
      clientName: 'release agent',
      scopes: ['write', 'deploy'],
      agent: true,
      ip: '198.51.100.20',
      createdAt: new Date(server.clock.now).toISOString(),
      expiresAt: new Date(server.clock.now + 600_000).toISOString(),
    });

    const unelevated = await browser.call('POST', '/auth/device/approve', { user_code: userCode });
    expect(unelevated.status).toBe(403);
    expect(unelevated.body.error.code).toBe('STEP_UP_REQUIRED');
    expect((await poll(server, deviceCode)).body.error.code).toBe('AUTHORIZATION_PENDING');

    expect((await approve(browser, userCode)).body).toEqual({ ok: true });
    server.clock.advance(5_000);
    const granted = await poll(server, deviceCode);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      token_type: 'Bearer',
      scope: 'write deploy',
      expires_in: 90 * 86_400,
    });
    const token = granted.body.access_token as string;

    const who = await cli(server, '/auth/session', undefined, token);
    expect(who.body.user.email).toBe('ada@example.com');
    const record = await server.store.getTokenByHash(await storedHash('token', token));
    expect(record).toMatchObject({
      name: 'release agent',
      agent: true,
      scopes: ['write', 'deploy'],
    });

    server.clock.advance(5_000);
    const again = await poll(server, deviceCode);
    expect(again.body.error.code).toBe('EXPIRED_TOKEN');

    const types = (await server.latchkey.api.audit.list()).map((e) => e.type);
    expect(types).toContain('device.approved');
    const created = (await server.latchkey.api.audit.list()).find(
      (e) => e.type === 'token.created',
    );
    expect(created?.data).toMatchObject({ via: 'device', tokenId: record!.id });
  });

  it('gives exactly one token to concurrent polls after approval', async () => {
    const { server, browser, deviceCode, userCode } = await start({ rateLimit: false });
    await approve(browser, userCode);
    const answers = await Promise.all(Array.from({ length: 8 }, () => poll(server, deviceCode)));
    const granted = answers.filter((a) => a.status === 200);
    expect(granted).toHaveLength(1);
    expect(answers.filter((a) => a.body.error?.code === 'EXPIRED_TOKEN')).toHaveLength(7);
    const userId = (await browser.call('GET', '/auth/session')).body.user.id;
    expect(await server.store.listTokens(userId)).toHaveLength(1);
  });

  it('answers ACCESS_DENIED after a person denies', async () => {
    const { server, browser, deviceCode, userCode } = await start();
    const denied = await browser.call('POST', '/auth/device/deny', { user_code: userCode });
    expect(denied.body).toEqual({ ok: true });
    const res = await poll(server, deviceCode);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ACCESS_DENIED');
    // A decided code cannot be approved afterwards.
    const late = await approve(browser, userCode);
    expect(late.body.error.code).toBe('INVALID_CODE');
    expect((await server.latchkey.api.audit.list()).map((e) => e.type)).toContain('device.denied');
  });

  it('answers EXPIRED_TOKEN after ten minutes, and the code can no longer be approved', async () => {
    const { server, browser, deviceCode, userCode } = await start();
    server.clock.advance(600_001);
    const res = await poll(server, deviceCode);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('EXPIRED_TOKEN');
    const late = await approve(browser, userCode);
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('INVALID_CODE');
    expect((await poll(server, 'x'.repeat(43))).body.error.code).toBe('EXPIRED_TOKEN');
  });

  it('accepts the user code in any case and without its dash', async () => {
    const { browser, userCode } = await start();
    const loose = userCode.replace('-', '').toLowerCase();
    const res = await browser.call('POST', '/auth/device/lookup', { user_code: loose });
    expect(res.body.device.userCode).toBe(userCode);
    const wrong = await browser.call('POST', '/auth/device/lookup', { user_code: 'ABCD-EFG' });
    expect(wrong.body.error.code).toBe('INVALID_CODE');
  });

  it('refuses unknown scopes, and needs a signed-in person to look up or decide', async () => {
    const server = createTestServer();
    const bad = await cli(server, '/auth/device/code', { scopes: ['root'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_BODY');
    const { answer } = await cli(server, '/auth/device/code', {}).then((r) => ({ answer: r.body }));
    const anonymous = server.browser();
    for (const path of ['/auth/device/lookup', '/auth/device/approve', '/auth/device/deny']) {
      const res = await anonymous.call('POST', path, { user_code: answer.user_code });
      expect([path, res.status, res.body.error.code]).toEqual([path, 401, 'UNAUTHENTICATED']);
    }
  });

  it('rate limits the public POSTs per IP', async () => {
    const server = createTestServer({ rateLimit: { perIp: 2 } });
    expect((await cli(server, '/auth/device/code', {})).status).toBe(200);
    expect((await cli(server, '/auth/device/code', {})).status).toBe(200);
    const third = await cli(server, '/auth/device/code', {});
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('RATE_LIMITED');
  });
});
