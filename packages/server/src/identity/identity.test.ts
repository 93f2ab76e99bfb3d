import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import type { ConnectionInfo } from '../http/request-context.js';
import { type LatchkeyStore, StoreUnavailableError } from '../stores/contract.js';
import { memoryStore } from '../stores/memory/memory-store.js';

const LAN_PEER = '203.0.113.7';
const TAILNET = 'https://box.alice.ts.net';
const app = async () => new Response('the app', { status: 200 });

function setup(config: Partial<LatchkeyConfig> = {}, store?: LatchkeyStore) {
  const server = createTestServer(
    { origins: ['http://localhost:3000', 'http://127.0.0.1:3000', TAILNET], ...config },
    store,
  );
  const gated = server.latchkey.gate().protect(app);
  const call = (
    url: string,
    init: { method?: string; peer?: string; headers?: Record<string, string> } = {},
  ) =>
    gated(new Request(url, { method: init.method ?? 'GET', headers: init.headers }), {
      remoteAddress: init.peer ?? LAN_PEER,
    });
  return { server, call };
}

async function codeOf(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code: string } }).error?.code;
}

/** A store whose session lookup fails with `error`, to see how each door answers. */
function failingStore(error: () => Error): LatchkeyStore {
  const store = memoryStore();
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'getSessionAndUser') return async () => Promise.reject(error());
      return Reflect.get(target, key, receiver);
    },
  });
}

describe('first-enrolment grace', () => {
  it('finding A: a remote client naming a configured origin in Origin gets no grace once the owner enrolled elsewhere', async () => {
    const { server, call } = setup();
    await server.browser({ origin: TAILNET }).signUp({ email: 'owner@example.com' });
    // Nothing is enrolled for 127.0.0.1, and never will be (an IP holds no passkey).
    const res = await call(`${TAILNET}/api`, { headers: { origin: 'http://127.0.0.1:3000' } });
    expect([res.status, res.headers.get('x-latchkey-grace')]).toEqual([401, null]);
  });

  it('finding A: grace is refused when Origin differs from the host, even a configured one', async () => {
    const { call } = setup();
    const res = await call('http://localhost:3000/api', {
      headers: { origin: TAILNET },
    });
    expect([res.status, res.headers.get('x-latchkey-grace')]).toEqual([401, null]);
    const same = await call('http://localhost:3000/api', {
      headers: { origin: 'http://localhost:3000' },
    });
    expect([same.status, same.headers.get('x-latchkey-grace')]).toEqual([200, 'localhost']);
  });

  it('finding A: hosts that cannot hold a passkey get no grace (IP literals, plain http off loopback)', async () => {
    const { call } = setup({
      origins: ['http://127.0.0.1:3000', 'http://[::1]:3000', 'http://box.lan:3000'],
    });
    for (const url of [
      'http://127.0.0.1:3000/api',
      'http://[::1]:3000/api',
      'http://box.lan:3000/api',
    ]) {
      const res = await call(url);
      expect([url, res.status]).toEqual([url, 401]);
    }
  });

  it('finding A: in owner mode grace ends everywhere once the instance has an owner', async () => {
    const { server, call } = setup({ mode: 'owner' });
    const before = await call(`${TAILNET}/api`);
    expect([before.status, before.headers.get('x-latchkey-grace')]).toEqual([200, 'alice.ts.net']);
    await server.browser().signUp({ email: 'owner@example.com' });
    // alice.ts.net holds no passkey yet; the owner's other devices come in by pairing.
    expect((await call(`${TAILNET}/api`)).status).toBe(401);
    // Pairing stays open through Latchkey's own routes.
    const pairing = await server.browser({ origin: TAILNET }).call('POST', '/auth/pairing', {});
    expect([pairing.status, typeof pairing.body.code]).toEqual([201, 'string']);
  });

  it('takes the host from X-Forwarded-Host only with trustProxy', async () => {
    const forwarded = {
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'box.alice.ts.net',
    };
    const trusted = setup({ trustProxy: true });
    await trusted.server.browser().signUp({ email: 'owner@example.com' });
    const viaProxy = await trusted.call('http://localhost:3000/api', { headers: forwarded });
    expect([viaProxy.status, viaProxy.headers.get('x-latchkey-grace')]).toEqual([
      200,
      'alice.ts.net',
    ]);
    const untrusted = setup();
    await untrusted.server.browser().signUp({ email: 'owner@example.com' });
    const ignored = await untrusted.call('http://localhost:3000/api', { headers: forwarded });
    expect(ignored.status).toBe(401);
  });
});

