import { describe, expect, it } from 'vitest';
import { createTestServer, ORIGIN } from '../test/harness.js';
import { type LatchkeyStore, StoreUnavailableError } from './stores/contract.js';
import { memoryStore } from './stores/memory/memory-store.js';

describe('the handler boundary', () => {
  it('answers unknown routes with 404 ROUTE_NOT_FOUND and wrong methods with 405', async () => {
    const browser = createTestServer().browser();
    const missing = await browser.call('GET', '/auth/nope');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
    const method = await browser.call('PUT', '/auth/session', {});
    expect([method.status, method.body.error.code]).toEqual([405, 'METHOD_NOT_ALLOWED']);
    expect(method.headers.get('allow')).toBe('GET');
  });

  it('refuses a state change from a foreign origin (CSRF)', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp();
    const id = browser.authenticator.credentials[0]!.id;
    const res = await browser.call(
      'PATCH',
      `/auth/passkeys/${id}`,
      { name: 'pwned' },
      { origin: 'https://evil.example' },
    );
    expect([res.status, res.body.error.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    const noOrigin = browser.request('PATCH', `/auth/passkeys/${id}`, { name: 'pwned' });
    noOrigin.headers.delete('origin');
    expect((await browser.send(noOrigin)).body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    const crossSite = await browser.call(
      'POST',
      '/auth/sign-out',
      {},
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await server.store.getCredential(id))!.name).not.toBe('pwned');
  });

  it('refuses bodies over 64 KiB with 413, declared or streamed', async () => {
    const browser = createTestServer().browser();
    const big = JSON.stringify({ email: `${'a'.repeat(70_000)}@example.com` });
    const declared = await browser.call('POST', '/auth/passkeys/auth-options', big, {
      'content-length': String(big.length),
    });
    expect([declared.status, declared.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(4096)));
        controller.close();
      },
    });
    const streamed = new Request(`${ORIGIN}/auth/passkeys/auth-options`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await browser.send(streamed)).status).toBe(413);
  });

  it('answers malformed JSON, a wrong shape and a wrong media type with 4xx codes', async () => {
    const browser = createTestServer().browser();
    const cases: [unknown, Record<string, string>, number, string][] = [
      ['{"email":', {}, 400, 'INVALID_JSON'],
      [{ email: 42 }, {}, 400, 'INVALID_BODY'],
      [{ email: 'ada@example.com', extra: { nested: true } }, {}, 400, 'INVALID_BODY'],
      [{ response: { response: { response: {} } } }, {}, 400, 'INVALID_BODY'],
      [
        'email=a',
        { 'content-type': 'application/x-www-form-urlencoded' },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [[1, 2, 3], {}, 400, 'INVALID_BODY'],
      [{ email: 'a\u0000@example.com' }, {}, 400, 'INVALID_BODY'],
      ['{"email":"\u0000', {}, 400, 'INVALID_JSON'],
    ];
    for (const [body, headers, status, code] of cases) {
      const path = (body as { response?: unknown }).response
        ? '/auth/passkeys/authenticate'
        : '/auth/passkeys/auth-options';
      const res = await browser.call('POST', path, body, headers);
      expect([JSON.stringify(body).slice(0, 40), res.status, res.body.error.code]).toEqual([
        JSON.stringify(body).slice(0, 40),
        status,
        code,
      ]);
    }
  });

  it('refuses malformed path parameters with 400 INVALID_PARAMS', async () => {
    const browser = createTestServer().browser();
    await browser.signUp();
    const res = await browser.call('PATCH', '/auth/passkeys/not+base64', { name: 'x' });
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_PARAMS']);
    const encoded = await browser.call('DELETE', '/auth/sessions/%E0%A4%A');
    expect(encoded.body.error.code).toBe('INVALID_PARAMS');
  });

  it('rate limits public POSTs per IP with 429 and Retry-After, and audits it', async () => {
    const server = createTestServer({ rateLimit: { perIp: 3, window: 60 } });
    const browser = server.browser();
    for (let i = 0; i < 3; i++)
      expect((await browser.call('POST', '/auth/passkeys/auth-options', {})).status).toBe(200);
    const limited = await browser.call('POST', '/auth/passkeys/auth-options', {});
    expect([limited.status, limited.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.headers.get('retry-after')).toBe('60');
    // Another IP is not affected; the window ends.
    expect(
      (
        await server
          .browser({ peer: '198.51.100.9' })
          .call('POST', '/auth/passkeys/auth-options', {})
      ).status,
    ).toBe(200);
    server.clock.advance(60_000);
    expect((await browser.call('POST', '/auth/passkeys/auth-options', {})).status).toBe(200);
    const events = await server.latchkey.api.audit.list({ limit: 10 });
    expect(events.filter((e) => e.type === 'rate.limited')).toHaveLength(1);
  });

  it('rate limits sign-in attempts per account across IPs', async () => {
    const server = createTestServer({ rateLimit: { perAccount: 2, perIp: 100 } });
    for (let i = 0; i < 2; i++) {
      const res = await server
        .browser({ peer: `198.51.100.${i}` })
        .call('POST', '/auth/passkeys/auth-options', { email: 'ada@example.com' });
      expect(res.status).toBe(200);
    }
    const res = await server
      .browser({ peer: '198.51.100.77' })
      .call('POST', '/auth/passkeys/auth-options', { email: 'ADA@example.com' });
    expect(res.body.error.code).toBe('RATE_LIMITED');
  });

  it('answers 503 when the store is down, and writes nothing half', async () => {
    const inner = memoryStore();
    let down = false;
    const flaky = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (down && (prop === 'createSession' || prop === 'recordSignIn'))
            throw new StoreUnavailableError('connection refused');
          return value.apply(target, args);
        };
      },
    }) as LatchkeyStore;
    const server = createTestServer({}, flaky);
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    await browser.signOut();
    const { response } = await browser.assertion();
    down = true;
    const res = await browser.call('POST', '/auth/passkeys/authenticate', { response });
    expect([res.status, res.body.error.code]).toEqual([503, 'STORE_UNAVAILABLE']);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('latchkey='))).toBe(false);
    const user = (await inner.getUserByEmail('ada@example.com'))!;
    expect(await inner.listSessions(user.id)).toEqual([]);
  });

  it('writes a sign-up in one store call (one transaction), so a failure leaves nothing', async () => {
    const inner = memoryStore();
    const writes: string[] = [];
    let fail = true;
    const watched = new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (/^(create|add|replace|update|rotate)/.test(String(prop))) writes.push(String(prop));
          if (prop === 'createUser' && fail)
            throw new StoreUnavailableError('lost connection mid-transaction');
          return value.apply(target, args);
        };
      },
    }) as LatchkeyStore;
    const server = createTestServer({}, watched);
    const browser = server.browser();
    const { response } = await browser.registration({ email: 'ada@example.com' });
    writes.length = 0;
    const res = await browser.call('POST', '/auth/passkeys/register', { response });
    expect(res.status).toBe(503);
    expect(writes).toEqual(['createUser']);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('latchkey='))).toBe(false);
    expect(await inner.getUserByEmail('ada@example.com')).toBeNull();

    fail = false;
    const retry = await browser.registration({ email: 'ada@example.com' });
    writes.length = 0;
    expect(
      (await browser.call('POST', '/auth/passkeys/register', { response: retry.response })).status,
    ).toBe(201);
    expect(writes).toEqual(['createUser']);
    const user = (await inner.getUserByEmail('ada@example.com'))!;
    expect(await inner.listSessions(user.id)).toHaveLength(1);
    expect(await inner.countRecoveryCodes(user.id)).toBe(10);
  });

  it('never answers 500 for bad input: a fuzz of bodies on every public POST', async () => {
    const browser = createTestServer({ rateLimit: false }).browser();
    const paths = [
      '/auth/passkeys/register-options',
      '/auth/passkeys/register',
      '/auth/passkeys/auth-options',
      '/auth/passkeys/authenticate',
      '/auth/recovery',
    ];
    const bodies = [
      '',
      'null',
      '[]',
      '"x"',
      '{"response":null}',
      '{"response":{"id":"A","rawId":"A","type":"public-key","response":{"clientDataJSON":"AAAA","authenticatorData":"AAAA","signature":"AAAA","attestationObject":"AAAA"},"clientExtensionResults":{}}}',
      '{"code":"AAAA-AAAA-AAAA"}',
      '{"email":"a@b.co","code":"ZZZZ-ZZZZ-ZZZZ"}',
      '{',
    ];
    for (const path of paths) {
      for (const body of bodies) {
        const res = await browser.call('POST', path, body);
        expect([path, body, res.status < 500]).toEqual([path, body, true]);
        expect(res.body.error?.code ?? 'ok').toMatch(/^[A-Z_]+$|^ok$/);
      }
    }
  });
});
