import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../test/harness.js';

describe('GET /.well-known/webauthn', () => {
  it('serves the configured related origins (WebAuthn L3 §5.11.1)', async () => {
    const server = createTestServer({
      relatedOrigins: ['https://acme.example', 'https://acme.co.uk/'],
    });
    const res = await server.browser().call('GET', '/.well-known/webauthn');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ origins: ['https://acme.example', 'https://acme.co.uk'] });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers 404 when none are configured', async () => {
    const res = await createTestServer().browser().call('GET', '/.well-known/webauthn');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('lives at the root, whatever the base path', async () => {
    const server = createTestServer({
      basePath: '/api/auth',
      relatedOrigins: ['https://a.example'],
    });
    const browser = server.browser();
    expect((await browser.call('GET', '/.well-known/webauthn')).status).toBe(200);
    expect((await browser.call('GET', '/api/auth/.well-known/webauthn')).status).toBe(404);
    expect((await browser.call('GET', '/.well-known/jwks.json')).body.keys).toHaveLength(1);
  });
});