describe('the loopback bypass', () => {
  async function enrolledSetup() {
    const s = setup({ origins: ['http://localhost:3000'] });
    await s.server.browser().signUp({ email: 'owner@example.com' });
    return s;
  }

  it('finding B: a page on another site cannot drive gated routes through the bypass', async () => {
    const { call } = await enrolledSetup();
    const attacks: [string, Record<string, string>, string][] = [
      // <form method=post action=http://localhost:3000/api>
      ['POST', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, 'form'],
      // <img src=http://localhost:3000/api>: no Origin on a GET
      ['GET', { 'sec-fetch-site': 'cross-site' }, 'img'],
      // a sandboxed iframe: Origin: null
      ['POST', { 'sec-fetch-site': 'cross-site', origin: 'null' }, 'sandbox'],
      ['GET', { origin: 'null' }, 'null origin'],
      // an older browser without Fetch Metadata still sends its page's Origin
      ['POST', { origin: 'https://evil.example' }, 'no fetch metadata'],
    ];
    for (const [method, headers, label] of attacks) {
      const res = await call('http://localhost:3000/api', { method, headers, peer: '127.0.0.1' });
      expect([label, res.status >= 400]).toEqual([label, true]);
    }
  });

  it('still lets the machine itself in: a CLI, a navigation, the app’s own page', async () => {
    const { call } = await enrolledSetup();
    for (const headers of [
      {} as Record<string, string>,
      { 'sec-fetch-site': 'none' },
      { 'sec-fetch-site': 'same-origin', origin: 'http://localhost:3000' },
    ]) {
      const res = await call('http://localhost:3000/api', { headers, peer: '127.0.0.1' });
      expect([headers, res.status]).toEqual([headers, 200]);
    }
  });
});

describe('the gate', () => {
  it('applies the handler’s CSRF rule to unsafe methods with a session cookie', async () => {
    const { server, call } = setup({ origins: ['http://localhost:3000'] });
    const browser = server.browser();
    await browser.signUp({ email: 'owner@example.com' });
    const cookie = `latchkey=${browser.cookies.get('latchkey')}`;
    for (const headers of [
      { cookie, 'sec-fetch-site': 'cross-site' } as Record<string, string>,
      { cookie, origin: 'null' },
      { cookie },
    ]) {
      const res = await call('http://localhost:3000/api', { method: 'POST', headers });
      expect([res.status, await codeOf(res)]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    }
    const ok = await call('http://localhost:3000/api', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost:3000' },
    });
    expect(ok.status).toBe(200);
    // OPTIONS is safe: a preflight needs no Origin rule of its own.
    const preflight = await call('http://localhost:3000/api', {
      method: 'OPTIONS',
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(preflight.status).toBe(200);
  });

  it('finding K: a read token does not pass the default gate on methods that change things', async () => {
    const { server, call } = setup({ origins: ['http://localhost:3000'] });
    await server.browser().signUp({ email: 'owner@example.com' });
    const user = (await server.store.getUserByEmail('owner@example.com'))!;
    const read = (await server.latchkey.api.tokens.create(user.id, { name: 'r', scopes: ['read'] }))
      .token;
    const write = (
      await server.latchkey.api.tokens.create(user.id, { name: 'w', scopes: ['write'] })
    ).token;
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await call('http://localhost:3000/api', {
        method,
        headers: { authorization: `Bearer ${read}` },
      });
      expect([method, res.status, await codeOf(res)]).toEqual([method, 403, 'INSUFFICIENT_SCOPE']);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="write"',
      );
      const allowed = await call('http://localhost:3000/api', {
        method,
        headers: { authorization: `Bearer ${write}` },
      });
      expect([method, allowed.status]).toEqual([method, 200]);
    }
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      const res = await call('http://localhost:3000/api', {
        method,
        headers: { authorization: `Bearer ${read}` },
      });
      expect([method, res.status]).toEqual([method, 200]);
    }
  });

  it('finding M: a junk Authorization header next to a session cookie does not skip the gate’s CSRF check', async () => {
    const { server, call } = setup({ origins: ['http://localhost:3000'] });
    const browser = server.browser();
    await browser.signUp({ email: 'owner@example.com' });
    const res = await call('http://localhost:3000/api', {
      method: 'POST',
      headers: {
        cookie: `latchkey=${browser.cookies.get('latchkey')}`,
        authorization: 'Bearer junk',
        'sec-fetch-site': 'cross-site',
      },
    });
    expect([res.status, await codeOf(res)]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
  });
});

