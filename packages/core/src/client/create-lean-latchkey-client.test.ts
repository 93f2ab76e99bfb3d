import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { isLatchkeyError } from '../errors/latchkey-error.js';
import { routeSpecs } from '../route-specs.js';
import { type RouteName, routes } from '../routes.js';
import { createLatchkeyClient } from './create-latchkey-client.js';
import { createLeanLatchkeyClient } from './create-lean-latchkey-client.js';
import type { JsonRouteName } from './latchkey-client.js';

// A real fetch function answering real `Response`s, recording what it was asked.
function server(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    calls.push({ url: String(input), init });
    return answer();
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const routeNames = (Object.keys(routes) as RouteName[]).filter(
  (name): name is JsonRouteName => !('stream' in routes[name]),
);

/** Every path parameter set, plus a body field for routes that take a body. */
function inputFor(name: RouteName): Record<string, string> {
  const params = [...routes[name].path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1] as string);
  return { ...Object.fromEntries(params.map((p) => [p, `${p} value`])), name: 'x' };
}

describe('createLeanLatchkeyClient: the same requests as createLatchkeyClient', () => {
  it.each(routeNames)('%s', async (name) => {
    const lean = server(() => json({}));
    const full = server(() => json({}));
    const options = {
      baseUrl: 'https://app.example/auth/',
      headers: () => ({ authorization: 'Bearer t' }),
    };
    await createLeanLatchkeyClient({ ...options, fetch: lean.fetch }).request(
      name,
      inputFor(name) as never,
      { headers: { 'x-request': '1' } },
    );
    await createLatchkeyClient({ ...options, fetch: full.fetch }).request(
      name,
      inputFor(name) as never,
      { headers: { 'x-request': '1' } },
    );
    expect(lean.calls).toHaveLength(1);
    expect(lean.calls).toEqual(full.calls);
    expect(lean.calls[0]?.init?.method).toBe(routeSpecs[name].method);
  });

  it('builds the same URLs, streams included, and has no method for a stream', () => {
    const lean = createLeanLatchkeyClient({ baseUrl: 'https://app.example/auth' });
    const full = createLatchkeyClient({ baseUrl: 'https://app.example/auth' });
    for (const name of Object.keys(routes) as RouteName[]) {
      expect(lean.url(name, inputFor(name) as never)).toBe(full.url(name, inputFor(name) as never));
    }
    expect(lean.url('jwks')).toBe('https://app.example/.well-known/jwks.json');
    expect((lean as unknown as Record<string, unknown>).approvalsStream).toBeUndefined();
    expect(Object.keys(lean).sort()).toEqual(Object.keys(full).sort());
  });

  it('refuses a base URL that is not a string with a TypeError', () => {
    // @ts-expect-error: misuse on purpose
    expect(() => createLeanLatchkeyClient({})).toThrow(/createLeanLatchkeyClient: baseUrl/);
  });
});

