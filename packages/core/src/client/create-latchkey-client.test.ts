import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { isLatchkeyError } from '../errors/latchkey-error.js';
import { type RouteName, routes } from '../routes.js';
import { createLatchkeyClient, type JsonRouteName } from './create-latchkey-client.js';

// The fetch handed to the client is the injection point: a real function that
// answers with real `Response` objects and records what it was asked.
interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestInit['credentials'];
  signal: AbortSignal | null | undefined;
}

function server(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = async (
    input: Parameters<typeof globalThis.fetch>[0],
    init?: RequestInit,
  ): Promise<Response> => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
      credentials: init?.credentials,
      signal: init?.signal,
    };
    calls.push(call);
    return answer(call);
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const NOW = '2025-06-01T12:00:00.000Z';
const user = {
  id: 'u_1',
  email: 'alice@example.com',
  displayName: 'Alice',
  tier: 'standard',
  createdAt: NOW,
};
const session = {
  id: 's_1',
  kind: 'full',
  createdAt: NOW,
  expiresAt: NOW,
  lastSeenAt: NOW,
  elevatedUntil: null,
  locked: false,
};
const passkey = {
  id: 'pk_1',
  credentialId: 'a_b-cd',
  name: 'Laptop',
  createdAt: NOW,
  lastUsedAt: null,
  transports: ['internal'],
  deviceType: 'multiDevice',
  backedUp: true,
  aaguid: '00000000-0000-0000-0000-000000000000',
  provider: { name: 'Chromium' },
  createdWith: { browser: 'Chrome', os: 'Linux', deviceType: 'desktop' },
  status: 'active',
  rpId: 'app.example',
  prf: false,
};

/** Input for any route: every path parameter set, no body fields. */
function inputFor(name: RouteName): Record<string, string> {
  const params = [...routes[name].path.matchAll(/:([A-Za-z]+)/g)].map(
    (match) => match[1] as string,
  );
  return Object.fromEntries(params.map((param) => [param, `${param}-value`]));
}

// Every route the client has a method for (event streams are opened with EventSource at client.url()).
const routeNames = (Object.keys(routes) as RouteName[]).filter(
  (name): name is JsonRouteName => !('stream' in routes[name]),
);

