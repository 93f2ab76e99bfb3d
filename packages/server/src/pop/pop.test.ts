import { base64urlEncode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer, type TestBrowser } from '../../test/harness.js';

/** A device key as the browser makes it: ECDSA P-256, signing raw r‖s. */
async function deviceKey() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return {
    popKey: { kty: 'EC' as const, crv: 'P-256' as const, x: jwk.x!, y: jwk.y! },
    async sign(challenge: string) {
      const bytes = Uint8Array.from(atob(challenge.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
        c.charCodeAt(0),
      );
      return base64urlEncode(
        new Uint8Array(
          await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, bytes),
        ),
      );
    },
  };
}

async function prove(browser: TestBrowser, key: Awaited<ReturnType<typeof deviceKey>>) {
  const { challenge } = (await browser.call('POST', '/auth/pop/challenge', {})).body;
  return browser.call('POST', '/auth/pop/prove', {
    challenge,
    signature: await key.sign(challenge),
  });
}

async function lockedSession(config = {}) {
  const server = createTestServer({ pop: { maxAge: 60 }, ...config });
  const browser = server.browser();
  await browser.signUp({ email: 'ada@example.com' });
  await browser.signOut();
  const key = await deviceKey();
  const { response } = await browser.assertion();
  const res = await browser.call('POST', '/auth/passkeys/authenticate', {
    response,
    popKey: key.popKey,
  });
  expect(res.body.session.locked).toBe(true);
  return { server, browser, key };
}

describe('locked sessions (proof of possession)', () => {
  it('refreshes the proof with a signed challenge', async () => {
    const { server, browser, key } = await lockedSession();
    server.clock.advance(30_000);
    const res = await prove(browser, key);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.nextProofBy)).toBe(server.clock.now + 60_000);
  });

  it('makes a copied cookie useless without the device key', async () => {
    const { server, browser, key } = await lockedSession();
    const thief = server.browser({ peer: '198.51.100.66' });
    thief.cookies.set('latchkey', browser.cookies.get('latchkey')!);
    server.clock.advance(61_000);

    const list = await thief.call('GET', '/auth/passkeys');
    expect([list.status, list.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    expect((await thief.call('GET', '/auth/session')).body.user).toBeNull();
    const gate = await server.latchkey
      .gate({ loopbackBypass: false, originGrace: false })
      .check(thief.request('GET', '/api'));
    expect(gate.ok).toBe(false);
    expect(await server.latchkey.api.sessions.fromRequest(thief.request('GET', '/api'))).toBeNull();

    // The thief's own key does not prove this session.
    const stolen = await prove(thief, await deviceKey());
    expect(stolen.body.error.code).toBe('POP_INVALID');
    expect((await server.latchkey.api.audit.list({ limit: 5 }))[0]!.type).toBe('pop.failed');

    // The real browser proves and carries on.
    expect((await prove(browser, key)).status).toBe(200);
    expect((await browser.call('GET', '/auth/passkeys')).status).toBe(200);
  });

  it('refuses a proof signed over another challenge, and reuse of a challenge', async () => {
    const { browser, key } = await lockedSession();
    const a = (await browser.call('POST', '/auth/pop/challenge', {})).body.challenge;
    const b = (await browser.call('POST', '/auth/pop/challenge', {})).body.challenge;
    expect(
      (
        await browser.call('POST', '/auth/pop/prove', {
          challenge: a,
          signature: await key.sign(b),
        })
      ).body.error.code,
    ).toBe('POP_INVALID');
    const signature = await key.sign(b);
    expect(
      (await browser.call('POST', '/auth/pop/prove', { challenge: b, signature })).status,
    ).toBe(200);
    expect(
      (await browser.call('POST', '/auth/pop/prove', { challenge: b, signature })).body.error.code,
    ).toBe('CHALLENGE_EXPIRED');
  });

  it('has nothing to prove for a standard session', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    expect((await browser.call('POST', '/auth/pop/challenge', {})).body.error.code).toBe(
      'FORBIDDEN',
    );
    server.clock.advance(3_600_000);
    expect((await browser.call('GET', '/auth/passkeys')).status).toBe(200);
  });
});

