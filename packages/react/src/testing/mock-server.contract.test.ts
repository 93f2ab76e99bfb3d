// @vitest-environment node
// The kit's fake server against the real one: the same scenarios, sent to
// `createMockServer().fetch` and to `createLatchkey({ store: memoryStore() }).handler`,
// must get the same statuses, error codes and response shapes.
import { createLatchkey } from '@latchkey/server';
import { memoryStore } from '@latchkey/server/memory';
import { createTestAuthenticator, type TestAuthenticator } from '@latchkey/server/testing';
import { describe, expect, it } from 'vitest';
import { loadDeviceKey } from '../locked/device-key/device-key.js';
import { memoryDeviceKeyStore } from '../locked/device-key/device-key-store.js';
import { requestProof } from '../locked/proof/signed-fetch.js';
import { createMockServer } from './mock-server.js';

const ORIGIN = 'http://localhost:3000';

/** What one request got: its status, its error code, and the shape of its body. */
interface Outcome {
  step: string;
  status: number;
  code: string | null;
  shape: unknown;
}

/**
 * A value's shape: object keys with the shapes of their values, the shape of an
 * array's first item, or the type of a primitive.
 */
function shapeOf(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])];
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}

/**
 * What the kit reads of WebAuthn options: the browser gets the rest as it is, and the
 * real server adds what its configuration asks for (hints, extensions, attachment).
 */
function optionsKitReads(options: Record<string, unknown>): Record<string, unknown> {
  const { challenge, rpId, rp, user, allowCredentials, excludeCredentials } = options;
  return { challenge, rpId, rp, user, allowCredentials, excludeCredentials };
}