describe('the handler', () => {
  it('finding M: a junk Authorization header next to a session cookie does not skip the CSRF check', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'owner@example.com' });
    const forged = browser.request(
      'POST',
      '/auth/sign-out',
      {},
      { authorization: 'Bearer junk', 'sec-fetch-site': 'cross-site' },
    );
    forged.headers.delete('origin');
    const res = await browser.send(forged);
    expect([res.status, res.body.error?.code]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    expect((await browser.call('GET', '/auth/session')).body.user?.email).toBe('owner@example.com');
  });

  it('lets a bearer that is the credential in use through without Origin', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'owner@example.com' });
    const user = (await server.store.getUserByEmail('owner@example.com'))!;
    const { token, info } = await server.latchkey.api.tokens.create(user.id, {
      name: 'CI',
      scopes: ['read'],
    });
    const res = await server.latchkey.handler(
      new Request(`http://localhost:3000/auth/tokens/${info.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}`, 'sec-fetch-site': 'cross-site' },
      }),
    );
    expect(res.status).toBe(200);
  });
});

describe('api.sessions.fromRequest', () => {
  it('finding I: accepts only the cookie name of the request’s scheme (__Host- on https only)', async () => {
    const server = createTestServer({ origins: [TAILNET, 'http://localhost:3000'] });
    const secure = server.browser({ origin: TAILNET });
    await secure.signUp({ email: 'owner@example.com' });
    const value = secure.cookies.get('__Host-latchkey')!;
    const plainOnHttps = new Request(`${TAILNET}/api`, {
      headers: { cookie: `latchkey=${value}` },
    });
    expect(await server.latchkey.api.sessions.fromRequest(plainOnHttps)).toBeNull();
    const hostOnHttp = new Request('http://localhost:3000/api', {
      headers: { cookie: `__Host-latchkey=${value}` },
    });
    expect(await server.latchkey.api.sessions.fromRequest(hostOnHttp)).toBeNull();
    const right = new Request(`${TAILNET}/api`, {
      headers: { cookie: `__Host-latchkey=${value}` },
    });
    expect((await server.latchkey.api.sessions.fromRequest(right))?.user.email).toBe(
      'owner@example.com',
    );
  });

  it('finding I: returns recovery and pairing sessions only when the caller opts in', async () => {
    const server = createTestServer();
    const owner = server.browser();
    const codes = (await owner.signUp({ email: 'owner@example.com' })).body.recoveryCodes;
    const lost = server.browser();
    await lost.call('POST', '/auth/recovery', { code: codes[0] });
    const request = lost.request('GET', '/api');
    expect(await server.latchkey.api.sessions.fromRequest(request)).toBeNull();
    const opted = await server.latchkey.api.sessions.fromRequest(request, {
      allowKinds: ['recovery'],
    });
    expect(opted?.session.kind).toBe('recovery');
    expect(
      await server.latchkey.api.sessions.fromRequest(request, { allowKinds: ['enrol'] }),
    ).toBeNull();
  });

  it('refuses what the handler refuses: a foreign Origin, a cross-site POST', async () => {
    const server = createTestServer();
    const browser = server.browser();
    await browser.signUp({ email: 'owner@example.com' });
    const api = server.latchkey.api.sessions;
    expect(await api.fromRequest(browser.request('POST', '/api', {}))).not.toBeNull();
    expect(
      await api.fromRequest(
        browser.request('GET', '/api', undefined, { origin: 'https://evil.example' }),
      ),
    ).toBeNull();
    expect(
      await api.fromRequest(
        browser.request('POST', '/api', {}, { 'sec-fetch-site': 'cross-site' }),
      ),
    ).toBeNull();
  });
});

