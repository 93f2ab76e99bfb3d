import { base64urlEncode } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { deviceKey } from '../../test/device-key.js';
import { createTestServer, ORIGIN, type TestBrowser } from '../../test/harness.js';

type DeviceKey = Awaited<ReturnType<typeof deviceKey>>;

/** `browser.call` with a fresh request proof by `key`, on the server's clock. */
async function signedCall(
  server: { clock: { now: number } },
  browser: TestBrowser,
  key: DeviceKey,
  method: string,
  path: string,
  body?: unknown,
) {
  const headers = await key.proof(method, path.split('?')[0]!, server.clock.now);
  return browser.call(method, path, body, headers);
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

  it('refuses a copied cookie at once, even right after the owner proved', async () => {
    const { server, browser, key } = await lockedSession();
    const thief = server.browser({ peer: '198.51.100.66' });
    thief.cookies.set('latchkey', browser.cookies.get('latchkey')!);

    // The owner proves and signs its requests; the thief, the very same second, cannot.
    expect((await prove(browser, key)).status).toBe(200);
    const owned = await signedCall(server, browser, key, 'GET', '/auth/passkeys');
    expect(owned.status).toBe(200);
    const list = await thief.call('GET', '/auth/passkeys');
    expect([list.status, list.body.error.code]).toEqual([401, 'POP_REQUIRED']);
    expect((await thief.call('GET', '/auth/session')).body.user).toBeNull();
    expect((await signedCall(server, browser, key, 'GET', '/auth/session')).body.user.email).toBe(
      'ada@example.com',
    );

    // The thief's own key does not prove this session.
    const stolen = await prove(thief, await deviceKey());
    expect(stolen.body.error.code).toBe('POP_INVALID');
    const forged = await signedCall(server, thief, await deviceKey(), 'GET', '/auth/passkeys');
    expect([forged.status, forged.body.error.code]).toEqual([401, 'POP_INVALID']);
    expect((await server.latchkey.api.audit.list({ limit: 5 }))[0]).toMatchObject({
      type: 'pop.failed',
      data: { reason: 'signature' },
    });
  });

  it('refuses a replayed proof, and one made for another path, method or time', async () => {
    const { server, browser, key } = await lockedSession();
    const header = await key.proof('GET', '/auth/passkeys', server.clock.now);
    expect((await browser.call('GET', '/auth/passkeys', undefined, header)).status).toBe(200);
    const replay = await browser.call('GET', '/auth/passkeys', undefined, header);
    expect([replay.status, replay.body.error.code]).toEqual([401, 'POP_INVALID']);

    const otherPath = await key.proof('GET', '/auth/sessions', server.clock.now);
    expect(
      (await browser.call('GET', '/auth/passkeys', undefined, otherPath)).body.error.code,
    ).toBe('POP_INVALID');
    const otherMethod = await key.proof('POST', '/auth/passkeys', server.clock.now);
    expect(
      (await browser.call('GET', '/auth/passkeys', undefined, otherMethod)).body.error.code,
    ).toBe('POP_INVALID');
    const stale = await key.proof('GET', '/auth/passkeys', server.clock.now - 61_000);
    expect((await browser.call('GET', '/auth/passkeys', undefined, stale)).body.error.code).toBe(
      'POP_INVALID',
    );
    const ahead = await key.proof('GET', '/auth/passkeys', server.clock.now + 61_000);
    expect((await browser.call('GET', '/auth/passkeys', undefined, ahead)).body.error.code).toBe(
      'POP_INVALID',
    );
    const garbled = { 'latchkey-proof': 'not-a-proof' };
    expect((await browser.call('GET', '/auth/passkeys', undefined, garbled)).body.error.code).toBe(
      'POP_INVALID',
    );
    // Within the allowed skew a proof passes; the query is not part of what is signed.
    const skewed = await key.proof('GET', '/auth/passkeys', server.clock.now - 59_000);
    expect((await browser.call('GET', '/auth/passkeys?x=1', undefined, skewed)).status).toBe(200);
    const reasons = (await server.latchkey.api.audit.list({ limit: 10 }))
      .filter((e) => e.type === 'pop.failed')
      .map((e) => e.data.reason);
    expect(reasons).toEqual(['malformed', 'stale', 'stale', 'signature', 'signature', 'replayed']);
  });

  it('proofs leak to other origins: a proof signed for another origin, or in the unversioned format, is refused', async () => {
    const { server, browser, key } = await lockedSession();
    // What a third-party API the app called would have received from signedFetch.
    const elsewhere = await key.proof(
      'GET',
      '/auth/passkeys',
      server.clock.now,
      undefined,
      'https://api.other.example',
    );
    const replayed = await browser.call('GET', '/auth/passkeys', undefined, elsewhere);
    expect([replayed.status, replayed.body.error.code]).toEqual([401, 'POP_INVALID']);
    // The 0.1 message named no origin: it no longer verifies.
    const iat = Math.floor(server.clock.now / 1000);
    const nonce = base64urlEncode(crypto.getRandomValues(new Uint8Array(16)));
    const old = await key.signBytes(
      new TextEncoder().encode(`latchkey-proof\nGET\n/auth/passkeys\n${iat}\n${nonce}`),
    );
    const unversioned = { 'latchkey-proof': `${iat}.${nonce}.${old}` };
    expect(
      (await browser.call('GET', '/auth/passkeys', undefined, unversioned)).body.error.code,
    ).toBe('POP_INVALID');
    const here = await key.proof('GET', '/auth/passkeys', server.clock.now);
    expect((await browser.call('GET', '/auth/passkeys', undefined, here)).status).toBe(200);
  });

  it('takes the signed origin from the proxy only with trustProxy', async () => {
    const { server, browser, key } = await lockedSession({
      trustProxy: true,
      origins: [ORIGIN, 'https://app.example'],
    });
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' };
    const proof = await key.proof(
      'GET',
      '/auth/passkeys',
      server.clock.now,
      undefined,
      'https://app.example',
    );
    const res = await browser.call('GET', '/auth/passkeys', undefined, { ...proof, ...forwarded });
    expect(res.status).toBe(200);
  });

  it('keeps page loads through the gate on the periodic proof, API requests on the header', async () => {
    const { server, browser, key } = await lockedSession();
    const gate = server.latchkey.gate({ loopbackBypass: false, originGrace: false });
    const page = { accept: 'text/html,application/xhtml+xml' };
    expect((await gate.check(browser.request('GET', '/dashboard', undefined, page))).ok).toBe(true);
    const bare = await gate.check(browser.request('GET', '/api/things'));
    expect(bare.ok).toBe(false);
    if (!bare.ok) expect(((await bare.response.json()) as any).error.code).toBe('POP_REQUIRED');
    const signed = await gate.check(
      browser.request(
        'GET',
        '/api/things',
        undefined,
        await key.proof('GET', '/api/things', server.clock.now),
      ),
    );
    expect(signed.ok && signed.via).toBe('session');
    const replayed = await gate.check(
      browser.request(
        'POST',
        '/api/things',
        {},
        await key.proof('GET', '/api/things', server.clock.now),
      ),
    );
    expect(replayed.ok).toBe(false);
    if (!replayed.ok)
      expect(((await replayed.response.json()) as any).error.code).toBe('POP_INVALID');

    // Once the periodic proof is stale, page loads stop too.
    server.clock.advance(61_000);
    expect((await gate.check(browser.request('GET', '/dashboard', undefined, page))).ok).toBe(
      false,
    );
  });

  it('makes api.sessions.fromRequest verify the request proof', async () => {
    const { server, browser, key } = await lockedSession();
    const fromRequest = server.latchkey.api.sessions.fromRequest;
    expect(await fromRequest(browser.request('GET', '/api/me'))).toBeNull();
    const proof = await key.proof('GET', '/api/me', server.clock.now);
    const signedIn = await fromRequest(browser.request('GET', '/api/me', undefined, proof));
    expect(signedIn?.session.locked).toBe(true);
    expect(await fromRequest(browser.request('GET', '/api/me', undefined, proof))).toBeNull();
    const elsewhere = await key.proof('GET', '/api/other', server.clock.now);
    expect(await fromRequest(browser.request('GET', '/api/me', undefined, elsewhere))).toBeNull();
  });

  it('refreshes popProvenAt from request proofs at most every 30 s', async () => {
    const { server, browser, key } = await lockedSession();
    const provenAt = async () =>
      (
        await server.store.listSessions((await server.store.getUserByEmail('ada@example.com'))!.id)
      )[0]!.popProvenAt;
    const start = await provenAt();
    server.clock.advance(20_000);
    expect((await signedCall(server, browser, key, 'GET', '/auth/passkeys')).status).toBe(200);
    expect(await provenAt()).toBe(start);
    server.clock.advance(15_000);
    expect((await signedCall(server, browser, key, 'GET', '/auth/passkeys')).status).toBe(200);
    expect(await provenAt()).toBe(server.clock.now);
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
    expect((await browser.call('GET', '/auth/session')).body.user).toBeNull();
    const me = (await signedCall(server, browser, key, 'GET', '/auth/session')).body;
    expect([me.user.tier, me.session.locked]).toEqual(['locked', true]);
    const event = (await server.latchkey.api.audit.list({ limit: 5 })).find(
      (e) => e.type === 'tier.changed',
    );
    expect(event?.data).toEqual({ from: 'standard', to: 'locked', endedSessions: 0 });

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
    const server = createTestServer({ pop: { defaultTier: 'locked' } });
    const browser = server.browser();
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
    expect((await signedCall(server, browser, key, 'GET', '/auth/session')).body.user.tier).toBe(
      'locked',
    );
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