describe('createLeanLatchkeyClient: answers', () => {
  it('passes a success body on as it came, unvalidated, where createLatchkeyClient refuses it', async () => {
    const body = { passkeys: [{ credentialId: 'a+b', extra: 1 }] };
    const lean = await createLeanLatchkeyClient({
      baseUrl: '/auth',
      fetch: server(() => json(body)).fetch,
    }).listPasskeys();
    expect(lean).toEqual({ data: body, error: null });
    const full = await createLatchkeyClient({
      baseUrl: '/auth',
      fetch: server(() => json(body)).fetch,
    }).listPasskeys();
    expect(full.error?.code).toBe('INVALID_RESPONSE');
  });

  it('answers {} for 204 No Content', async () => {
    const { fetch } = server(() => new Response(null, { status: 204 }));
    expect(await createLeanLatchkeyClient({ baseUrl: '/auth', fetch }).signOut()).toEqual({
      data: {},
      error: null,
    });
  });

  it.each((Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => ERROR_CODES[code] !== 0))(
    'maps %s from the error body and status',
    async (code) => {
      const status = ERROR_CODES[code];
      const { fetch } = server(() => json({ error: { code, message: `because ${code}` } }, status));
      const { data, error } = await createLeanLatchkeyClient({
        baseUrl: '/auth',
        fetch,
      }).getSession();
      expect(data).toBeNull();
      expect(isLatchkeyError(error)).toBe(true);
      expect(error?.code).toBe(code);
      expect(error?.status).toBe(status);
      expect(error?.message).toBe(`because ${code}`);
    },
  );

  it('puts Retry-After in details.retryAfter', async () => {
    const { fetch } = server(() =>
      json({ error: { code: 'RATE_LIMITED', message: 'Slow down' } }, 429, { 'retry-after': '7' }),
    );
    const { error } = await createLeanLatchkeyClient({ baseUrl: '/auth', fetch }).recover({
      code: 'ABCD',
    });
    expect(error?.code).toBe('RATE_LIMITED');
    expect(error?.details).toEqual({ retryAfter: 7 });
  });

  it.each([
    ['an unregistered code', { error: { code: 'TEAPOT', message: 'x' } }],
    ['a lower-case code', { error: { code: 'rate_limited', message: 'x' } }],
    ['a code without a message', { error: { code: 'FORBIDDEN' } }],
    ['no envelope', { message: 'Forbidden' }],
    ['JSON null', null],
    ['a JSON string', 'Forbidden'],
  ])('answers INVALID_RESPONSE for an error body with %s, keeping the status', async (_, body) => {
    const { fetch } = server(() => json(body, 403));
    const { error } = await createLeanLatchkeyClient({ baseUrl: '/auth', fetch }).listPasskeys();
    expect(error?.code).toBe('INVALID_RESPONSE');
    expect(error?.status).toBe(403);
  });

  it.each([
    ['an HTML page with 200', () => new Response('<!doctype html><p>OK</p>', { status: 200 })],
    ['an HTML 502 from a proxy', () => new Response('<h1>Bad Gateway</h1>', { status: 502 })],
  ])('answers INVALID_RESPONSE for %s', async (_, answer) => {
    const { fetch } = server(answer);
    const { error } = await createLeanLatchkeyClient({ baseUrl: '/auth', fetch }).getSession();
    expect(error?.code).toBe('INVALID_RESPONSE');
    expect(error?.cause).toBeInstanceOf(SyntaxError);
  });

  it('answers NETWORK_ERROR when fetch rejects, and INVALID_PARAMS without a request', async () => {
    const failure = new TypeError('fetch failed');
    const rejected = await createLeanLatchkeyClient({
      baseUrl: '/auth',
      fetch: () => Promise.reject(failure),
    }).getSession();
    expect(rejected.error?.code).toBe('NETWORK_ERROR');
    expect(rejected.error?.cause).toBe(failure);

    const { calls, fetch } = server(() => json({ ok: true }));
    const bad = await createLeanLatchkeyClient({ baseUrl: '/auth', fetch }).revokeSession({
      id: '..',
    });
    expect(bad.error?.code).toBe('INVALID_PARAMS');
    expect(calls).toHaveLength(0);
  });
});

describe('fetchTimeout', () => {
  // A server that takes the request and never answers; it honours the abort as fetch does.
  const silent = ((_: unknown, init?: RequestInit) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    })) as typeof fetch;

  it('a fetch timeout for ceremonies: a silent server ends the request with NETWORK_ERROR', async () => {
    for (const make of [createLeanLatchkeyClient, createLatchkeyClient]) {
      const client = make({ baseUrl: '/auth', fetch: silent, fetchTimeout: 20 });
      const { error } = await client.authOptions({});
      expect(error?.code).toBe('NETWORK_ERROR');
      expect(error?.message).toMatch(/within 20 ms/);
    }
    // The caller's own signal still aborts first.
    const client = createLeanLatchkeyClient({
      baseUrl: '/auth',
      fetch: silent,
      fetchTimeout: 60_000,
    });
    const controller = new AbortController();
    const pending = client.authOptions({}, { signal: controller.signal });
    controller.abort();
    expect((await pending).error?.message).toMatch(/Could not reach/);
  });

  it('refuses a fetchTimeout that is not a positive number (TypeError)', () => {
    for (const fetchTimeout of [0, -1, Number.NaN]) {
      expect(() => createLeanLatchkeyClient({ baseUrl: '/auth', fetchTimeout })).toThrow(TypeError);
    }
  });
});
