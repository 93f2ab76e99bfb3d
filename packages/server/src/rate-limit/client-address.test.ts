import { describe, expect, it, vi } from 'vitest';
import { createTestServer, ORIGIN } from '../../test/harness.js';
import { toBunHandler } from '../adapters/bun.js';
import { denoConnection, toDenoHandler } from '../adapters/deno.js';
import type { LatchkeyConfig } from '../config/latchkey-config.js';
import type { ConnectionInfo } from '../http/request-context.js';

const LIMIT = { window: 60, perIp: 3, perAccount: 100 };

function server(config: Partial<LatchkeyConfig> = {}) {
  const logger = vi.fn();
  const { latchkey } = createTestServer({ rateLimit: LIMIT, logger, ...config });
  return { latchkey, logger };
}

/** A public POST with the given headers, answered with the given connection. */
function ask(
  latchkey: ReturnType<typeof server>['latchkey'],
  connection: ConnectionInfo | undefined,
  headers: Record<string, string> = {},
  body: Record<string, unknown> = {},
) {
  const request = new Request(`${ORIGIN}/auth/passkeys/auth-options`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return latchkey.handler(request, connection).then((r) => r.status);
}

describe('the client address behind rate limits', () => {
  it('finding G: with no peer known, one client cannot lock everyone out', async () => {
    const { latchkey, logger } = server();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await ask(latchkey, undefined));
    expect(statuses).toEqual(Array(10).fill(200));
    // A second client, also without an address, is not refused for the first one's asks.
    expect(await ask(latchkey, { remoteAddress: null })).toBe(200);
    // Said once, not on every request.
    expect(logger).toHaveBeenCalledTimes(1);
    expect(logger.mock.calls[0]![0]).toMatch(/no client address/);
  });

  it('finding G: with no peer known, the per-account limits still hold', async () => {
    const { latchkey } = server({ rateLimit: { ...LIMIT, perAccount: 2 } });
    const body = { email: 'ada@example.com' };
    expect(await ask(latchkey, undefined, {}, body)).toBe(200);
    expect(await ask(latchkey, undefined, {}, body)).toBe(200);
    expect(await ask(latchkey, undefined, {}, body)).toBe(429);
  });

  it('finding G: trustProxy n takes the n-th address from the right of X-Forwarded-For', async () => {
    const { latchkey } = server({ trustProxy: 2 });
    const proxy = { remoteAddress: '10.0.0.2' };
    // The client writes what it likes on the left; proxy 1 appends the client, proxy 2 appends proxy 1.
    const from = (client: string, spoof: string) => ({
      'x-forwarded-for': `${spoof}, ${client}, 10.0.0.1`,
    });
    for (let i = 0; i < 3; i++)
      expect(await ask(latchkey, proxy, from('198.51.100.4', `6.6.6.${i}`))).toBe(200);
    // A fresh spoofed entry does not make a fresh bucket…
    expect(await ask(latchkey, proxy, from('198.51.100.4', '6.6.6.99'))).toBe(429);
    // …and another client behind the same proxies has its own.
    expect(await ask(latchkey, proxy, from('198.51.100.5', '6.6.6.0'))).toBe(200);
    // A request that did not come through both proxies is counted on its peer.
    for (let i = 0; i < 3; i++)
      expect(
        await ask(latchkey, { remoteAddress: '203.0.113.50' }, { 'x-forwarded-for': `7.7.7.${i}` }),
      ).toBe(200);
    expect(
      await ask(latchkey, { remoteAddress: '203.0.113.50' }, { 'x-forwarded-for': '7.7.7.9' }),
    ).toBe(429);
  });

  it('finding G: a platform client-IP header counts only when trustProxy names that platform', async () => {
    const platforms = [
      ['cloudflare', 'cf-connecting-ip'],
      ['fly', 'fly-client-ip'],
      ['vercel', 'x-real-ip'],
    ] as const;
    for (const [platform, header] of platforms) {
      // Not named: the header is the client's to write; the peer counts.
      const plain = server().latchkey;
      const edge = { remoteAddress: '172.70.0.1' };
      for (let i = 0; i < 3; i++)
        expect(await ask(plain, edge, { [header]: `198.51.100.${i}` })).toBe(200);
      expect(await ask(plain, edge, { [header]: '198.51.100.200' })).toBe(429);

      // Named: the edge's header counts, whichever edge address the request came from.
      const named = server({ trustProxy: platform }).latchkey;
      for (let i = 0; i < 3; i++)
        expect(
          await ask(named, { remoteAddress: `172.70.0.${i}` }, { [header]: '198.51.100.7' }),
        ).toBe(200);
      expect(await ask(named, { remoteAddress: '172.70.0.9' }, { [header]: '198.51.100.7' })).toBe(
        429,
      );
      expect(await ask(named, edge, { [header]: '198.51.100.8' }), platform).toBe(200);
      // Another platform's header is not believed.
      const other = platforms.find(([p]) => p !== platform)![1];
      for (let i = 0; i < 3; i++)
        expect(await ask(named, edge, { [other]: `203.0.113.${i}` })).toBe(200);
      expect(await ask(named, edge, { [other]: '203.0.113.77' })).toBe(429);
    }
  });

  it('finding G: the Bun and Deno adapters pass the socket peer', async () => {
    const { latchkey } = server();
    const bun = toBunHandler(latchkey.handler);
    const bunServer = (address: string) => ({ requestIP: () => ({ address }) });
    const deno = toDenoHandler(latchkey.handler);
    const denoInfo = (hostname: string) => ({
      remoteAddr: { transport: 'tcp', hostname, port: 50_000 },
    });
    const request = () =>
      new Request(`${ORIGIN}/auth/passkeys/auth-options`, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/json' },
        body: '{}',
      });
    for (let i = 0; i < 3; i++)
      expect((await bun(request(), bunServer('198.51.100.1'))).status).toBe(200);
    expect((await bun(request(), bunServer('198.51.100.1'))).status).toBe(429);
    expect((await bun(request(), bunServer('198.51.100.2'))).status).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await deno(request(), denoInfo('198.51.100.3'))).status).toBe(200);
    expect((await deno(request(), denoInfo('198.51.100.3'))).status).toBe(429);
    expect((await deno(request(), denoInfo('198.51.100.4'))).status).toBe(200);
    // A Unix socket has no address.
    expect(denoConnection({ remoteAddr: { transport: 'unix', path: '/tmp/s' } })).toEqual({
      remoteAddress: null,
    });
  });

  it('refuses a trustProxy it does not know, naming it', () => {
    for (const trustProxy of [0, -1, 1.5, 17, 'akamai', 'TRUE'] as never[]) {
      expect(() => createTestServer({ trustProxy })).toThrow(/config\.trustProxy/);
    }
  });
});