describe('the handler, the gate and the api agree on the caller', () => {
  /** What each door makes of one request. */
  async function doors(server: ReturnType<typeof createTestServer>, request: () => Request) {
    const connection: ConnectionInfo = { remoteAddress: LAN_PEER };
    const session = await server.latchkey.handler(withPath(request(), '/auth/session'), connection);
    const passkeys = await server.latchkey.handler(
      withPath(request(), '/auth/passkeys'),
      connection,
    );
    const gate = await server.latchkey.gate({ originGrace: false }).check(request(), connection);
    const api = await server.latchkey.api.sessions.fromRequest(request());
    return {
      handlerUser:
        ((await session.json()) as { user: { email: string } | null }).user?.email ?? null,
      handlerRoute: passkeys.status === 200 ? 'ok' : await codeOf(passkeys),
      gate: gate.ok ? gate.user?.email : await codeOf(gate.response),
      api: api?.user.email ?? null,
    };
  }

  function withPath(request: Request, path: string): Request {
    const url = new URL(request.url);
    return new Request(`${url.origin}${path}`, { headers: request.headers });
  }

  it('reads the cookie name of the scheme, the same way everywhere', async () => {
    const server = createTestServer({ origins: [TAILNET, 'http://localhost:3000'] });
    const browser = server.browser({ origin: TAILNET });
    await browser.signUp({ email: 'owner@example.com' });
    const value = browser.cookies.get('__Host-latchkey')!;
    const on = (origin: string, cookie: string) => () =>
      new Request(`${origin}/api`, { headers: { cookie } });

    expect(await doors(server, on(TAILNET, `__Host-latchkey=${value}`))).toEqual({
      handlerUser: 'owner@example.com',
      handlerRoute: 'ok',
      gate: 'owner@example.com',
      api: 'owner@example.com',
    });
    expect(await doors(server, on(TAILNET, `latchkey=${value}`))).toEqual({
      handlerUser: null,
      handlerRoute: 'UNAUTHENTICATED',
      gate: 'UNAUTHENTICATED',
      api: null,
    });
    expect(await doors(server, on('http://localhost:3000', `__Host-latchkey=${value}`))).toEqual({
      handlerUser: null,
      handlerRoute: 'UNAUTHENTICATED',
      gate: 'UNAUTHENTICATED',
      api: null,
    });
  });

  it('treats a recovery session alike: it must enrol first', async () => {
    const server = createTestServer();
    const owner = server.browser();
    const codes = (await owner.signUp({ email: 'owner@example.com' })).body.recoveryCodes;
    const lost = server.browser();
    await lost.call('POST', '/auth/recovery', { code: codes[0] });
    const cookie = `latchkey=${lost.cookies.get('latchkey')}`;
    expect(
      await doors(server, () => new Request('http://localhost:3000/api', { headers: { cookie } })),
    ).toEqual({
      handlerUser: 'owner@example.com',
      handlerRoute: 'ENROLMENT_REQUIRED',
      gate: 'ENROLMENT_REQUIRED',
      api: null,
    });
  });

  it('maps errors the same way: 500 INTERNAL_ERROR for a bug, 503 only when the store is down', async () => {
    for (const [error, status, code] of [
      [() => new TypeError('a bug'), 500, 'INTERNAL_ERROR'],
      [() => new StoreUnavailableError('down'), 503, 'STORE_UNAVAILABLE'],
    ] as const) {
      const server = createTestServer({}, failingStore(error));
      const request = () =>
        new Request('http://localhost:3000/api', { headers: { cookie: 'latchkey=some-secret' } });
      const handled = await server.latchkey.handler(withPath(request(), '/auth/passkeys'), {
        remoteAddress: LAN_PEER,
      });
      const gated = await server.latchkey.gate().check(request(), { remoteAddress: LAN_PEER });
      expect([handled.status, await codeOf(handled)]).toEqual([status, code]);
      expect(gated.ok).toBe(false);
      if (!gated.ok)
        expect([gated.response.status, await codeOf(gated.response)]).toEqual([status, code]);
      await expect(server.latchkey.api.sessions.fromRequest(request())).rejects.toThrow(
        error().message,
      );
    }
  });

  it('ranks scopes alike (admin ⊃ write ⊃ read) and answers the same challenge', async () => {
    const server = createTestServer();
    await server.browser().signUp({ email: 'owner@example.com' });
    const user = (await server.store.getUserByEmail('owner@example.com'))!;
    const mint = async (scopes: string[]) =>
      (await server.latchkey.api.tokens.create(user.id, { name: scopes.join(), scopes })).token;
    const other = await server.latchkey.api.tokens.create(user.id, { name: 'x', scopes: ['read'] });
    for (const [scopes, allowed] of [
      [['read'], false],
      [['write'], false],
      [['admin'], true],
    ] as const) {
      const token = await mint([...scopes]);
      const headers = { authorization: `Bearer ${token}` };
      // DELETE /auth/tokens/:id of another token needs admin in the handler…
      const handled = await server.latchkey.handler(
        new Request(`http://localhost:3000/auth/tokens/${other.info.id}`, {
          method: 'DELETE',
          headers,
        }),
      );
      // …and a gate asking for admin must agree.
      const gated = await server.latchkey
        .gate({ scopes: ['admin'] })
        .check(new Request('http://localhost:3000/api', { method: 'DELETE', headers }));
      const gateResponse = gated.ok ? null : gated.response;
      if (allowed) {
        expect([scopes, handled.status, gated.ok]).toEqual([scopes, 200, true]);
      } else {
        expect([scopes, handled.status, gateResponse?.status]).toEqual([scopes, 403, 403]);
        expect(handled.headers.get('www-authenticate')).toBe(
          gateResponse?.headers.get('www-authenticate'),
        );
      }
    }
  });
});
