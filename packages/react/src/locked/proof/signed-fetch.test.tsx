import { createLatchkeyClient } from '@latchkey/core';
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useSession } from '../../hooks/use-session.js';
import { LatchkeyProvider } from '../../provider/latchkey-provider.js';
import { loadDeviceKey } from '../device-key/device-key.js';
import { memoryDeviceKeyStore } from '../device-key/device-key-store.js';
import { lockedSessions } from '../locked-sessions.js';
import { cleanupLocked, setUpLocked, signInWithDeviceKey } from '../testing/render-locked.js';
import { createSignedFetch } from './signed-fetch.js';

afterEach(() => {
  cleanupLocked();
  vi.unstubAllGlobals();
});

/** A session bound to a device key, on a mock server that, like the real one, needs request proofs. */
async function lockedSession() {
  const parts = setUpLocked({
    server: { passkeys: [{ name: 'MacBook' }], requireRequestProof: true },
  });
  const keyStore = memoryDeviceKeyStore();
  const signedIn = await signInWithDeviceKey(parts.server, keyStore);
  expect(signedIn.data?.session.locked).toBe(true);
  return { ...parts, keyStore };
}

describe('request proofs', () => {
  it('lockedSessions signs every request of the client, which the server verifies', async () => {
    const { server, keyStore } = await lockedSession();
    // The same cookie without the device key's signature is refused at once.
    expect((await server.client.listPasskeys()).error?.code).toBe('POP_REQUIRED');

    const fetch = lockedSessions({ keyStore }).fetch!(server.fetch);
    const client = createLatchkeyClient({ baseUrl: '/auth', fetch });
    expect((await client.listPasskeys()).data?.passkeys.map((p) => p.name)).toEqual(['MacBook']);
    expect((await client.getSession()).data?.user?.email).toBe('ada@example.com');
    expect(server.signedRequests).toEqual(['GET /auth/passkeys', 'GET /auth/session']);

    // Another browser's key signs, but not for this session.
    const other = memoryDeviceKeyStore();
    await loadDeviceKey(other, { create: true });
    const forged = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: lockedSessions({ keyStore: other }).fetch!(server.fetch),
    });
    expect((await forged.listPasskeys()).error?.code).toBe('POP_INVALID');
    // A browser with no key at all sends the request unsigned.
    const keyless = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: lockedSessions({ keyStore: memoryDeviceKeyStore() }).fetch!(server.fetch),
    });
    expect((await keyless.listPasskeys()).error?.code).toBe('POP_REQUIRED');
  });

  it('signs each request afresh, for its own method and path, keeping its headers', async () => {
    const { server, keyStore } = await lockedSession();
    const seen: Headers[] = [];
    const signed = createSignedFetch({
      keyStore,
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return server.fetch(input, init);
      },
    });
    const answer = await signed('/auth/passkeys', { headers: { accept: 'application/json' } });
    expect(answer.status).toBe(200);
    await signed(new URL('/auth/sessions', location.origin));
    expect(server.signedRequests).toEqual(['GET /auth/passkeys', 'GET /auth/sessions']);
    expect(seen[0]!.get('accept')).toBe('application/json');
    const [a, b] = seen.map((h) => h.get('latchkey-proof')!.split('.'));
    expect(a![0]).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(a![0]) - Date.now() / 1000)).toBeLessThan(5);
    expect(a![1]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a![1]).not.toBe(b![1]);
  });

  it('proofs leak to other origins: signs only the page’s own origin and allowOrigins', async () => {
    const { server, keyStore } = await lockedSession();
    const seen = new Map<string, string | null>();
    const record: typeof fetch = async (input, init) => {
      seen.set(String(input), new Headers(init?.headers).get('latchkey-proof'));
      return String(input).startsWith(location.origin) || String(input).startsWith('/')
        ? server.fetch(input, init)
        : new Response('{}');
    };
    const signed = createSignedFetch({ keyStore, fetch: record });
    await signed('https://api.third-party.example/v1/things');
    await signed('//evil.example/auth/passkeys');
    expect(seen.get('https://api.third-party.example/v1/things')).toBeNull();
    expect(seen.get('//evil.example/auth/passkeys')).toBeNull();
    expect((await signed('/auth/passkeys')).status).toBe(200);
    expect(seen.get('/auth/passkeys')).toMatch(/^\d+\./);

    const allowed = createSignedFetch({
      keyStore,
      fetch: record,
      allowOrigins: ['https://auth.example.com'],
    });
    await allowed('https://auth.example.com/auth/passkeys');
    await allowed('https://api.third-party.example/v1/other');
    expect(seen.get('https://auth.example.com/auth/passkeys')).toMatch(/^\d+\./);
    expect(seen.get('https://api.third-party.example/v1/other')).toBeNull();
  });

  it('clock offset: dates proofs on the server’s clock, from its Date header', async () => {
    const { server, keyStore } = await lockedSession();
    // This browser's clock is five minutes behind the server's.
    server.setClockSkew(5 * 60_000);
    const signed = createSignedFetch({ keyStore, fetch: server.fetch });
    // The first request learns the offset from the refusal's Date header and is sent again.
    expect((await signed('/auth/passkeys')).status).toBe(200);
    expect((await signed('/auth/session')).status).toBe(200);
    expect(server.signedRequests).toEqual(['GET /auth/passkeys', 'GET /auth/session']);
  });

  it('re-reads the device key after rotation', async () => {
    const { server, keyStore } = await lockedSession();
    const signed = createSignedFetch({ keyStore, fetch: server.fetch });
    expect((await signed('/auth/passkeys')).status).toBe(200);
    // Another tab replaced the key and signed in again with the new one.
    await keyStore.delete();
    const signedIn = await signInWithDeviceKey(server, keyStore);
    expect(signedIn.data?.session.locked).toBe(true);
    expect((await signed('/auth/passkeys')).status).toBe(200);
    expect((await signed('/auth/session')).status).toBe(200);
    expect(server.signedRequests).toEqual([
      'GET /auth/passkeys',
      'GET /auth/passkeys',
      'GET /auth/session',
    ]);
  });

  it('LatchkeyProvider with a baseUrl sends its client’s requests through the wrapper', async () => {
    const { server, keyStore } = await lockedSession();
    vi.stubGlobal('fetch', server.fetch);
    function Who() {
      const session = useSession();
      return <p>{session.status === 'authenticated' ? session.user.email : session.status}</p>;
    }
    render(
      <LatchkeyProvider baseUrl="/auth" channel={false} extensions={[lockedSessions({ keyStore })]}>
        <Who />
      </LatchkeyProvider>,
    );
    // Without the header the mock answers a locked session's `GET /session` signed out.
    expect(await screen.findByText('ada@example.com')).toBeInTheDocument();
    expect(server.signedRequests).toContain('GET /auth/session');
  });
});