/** One browser on the contract: a cookie jar and the `Origin` header, as a browser sends them. */
function browser(fetchImpl: (request: Request) => Promise<Response>) {
  const cookies = new Map<string, string>();
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> => {
    const h = new Headers({ origin: ORIGIN, accept: 'application/json', ...headers });
    if (cookies.size) h.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (body !== undefined) h.set('content-type', 'application/json');
    const response = await fetchImpl(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      if (/Max-Age=0(;|$)/i.test(cookie)) cookies.delete(pair!.slice(0, eq));
      else cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

/**
 * The scenarios the kit's tests rely on, sent through `send`. Returns what each step
 * got, for comparison; the expectations inside keep each scenario on its path.
 */
async function runScenarios(fetchImpl: (request: Request) => Promise<Response>) {
  const call = browser(fetchImpl);
  const outcomes: Outcome[] = [];
  async function step(
    name: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    const answer = await call(method, path, body, headers);
    let shape = shapeOf(answer.body);
    if (answer.body?.options) {
      shape = { ...(shape as object), options: shapeOf(optionsKitReads(answer.body.options)) };
    }
    // An error's message is prose, which each side words its own way.
    if (answer.body?.error) shape = { error: { code: 'string' } };
    outcomes.push({
      step: name,
      status: answer.status,
      code: answer.body?.error?.code ?? null,
      shape,
    });
    return answer;
  }
  const laptop = createTestAuthenticator({ origin: ORIGIN });
  const phone = createTestAuthenticator({ origin: ORIGIN });
  const stranger = createTestAuthenticator({ origin: ORIGIN });

  async function register(
    name: string,
    authenticator: TestAuthenticator,
    body: object,
    extra = {},
  ) {
    const { body: answer } = await step(
      `${name}: options`,
      'POST',
      '/auth/passkeys/register-options',
      body,
    );
    const response = await authenticator.register(answer.options);
    return step(name, 'POST', '/auth/passkeys/register', { response, ...extra });
  }
  async function signIn(name: string, authenticator: TestAuthenticator, body: object, extra = {}) {
    const { body: answer } = await step(
      `${name}: options`,
      'POST',
      '/auth/passkeys/auth-options',
      body,
    );
    const response = await authenticator.authenticate(answer.options);
    return step(name, 'POST', '/auth/passkeys/authenticate', { response, ...extra });
  }
  async function stepUp(name: string) {
    const { body: answer } = await step(
      `${name}: options`,
      'POST',
      '/auth/passkeys/verify-options',
      {},
    );
    const response = await laptop.authenticate(answer.options);
    return step(name, 'POST', '/auth/passkeys/verify', { response });
  }

  // Sign-up, and the session it opens.
  await step('session, signed out', 'GET', '/auth/session');
  await step('passkeys, signed out', 'GET', '/auth/passkeys');
  await step('step-up, signed out', 'POST', '/auth/passkeys/verify-options', {});
  const signUp = await register(
    'sign-up',
    laptop,
    { email: 'ada@example.com', displayName: 'Ada' },
    { name: 'Laptop' },
  );
  expect(signUp.status).toBe(201);
  await step('session after sign-up', 'GET', '/auth/session');
  const laptopId = laptop.credentials[0]!.id;

  // The passkey list: rename, and what removing needs.
  await step('passkey list', 'GET', '/auth/passkeys');
  await step('rename', 'PATCH', `/auth/passkeys/${laptopId}`, { name: 'Work laptop' });
  await step('rename, no name', 'PATCH', `/auth/passkeys/${laptopId}`, {});
  await step('rename, unknown passkey', 'PATCH', '/auth/passkeys/bm9wZQ', { name: 'Mine' });
  await step('remove without a step-up', 'DELETE', `/auth/passkeys/${laptopId}`);
  await step('add without a step-up', 'POST', '/auth/passkeys/register-options', {});
  expect((await stepUp('step-up')).status).toBe(200);
  await step('session after step-up', 'GET', '/auth/session');
  await step('remove the only passkey', 'DELETE', `/auth/passkeys/${laptopId}`);
  expect((await register('add a passkey', phone, {}, { name: 'Phone' })).status).toBe(201);
  await step('remove unknown passkey', 'DELETE', '/auth/passkeys/bm9wZQ');
  await step('remove the second passkey', 'DELETE', `/auth/passkeys/${phone.credentials[0]!.id}`);
  await step('passkey list after removing', 'GET', '/auth/passkeys');
  await step('recovery codes', 'GET', '/auth/recovery-codes');
  await step('new recovery codes', 'POST', '/auth/recovery-codes', {});
  await step('fallbacks', 'GET', '/auth/fallbacks');
  await step('fallbacks, changed', 'PUT', '/auth/fallbacks', { recoveryCodes: false });
  await step('passkey-derived keys', 'GET', '/auth/prf');

  // Sign-out, sign-in, and the answers a failed sign-in gets.
  await step('sign-out', 'POST', '/auth/sign-out', {});
  await step('session after sign-out', 'GET', '/auth/session');
  await step('sign-out, signed out', 'POST', '/auth/sign-out', {});
  await step('sign-in, bad body', 'POST', '/auth/passkeys/authenticate', { response: 42 });
  // A passkey this server never registered (made against another account's options).
  const { body: foreign } = await call('POST', '/auth/passkeys/register-options', {
    email: 'grace@example.com',
  });
  await stranger.register(foreign.options);
  expect((await signIn('sign-in, unknown passkey', stranger, {})).status).toBe(400);
  const { body: options } = await step(
    'sign-in: options, with email',
    'POST',
    '/auth/passkeys/auth-options',
    { email: 'ada@example.com' },
  );
  const response = await laptop.authenticate(options.options);
  expect((await step('sign-in', 'POST', '/auth/passkeys/authenticate', { response })).status).toBe(
    200,
  );
  await step('sign-in, replayed', 'POST', '/auth/passkeys/authenticate', { response });
  await step('session after sign-in', 'GET', '/auth/session');
  await step('sign-up while signed in', 'POST', '/auth/passkeys/register-options', {
    email: 'x@example.com',
  });
  await step('sign-out again', 'POST', '/auth/sign-out', {});
  await step('sign-up, email taken', 'POST', '/auth/passkeys/register-options', {
    email: 'ada@example.com',
  });
  const taken = await register('sign-up, email taken', stranger, { email: 'ada@example.com' });
  expect(taken.status).toBe(409);
  await step('unknown route', 'GET', '/auth/nope');

  // A locked session: bound to a device key at sign-in, proven, and signing its requests.
  const key = (await loadDeviceKey(memoryDeviceKeyStore(), { create: true }))!;
  const locked = await signIn('locked sign-in', laptop, {}, { popKey: key.publicJwk });
  expect(locked.body.session?.locked).toBe(true);
  const signed = async (method: string, path: string) => ({
    'latchkey-proof': await requestProof(key, method, `${ORIGIN}${path}`),
  });
  await step('passkeys, unsigned', 'GET', '/auth/passkeys');
  await step(
    'passkeys, signed',
    'GET',
    '/auth/passkeys',
    undefined,
    await signed('GET', '/auth/passkeys'),
  );
  const reused = await signed('GET', '/auth/passkeys');
  await step('passkeys, proof once', 'GET', '/auth/passkeys', undefined, reused);
  await step('passkeys, proof twice', 'GET', '/auth/passkeys', undefined, reused);
  await step(
    'passkeys, proof for another path',
    'GET',
    '/auth/passkeys',
    undefined,
    await signed('GET', '/auth/session'),
  );
  await step('session, bad proof', 'GET', '/auth/session', undefined, {
    'latchkey-proof': '1.2.3',
  });
  await step(
    'session, signed',
    'GET',
    '/auth/session',
    undefined,
    await signed('GET', '/auth/session'),
  );
  const { body: challenge } = await step('proof: challenge', 'POST', '/auth/pop/challenge', {});
  await step('proof: wrong signature', 'POST', '/auth/pop/prove', {
    challenge: challenge.challenge,
    signature: await key.sign(`${challenge.challenge}x`),
  });
  const { body: again } = await step('proof: challenge again', 'POST', '/auth/pop/challenge', {});
  await step('proof', 'POST', '/auth/pop/prove', {
    challenge: again.challenge,
    signature: await key.sign(again.challenge),
  });
  await step('proof, challenge used', 'POST', '/auth/pop/prove', {
    challenge: again.challenge,
    signature: await key.sign(again.challenge),
  });
  await step('locked sign-out', 'POST', '/auth/sign-out', {});
  await signIn('unlocked sign-in', laptop, {});
  await step('proof challenge, unbound session', 'POST', '/auth/pop/challenge', {});
  // Upgrading to the locked tier binds the session in place.
  await step('locked tier without a step-up', 'POST', '/auth/tier', {
    tier: 'locked',
    popKey: key.publicJwk,
  });
  expect((await stepUp('step-up for the tier')).status).toBe(200);
  await step('locked tier', 'POST', '/auth/tier', { tier: 'locked', popKey: key.publicJwk });
  await step('passkeys after the upgrade, unsigned', 'GET', '/auth/passkeys');
  await step('session after the upgrade, unsigned', 'GET', '/auth/session');
  await step('proof challenge after the upgrade', 'POST', '/auth/pop/challenge', {});
  return outcomes;
}

describe('the mock server keeps the HTTP contract', () => {
  it('answers every scenario as the real handler does', async () => {
    const latchkey = createLatchkey({
      rpName: 'Latchkey Test',
      origins: [ORIGIN],
      store: memoryStore(),
      secret: 'test-secret-test-secret-test-secret-0123',
      logger: () => {},
    });
    const real = await runScenarios((request) =>
      latchkey.handler(request, { remoteAddress: '203.0.113.7' }),
    );
    const mock = createMockServer({ user: null, requireRequestProof: true });
    const fake = await runScenarios(async (request) =>
      mock.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ? await request.text() : undefined,
      }),
    );
    expect(fake).toEqual(real);
  });
});
