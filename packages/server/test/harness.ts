import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegisterOptionsRequest,
  RegistrationResponseJSON,
} from '@latchkey/core';
import type { LatchkeyConfig } from '../src/config/latchkey-config.js';
import { createLatchkey, type Latchkey } from '../src/create-latchkey.js';
import { type SecretPurpose, ServerKeys } from '../src/internal/server-keys.js';
import type { LatchkeyStore } from '../src/stores/contract.js';
import { memoryStore } from '../src/stores/memory/memory-store.js';
import {
  createTestAuthenticator,
  type TestAuthenticator,
  type TestAuthenticatorOptions,
} from '../src/testing/index.js';

export const ORIGIN = 'http://localhost:3000';

/** The server secret of `createTestServer` (unless a test passes its own). */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';

let testKeys: Promise<ServerKeys> | null = null;

/** How a test server stores `value` (a session cookie, a token, a normalised recovery code). */
export async function storedHash(purpose: SecretPurpose, value: string): Promise<string> {
  testKeys ??= ServerKeys.derive([TEST_SECRET]);
  return (await testKeys).hash(purpose, value);
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A browser for tests: keeps cookies like a real one (per origin, Max-Age=0
 * deletes), sends `Origin` on every request, and carries a software authenticator.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  constructor(
    public latchkey: Latchkey,
    public authenticator: TestAuthenticator,
    readonly origin = ORIGIN,
    readonly peer = '203.0.113.7',
    readonly userAgent = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  ) {}

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Request {
    const h = new Headers({ origin: this.origin, 'user-agent': this.userAgent, ...headers });
    if (this.cookies.size && !('cookie' in headers)) {
      h.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    if (body !== undefined && !h.has('content-type')) h.set('content-type', 'application/json');
    return new Request(`${this.origin}${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** How a request reaches the server: the handler itself, or (overridden) a framework around it. */
  protected deliver(request: Request): Promise<Response> {
    return this.latchkey.handler(request, { remoteAddress: this.peer });
  }

  async send<T = any>(request: Request): Promise<Answer<T>> {
    const response = await this.deliver(request);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0(;|$)/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  }

  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>> {
    return this.send<T>(this.request(method, path, body, headers));
  }

  /** Registration options, then the authenticator's answer (not yet sent). */
  async registration(
    body: RegisterOptionsRequest = {},
    overrides?: Parameters<TestAuthenticator['register']>[1],
  ): Promise<{
    options: PublicKeyCredentialCreationOptionsJSON;
    response: RegistrationResponseJSON;
  }> {
    const res = await this.call('POST', '/auth/passkeys/register-options', body);
    if (res.status !== 200)
      throw new Error(`register-options: ${res.status} ${JSON.stringify(res.body)}`);
    const options = res.body.options as PublicKeyCredentialCreationOptionsJSON;
    return { options, response: await this.authenticator.register(options, overrides) };
  }

  /** Signs up (or, when signed in, adds a passkey); returns the register answer. */
  async signUp(
    body: { email?: string; displayName?: string } = {},
    name?: string,
  ): Promise<Answer> {
    const { response } = await this.registration(body);
    return this.call('POST', '/auth/passkeys/register', { response, ...(name ? { name } : {}) });
  }

  async assertion(
    body: { email?: string } = {},
    overrides?: Parameters<TestAuthenticator['authenticate']>[1],
    path = '/auth/passkeys/auth-options',
  ): Promise<{
    options: PublicKeyCredentialRequestOptionsJSON;
    response: AuthenticationResponseJSON;
  }> {
    const res = await this.call('POST', path, body);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    const options = res.body.options as PublicKeyCredentialRequestOptionsJSON;
    return { options, response: await this.authenticator.authenticate(options, overrides) };
  }

  async signIn(body: { email?: string } = {}): Promise<Answer> {
    const { response } = await this.assertion(body);
    return this.call('POST', '/auth/passkeys/authenticate', { response });
  }

  async stepUp(): Promise<Answer> {
    const { response } = await this.assertion({}, undefined, '/auth/passkeys/verify-options');
    return this.call('POST', '/auth/passkeys/verify', { response });
  }

  async signOut(): Promise<Answer> {
    return this.call('POST', '/auth/sign-out', {});
  }
}

export interface TestServer {
  latchkey: Latchkey;
  store: LatchkeyStore;
  clock: { now: number; advance(ms: number): void };
  browser(
    options?: {
      origin?: string;
      peer?: string;
      authenticator?: TestAuthenticator;
      userAgent?: string;
    } & TestAuthenticatorOptions,
  ): TestBrowser;
}

/** A Latchkey on the memory store with a controllable clock. */
export function createTestServer(
  config: Partial<LatchkeyConfig> = {},
  store: LatchkeyStore = memoryStore(),
): TestServer {
  const clock = {
    now: Date.parse('2026-06-01T12:00:00Z'),
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const latchkey = createLatchkey({
    rpName: 'Latchkey Test',
    origins: [ORIGIN],
    store,
    now: () => clock.now,
    secret: TEST_SECRET,
    logger: () => {},
    ...config,
  });
  return {
    latchkey,
    store,
    clock,
    browser(options = {}) {
      const { origin, peer, authenticator, userAgent, ...authOptions } = options;
      const o = origin ?? config.origins?.[0] ?? ORIGIN;
      return new TestBrowser(
        latchkey,
        authenticator ?? createTestAuthenticator({ origin: o, ...authOptions }),
        o,
        peer,
        userAgent,
      );
    },
  };
}
