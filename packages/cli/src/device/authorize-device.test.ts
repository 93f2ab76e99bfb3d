import { createLatchkeyClient } from '@latchkey/core';
import { describe, expect, it } from 'vitest';
import { createTestServer } from '../../../server/test/harness.js';
import type { CliIo } from '../cli-io.js';
import { authorizeDevice } from './authorize-device.js';

/**
 * The real server handler in-process, with a CLI whose sleep moves the server's
 * clock by only `pace` of what it asked for (a client whose timer runs fast).
 */
function setup(pace: number) {
  const server = createTestServer({ rateLimit: false });
  const sleeps: number[] = [];
  const stderr: string[] = [];
  let onSleep: (() => Promise<void>) | null = null;
  const io: CliIo = {
    env: {},
    stdout: () => {},
    stderr: (text) => void stderr.push(text),
    interactive: false,
    fetch: (input, init) => server.latchkey.handler(new Request(input, init)),
    async sleep(ms) {
      sleeps.push(ms);
      server.clock.advance(ms * pace);
      await onSleep?.();
    },
    openUrl: () => {
      throw new Error('not interactive: must not open a browser');
    },
    homedir: '/nonexistent',
    hostname: 'test-host',
  };
  const client = createLatchkeyClient({ baseUrl: 'http://localhost:3000/auth', fetch: io.fetch });
  return {
    server,
    io,
    client,
    sleeps,
    stderr,
    setOnSleep: (f: () => Promise<void>) => (onSleep = f),
  };
}

describe('authorizeDevice', () => {
  it('polls at the interval and adds five seconds on every slow_down (RFC 8628 §3.5)', async () => {
    const { server, io, client, sleeps, stderr, setOnSleep } = setup(0.5);
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    let polls = 0;
    setOnSleep(async () => {
      polls += 1;
      if (polls === 4) {
        const userCode = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(stderr.join(''))![1]!;
        await browser.stepUp();
        await browser.call('POST', '/auth/device/approve', { user_code: userCode });
      }
    });
    const granted = await authorizeDevice(client, { clientName: 'test' }, io, {
      json: false,
      openBrowser: true,
    });
    expect(granted.token_type).toBe('Bearer');
    // 5 s asked, 2.5 s passed: the first poll is pending, the second too fast (slow_down → 10 s),
    // then 5 s since the last poll is enough again.
    expect(sleeps).toEqual([5_000, 5_000, 10_000, 10_000]);
    expect(stderr.join('')).toContain('To approve, open this link in a browser:');
  });

  it('throws the server error that ends the flow', async () => {
    const { server, io, client, stderr, setOnSleep } = setup(1);
    const browser = server.browser();
    await browser.signUp({ email: 'ada@example.com' });
    setOnSleep(async () => {
      const userCode = /([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(stderr.join(''))![1]!;
      await browser.call('POST', '/auth/device/deny', { user_code: userCode });
    });
    await expect(
      authorizeDevice(client, {}, io, { json: true, openBrowser: false }),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(JSON.parse(stderr[0]!)).toMatchObject({ expires_in: 600 });
  });
});
