import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';
import { nextGate, toNextHandler } from './next.js';

describe('next adapter', () => {
  it('route handlers answer Latchkey’s routes and never read Next’s params argument as a peer', async () => {
    const test = createTestServer({ rateLimit: false });
    const seen: unknown[] = [];
    const { GET, POST } = toNextHandler({
      handler: (request, connection) => {
        seen.push(connection);
        return test.latchkey.handler(request, connection);
      },
    });
    const browser = test.browser();
    // Next calls a route handler with (request, { params }).
    const call = POST as unknown as (r: Request, c: unknown) => Promise<Response>;
    const options = await call(browser.request('POST', '/auth/passkeys/auth-options', {}), {
      params: Promise.resolve({ latchkey: ['passkeys', 'auth-options'] }),
    });
    expect(options.status).toBe(200);
    const session = await GET(browser.request('GET', '/auth/session'));
    expect(((await session.json()) as { user: unknown }).user).toBeNull();
    expect(seen).toEqual([{ remoteAddress: null }, { remoteAddress: null }]);
  });

  it('proxy: redirects a page load without a session, refuses an API call, lets a session through', async () => {
    const test = createTestServer({ rateLimit: false });
    const owner = test.browser();
    await owner.signUp({ email: 'ada@example.com' });
    const proxy = nextGate(test.latchkey.gate({ signInPath: '/sign-in' }));

    const page = await proxy(
      new Request('http://localhost:3000/dashboard', { headers: { accept: 'text/html' } }),
    );
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('http://localhost:3000/sign-in?next=%2Fdashboard');
    const api = await proxy(new Request('http://localhost:3000/dashboard/data'));
    expect(api.status).toBe(401);

    const signedIn = await proxy(owner.request('GET', '/dashboard'));
    expect(signedIn.status).toBe(200);
    // Next's own marker for "go on to the page".
    expect(signedIn.headers.get('x-middleware-next')).toBe('1');
  });

  it('refuses anything but a Latchkey server', () => {
    expect(() => toNextHandler({} as never)).toThrow(TypeError);
  });
});
