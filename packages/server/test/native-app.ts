import { expect } from 'vitest';
import type { LatchkeyConfig } from '../src/config/latchkey-config.js';
import { createTestAuthenticator, type TestAuthenticator } from '../src/testing/index.js';
import { type Answer, createTestServer, ORIGIN, type TestServer } from './harness.js';

/** An Android app's origin: the base64url SHA-256 of its signing certificate. */
export const ANDROID = 'android:apk-key-hash:kDs2W1hL0sFJ6Zl-HAdWPr0BG4s0w-8YUSfwJnHH6ms';

/**
 * A native app as the server sees it: no `Origin`, no `Sec-Fetch-*`, no cookie
 * jar; it carries its pre-session and its session token in headers itself.
 */
export class NativeApp {
  pre: string | null = null;
  token: string | null = null;
  constructor(
    readonly server: TestServer,
    readonly authenticator: TestAuthenticator = createTestAuthenticator({ origin: ANDROID }),
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const h = new Headers({ 'user-agent': 'okhttp/4.12.0', ...headers });
    if (this.token && !h.has('authorization')) h.set('authorization', `Bearer ${this.token}`);
    if (body !== undefined) h.set('content-type', 'application/json');
    const response = await this.server.latchkey.handler(
      new Request(`${ORIGIN}${path}`, {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      { remoteAddress: '203.0.113.9' },
    );
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
      headers: response.headers,
    };
  }

  /**
   * A request with its pre-session (`new` while it holds none); keeps the
   * pre-session and the session token the answer hands out.
   */
  async send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const res = await this.call(method, path, body, {
      'latchkey-pre-session': this.pre ?? 'new',
      ...headers,
    });
    this.pre = res.headers.get('latchkey-pre-session') ?? this.pre;
    this.token = res.headers.get('latchkey-session-token') ?? this.token;
    return res;
  }

  /** Options with `Latchkey-Pre-Session: new`; keeps the pre-session the answer hands out. */
  async options(path: string, body: unknown = {}) {
    const res = await this.call('POST', path, body, { 'latchkey-pre-session': this.pre ?? 'new' });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    this.pre = res.headers.get('latchkey-pre-session') ?? this.pre;
    return res.body.options;
  }

  /** A ceremony's second request, with the pre-session; keeps the session token it hands out. */
  async finish(path: string, body: unknown): Promise<Answer> {
    const res = await this.call('POST', path, body, { 'latchkey-pre-session': this.pre! });
    this.token = res.headers.get('latchkey-session-token') ?? this.token;
    return res;
  }

  async signUp(email = 'ada@example.com'): Promise<Answer> {
    const options = await this.options('/auth/passkeys/register-options', { email });
    const response = await this.authenticator.register(options);
    return this.finish('/auth/passkeys/register', { response });
  }

  async signIn(overrides?: Parameters<TestAuthenticator['authenticate']>[1]): Promise<Answer> {
    const options = await this.options('/auth/passkeys/auth-options');
    const response = await this.authenticator.authenticate(options, overrides);
    return this.finish('/auth/passkeys/authenticate', { response });
  }
}

export function nativeServer(config: Partial<LatchkeyConfig> = {}) {
  const server = createTestServer({ origins: [ORIGIN, ANDROID], rpID: 'localhost', ...config });
  return { server, app: new NativeApp(server) };
}
