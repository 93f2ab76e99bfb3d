import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { PAIRING_TTL_MS } from './pairing-routes.js';

async function setup(config = {}) {
  const server = createTestServer(config);
  const trusted = server.browser();
  await trusted.signUp({ email: 'owner@example.com' });
  await trusted.stepUp();
  const newcomer = server.browser({
    peer: '192.168.1.44',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  });
  const asked = await newcomer.call('POST', '/auth/pairing', { deviceName: 'My iPhone' });
  return { server, trusted, newcomer, asked };
}

describe('pairing', () => {
  it('pairs a new device: code, look-up, approval, an enrol-only session, its own passkey', async () => {
    const { server, trusted, newcomer, asked } = await setup();
    expect(asked.status).toBe(201);
    expect(asked.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(Date.parse(asked.body.expiresAt)).toBe(server.clock.now + PAIRING_TTL_MS);
    const status = `/auth/pairing/${asked.body.pairingId}`;
    expect((await newcomer.call('GET', status)).body).toEqual({ status: 'pending' });

    const look = await trusted.call('POST', '/auth/pairing/lookup', {
      code: asked.body.code.toLowerCase(),
    });
    expect(look.status).toBe(200);
    expect(look.body.pairing).toMatchObject({
      deviceName: 'My iPhone',
      device: { browser: 'Safari', os: 'iOS' },
      ip: '192.168.1.44',
    });
    expect(
      (await trusted.call('POST', '/auth/pairing/approve', { code: asked.body.code })).status,
    ).toBe(200);

    expect((await newcomer.call('GET', status)).body).toEqual({ status: 'approved' });
    const session = (await newcomer.call('GET', '/auth/session')).body;
    expect(session.user.email).toBe('owner@example.com');
    expect(session.session.kind).toBe('enrol');
    expect((await newcomer.call('GET', '/auth/passkeys')).body.error.code).toBe(
      'ENROLMENT_REQUIRED',
    );

    const enrolled = await newcomer.signUp({}, 'iPhone');
    expect([enrolled.status, enrolled.body.passkey.status]).toEqual([201, 'active']);
    expect((await newcomer.call('GET', '/auth/session')).body.session.kind).toBe('full');
    expect((await trusted.call('GET', '/auth/passkeys')).body.passkeys).toHaveLength(2);
    const types = (await server.latchkey.api.audit.list({ limit: 20 })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['pairing.requested', 'pairing.approved']));
  });

  it('needs a step-up on the trusted device', async () => {
    const { server, asked } = await setup();
    const lazy = server.browser();
    await lazy.signUp();
    const res = await lazy.call('POST', '/auth/pairing/lookup', { code: asked.body.code });
    expect(res.body.error.code).toBe('STEP_UP_REQUIRED');
  });

  it('uses a code once: a second approval fails and the session is collected once', async () => {
    const { trusted, newcomer, asked } = await setup();
    expect(
      (await trusted.call('POST', '/auth/pairing/approve', { code: asked.body.code })).status,
    ).toBe(200);
    const again = await trusted.call('POST', '/auth/pairing/approve', { code: asked.body.code });
    expect(again.body.error.code).toBe('INVALID_CODE');
    const status = `/auth/pairing/${asked.body.pairingId}`;
    const [a, b] = await Promise.all([newcomer.call('GET', status), newcomer.call('GET', status)]);
    expect([a.body.status, b.body.status].sort()).toEqual(['approved', 'expired'].sort());
  });

  it('expires after five minutes', async () => {
    const { server, trusted, newcomer, asked } = await setup();
    server.clock.advance(PAIRING_TTL_MS + 1);
    await trusted.stepUp();
    const res = await trusted.call('POST', '/auth/pairing/approve', { code: asked.body.code });
    expect(res.body.error.code).toBe('INVALID_CODE');
    expect((await newcomer.call('GET', `/auth/pairing/${asked.body.pairingId}`)).body.status).toBe(
      'expired',
    );
  });

  it('tells the asking device when it is denied, and gives it nothing', async () => {
    const { trusted, newcomer, asked } = await setup();
    expect(
      (await trusted.call('POST', '/auth/pairing/deny', { code: asked.body.code })).status,
    ).toBe(200);
    expect((await newcomer.call('GET', `/auth/pairing/${asked.body.pairingId}`)).body.status).toBe(
      'denied',
    );
    expect((await newcomer.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('answers the status only to the browser that asked', async () => {
    const { server, trusted, asked } = await setup();
    await trusted.call('POST', '/auth/pairing/approve', { code: asked.body.code });
    const thief = server.browser();
    const res = await thief.call('GET', `/auth/pairing/${asked.body.pairingId}`);
    expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await thief.call('GET', '/auth/session')).body.user).toBeNull();
  });

  it('rate limits guessing codes', async () => {
    const { trusted } = await setup();
    const codes = [];
    for (let i = 0; i < 11; i++)
      codes.push(
        (
          await trusted.call('POST', '/auth/pairing/lookup', {
            code: `ABCD-EF${i.toString().padStart(2, '2')}`,
          })
        ).body.error.code,
      );
    expect(codes.slice(0, 10).every((c) => c === 'INVALID_CODE')).toBe(true);
    expect(codes[10]).toBe('RATE_LIMITED');
  });
});