describe('tiers', () => {
  it('upgrades to locked after a step-up, binding the current session, and audits it', async () => {
    const server = createTestServer({ pop: { maxAge: 60 } });
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    const key = await deviceKey();
    expect(
      (await browser.call('POST', '/auth/tier', { tier: 'locked', popKey: key.popKey })).body.error
        .code,
    ).toBe('STEP_UP_REQUIRED');
    await browser.stepUp();
    expect((await browser.call('POST', '/auth/tier', { tier: 'locked' })).body.error.code).toBe(
      'POP_REQUIRED',
    );
    expect(
      (await browser.call('POST', '/auth/tier', { tier: 'locked', popKey: key.popKey })).status,
    ).toBe(200);
    const me = (await browser.call('GET', '/auth/session')).body;
    expect([me.user.tier, me.session.locked]).toEqual(['locked', true]);
    const event = (await server.latchkey.api.audit.list({ limit: 5 })).find(
      (e) => e.type === 'tier.changed',
    );
    expect(event?.data).toEqual({ from: 'standard', to: 'locked' });

    await browser.signOut();
    const { response } = await browser.assertion();
    expect(
      (await browser.call('POST', '/auth/passkeys/authenticate', { response })).body.error.code,
    ).toBe('POP_REQUIRED');
    const again = await browser.assertion();
    expect(
      (
        await browser.call('POST', '/auth/passkeys/authenticate', {
          response: again.response,
          popKey: key.popKey,
        })
      ).status,
    ).toBe(200);
  });

  it('makes new accounts locked with pop.defaultTier', async () => {
    const browser = createTestServer({ pop: { defaultTier: 'locked' } }).browser();
    const { response } = await browser.registration();
    expect(
      (await browser.call('POST', '/auth/passkeys/register', { response })).body.error.code,
    ).toBe('POP_REQUIRED');
    const key = await deviceKey();
    const retry = await browser.registration();
    expect(
      (
        await browser.call('POST', '/auth/passkeys/register', {
          response: retry.response,
          popKey: key.popKey,
        })
      ).status,
    ).toBe(201);
    expect((await browser.call('GET', '/auth/session')).body.user.tier).toBe('locked');
  });
});

describe('locked streams', () => {
  async function open(
    server: Awaited<ReturnType<typeof lockedSession>>['server'],
    browser: TestBrowser,
  ) {
    const res = await server.latchkey.lockedStream(browser.request('GET', '/events'), {
      interval: 150,
      start(send) {
        send('hello', { n: 1 });
      },
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    return {
      async next(): Promise<{ event: string; data: any } | null> {
        let buffer = '';
        for (;;) {
          const frames = buffer.split('\n\n');
          for (const frame of frames.slice(0, -1)) {
            const event = frame.match(/^event: (.*)$/m)?.[1];
            if (event) {
              buffer = buffer.slice(buffer.indexOf(frame) + frame.length + 2);
              return { event, data: JSON.parse(frame.match(/^data: (.*)$/m)![1]!) };
            }
          }
          const { value, done } = await reader.read();
          if (done) return null;
          buffer += decoder.decode(value);
        }
      },
    };
  }

  it('stays open while the browser proves every challenge', async () => {
    const { server, browser, key } = await lockedSession();
    const stream = await open(server, browser);
    expect(await stream.next()).toEqual({ event: 'hello', data: { n: 1 } });
    for (let i = 0; i < 3; i++) {
      const message = await stream.next();
      expect(message?.event).toBe('pop-challenge');
      const proof = await browser.call('POST', '/auth/pop/prove', {
        challenge: message!.data.challenge,
        signature: await key.sign(message!.data.challenge),
      });
      expect(proof.status).toBe(200);
    }
  });

  it('closes after two challenges in a row go unproven', async () => {
    const { server, browser } = await lockedSession();
    const stream = await open(server, browser);
    const events: string[] = [];
    for (let m = await stream.next(); m; m = await stream.next())
      events.push(m.event === 'pop-failed' ? `pop-failed:${m.data.reason}` : m.event);
    expect(events).toEqual(['hello', 'pop-challenge', 'pop-challenge', 'pop-failed:proof-missing']);
  });

  it('refuses a session that is not locked', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const res = await server.latchkey.lockedStream(browser.request('GET', '/events'), {
      start() {},
    });
    expect(res.status).toBe(401);
  });
});