describe('createLatchkeyClient: requests', () => {
  it('substitutes and encodes path parameters, and keeps them out of the body', async () => {
    const { calls, fetch } = server(() => json({ passkey }));
    const client = createLatchkeyClient({ baseUrl: 'https://app.example/auth/', fetch });
    const { data, error } = await client.renamePasskey({
      credentialId: 'a/b c?d#e%f',
      name: 'Work',
    });
    expect(error).toBeNull();
    expect(data?.passkey.name).toBe('Laptop');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://app.example/auth/passkeys/a%2Fb%20c%3Fd%23e%25f');
    expect(calls[0]?.method).toBe('PATCH');
    expect(calls[0]?.body).toBe('{"name":"Work"}');
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(calls[0]?.credentials).toBe('include');
  });

  it('fills a parameter in the middle of a path', async () => {
    const { calls, fetch } = server(() => json({ passkey }));
    const client = createLatchkeyClient({ baseUrl: '/auth', fetch });
    await client.approvePasskey({ credentialId: 'abc_-' });
    expect(calls[0]?.url).toBe('/auth/approvals/abc_-/approve');
    expect(calls[0]?.method).toBe('POST');
    expect(calls[0]?.body).toBe('{}');
  });

  it.each(routeNames)('%s sends a body only when the route has a request schema', async (name) => {
    const { calls, fetch } = server(() =>
      json({ error: { code: 'NOT_FOUND', message: 'x' } }, 404),
    );
    const client = createLatchkeyClient({ baseUrl: 'https://app.example/auth', fetch });
    const result = await client.request(name, inputFor(name) as never);
    expect(result.error?.code).toBe('NOT_FOUND');
    const call = calls[0];
    expect(call?.method).toBe(routes[name].method);
    expect(call?.headers.accept).toBe('application/json');
    if (routes[name].request === null) {
      expect(call?.body).toBeUndefined();
      expect(call?.headers['content-type']).toBeUndefined();
    } else {
      expect(JSON.parse(call?.body ?? 'null')).toEqual({});
      expect(call?.headers['content-type']).toBe('application/json');
    }
    // No parameter is left unfilled and none leaks into the body.
    expect(call?.url.replace('https://', '')).not.toContain(':');
  });

  it('resolves absolute well-known routes against the base URL origin', async () => {
    const { calls, fetch } = server(() => json({ keys: [] }));
    const absolute = createLatchkeyClient({ baseUrl: 'https://app.example:8443/api/auth', fetch });
    await absolute.jwks();
    await absolute.relatedOrigins();
    const relative = createLatchkeyClient({ baseUrl: '/auth', fetch });
    await relative.jwks();
    await relative.getSession();
    expect(calls.map((call) => call.url)).toEqual([
      'https://app.example:8443/.well-known/jwks.json',
      'https://app.example:8443/.well-known/webauthn',
      '/.well-known/jwks.json',
      '/auth/session',
    ]);
  });

  it('merges headers: client headers (object or function), then per-request ones', async () => {
    const { calls, fetch } = server(() =>
      json({ user: null, session: null, rp: { id: 'app.example', grace: false, signUp: 'open' } }),
    );
    let token = 'first';
    const client = createLatchkeyClient({
      baseUrl: '/auth',
      fetch,
      credentials: 'omit',
      headers: () => ({ authorization: `Bearer ${token}`, 'x-app': 'demo' }),
    });
    await client.getSession();
    token = 'second';
    const controller = new AbortController();
    await client.getSession(undefined, {
      headers: { 'x-app': 'override' },
      signal: controller.signal,
    });
    expect(calls[0]?.headers).toEqual({
      accept: 'application/json',
      authorization: 'Bearer first',
      'x-app': 'demo',
    });
    expect(calls[1]?.headers).toEqual({
      accept: 'application/json',
      authorization: 'Bearer second',
      'x-app': 'override',
    });
    expect(calls[1]?.credentials).toBe('omit');
    expect(calls[1]?.signal).toBe(controller.signal);
  });

  it('parses a success body with the route schema', async () => {
    const { fetch } = server(() => json({ user, session, extra: 'dropped' }));
    const client = createLatchkeyClient({ baseUrl: '/auth', fetch });
    const result = await client.authenticate({
      response: {
        id: 'AAAA',
        rawId: 'AAAA',
        type: 'public-key',
        response: { clientDataJSON: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' },
        clientExtensionResults: {},
      },
    });
    expect(result).toEqual({ data: { user, session }, error: null });
  });

  it('refuses a base URL that is not a string with a TypeError', () => {
    // @ts-expect-error: misuse on purpose
    expect(() => createLatchkeyClient({})).toThrow(TypeError);
    // @ts-expect-error: misuse on purpose
    expect(() => createLatchkeyClient(undefined)).toThrow(TypeError);
  });
});

describe('createLatchkeyClient: errors', () => {
  const serverCodes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(
    (code) => ERROR_CODES[code] !== 0,
  );

  it('covers every server-side code of the registry', () => {
    expect(serverCodes.length).toBe(Object.keys(ERROR_CODES).length - 6);
  });

  it.each(serverCodes)('maps %s from the error body and status', async (code) => {
    const status = ERROR_CODES[code];
    const { fetch } = server(() => json({ error: { code, message: `because ${code}` } }, status));
    const client = createLatchkeyClient({ baseUrl: '/auth', fetch });
    const result = await client.listPasskeys();
    expect(result.data).toBeNull();
    expect(isLatchkeyError(result.error)).toBe(true);
    expect(result.error?.code).toBe(code);
    expect(result.error?.status).toBe(status);
    expect(result.error?.message).toBe(`because ${code}`);
  });

  it('puts Retry-After in details.retryAfter, in seconds', async () => {
    const limited = (retryAfter: string) =>
      server(() =>
        json({ error: { code: 'RATE_LIMITED', message: 'Slow down' } }, 429, {
          'retry-after': retryAfter,
        }),
      );
    const seconds = await createLatchkeyClient({
      baseUrl: '/auth',
      fetch: limited('30').fetch,
    }).recover({
      code: 'ABCD-EFGH',
    });
    expect(seconds.error?.code).toBe('RATE_LIMITED');
    expect(seconds.error?.details).toEqual({ retryAfter: 30 });

    // RFC 9110 §10.2.3: an HTTP-date is allowed too.
    const at = new Date(Date.now() + 120_000).toUTCString();
    const dated = await createLatchkeyClient({
      baseUrl: '/auth',
      fetch: limited(at).fetch,
    }).listPasskeys();
    const wait = dated.error?.details?.retryAfter as number;
    expect(wait).toBeGreaterThanOrEqual(118);
    expect(wait).toBeLessThanOrEqual(121);

    for (const nothing of ['0', '-5', 'soon', '']) {
      const result = await createLatchkeyClient({
        baseUrl: '/auth',
        fetch: limited(nothing).fetch,
      }).listPasskeys();
      expect(result.error?.details, JSON.stringify(nothing)).toBeUndefined();
    }
  });

  it.each([
    ['an HTML page with 200', () => new Response('<!doctype html><p>OK</p>', { status: 200 })],
    ['an HTML 502 from a proxy', () => new Response('<h1>Bad Gateway</h1>', { status: 502 })],
    ['an empty 200', () => new Response('', { status: 200 })],
    ['truncated JSON', () => new Response('{"user":', { status: 200 })],
  ])('answers INVALID_RESPONSE for %s', async (_, answer) => {
    const response = answer();
    const { fetch } = server(() => response);
    const result = await createLatchkeyClient({ baseUrl: '/auth', fetch }).getSession();
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe('INVALID_RESPONSE');
    expect(result.error?.status).toBe(response.status);
    expect(result.error?.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    ['a success body of the wrong shape', () => json({ user: 'alice' })],
    [
      'a success body with a bad field',
      () => json({ passkeys: [{ ...passkey, credentialId: 'a+b' }] }),
    ],
    ['JSON null', () => json(null)],
  ])('answers INVALID_RESPONSE for %s', async (_, answer) => {
    const { fetch } = server(answer);
    const result = await createLatchkeyClient({ baseUrl: '/auth', fetch }).listPasskeys();
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe('INVALID_RESPONSE');
    expect(result.error?.status).toBe(200);
  });

  it.each([
    ['an error body with an unregistered code', { error: { code: 'TEAPOT', message: 'x' } }],
    ['an error body with a lower-case code', { error: { code: 'rate_limited', message: 'x' } }],
    ['a JSON error without the envelope', { message: 'Forbidden' }],
  ])('answers INVALID_RESPONSE for %s, keeping the status', async (_, body) => {
    const { fetch } = server(() => json(body, 403));
    const result = await createLatchkeyClient({ baseUrl: '/auth', fetch }).listPasskeys();
    expect(result.error?.code).toBe('INVALID_RESPONSE');
    expect(result.error?.status).toBe(403);
  });

  it('answers NETWORK_ERROR when fetch rejects or throws, with the cause', async () => {
    const failure = new TypeError('fetch failed');
    const rejecting = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: () => Promise.reject(failure),
    });
    const rejected = await rejecting.getSession();
    expect(rejected.data).toBeNull();
    expect(rejected.error?.code).toBe('NETWORK_ERROR');
    expect(rejected.error?.cause).toBe(failure);

    const throwing = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: () => {
        throw failure;
      },
    });
    expect((await throwing.signOut()).error?.code).toBe('NETWORK_ERROR');

    const controller = new AbortController();
    controller.abort();
    const aborting = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: (_, init) => Promise.reject(init?.signal?.reason),
    });
    const aborted = await aborting.getSession(undefined, { signal: controller.signal });
    expect(aborted.error?.code).toBe('NETWORK_ERROR');
    expect(aborted.error?.cause).toMatchObject({ name: 'AbortError' });
  });

  it('never throws, whatever the network does, on every route', async () => {
    const answers: (() => Response | Promise<Response>)[] = [
      () => Promise.reject(new Error('offline')),
      () => new Response('nope', { status: 500 }),
      () => new Response('{}', { status: 200 }),
      () => json({ error: { code: 'INTERNAL_ERROR', message: 'x' } }, 500),
      () => new Response(null, { status: 204 }),
    ];
    for (const answer of answers) {
      const { fetch } = server(answer);
      const client = createLatchkeyClient({ baseUrl: 'https://app.example/auth', fetch });
      for (const name of routeNames) {
        const result = await client.request(name, inputFor(name) as never);
        expect(result.data, name).toBeNull();
        expect(isLatchkeyError(result.error), name).toBe(true);
      }
    }
  });
});

describe('createLatchkeyClient: urls and streams', () => {
  it('builds URLs for any route, streams included, and has no method for a stream', () => {
    const client = createLatchkeyClient({
      baseUrl: 'https://app.example/auth',
      fetch: server(() => json({})).fetch,
    });
    expect(client.url('approvalsStream')).toBe('https://app.example/auth/approvals/stream');
    expect(client.url('pairingStatus', { pairingId: 'p 1' })).toBe(
      'https://app.example/auth/pairing/p%201',
    );
    expect(client.url('jwks')).toBe('https://app.example/.well-known/jwks.json');
    expect((client as unknown as Record<string, unknown>).approvalsStream).toBeUndefined();
    expect(() => client.url('revokeSession', { id: '..' })).toThrow(TypeError);
  });

  it('refuses path parameters a URL parser would fold away, without a request', async () => {
    const { calls, fetch } = server(() => json({ ok: true }));
    const client = createLatchkeyClient({ baseUrl: '/auth', fetch });
    for (const id of ['', '.', '..']) {
      const { data, error } = await client.revokeSession({ id });
      expect(data).toBeNull();
      expect(error?.code).toBe('INVALID_PARAMS');
    }
    expect(calls).toHaveLength(0);
  });
});
