import type { LatchkeyError } from '@latchkey/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeClock } from '../testing/fake-clock.js';
import { loadDeviceKey } from './device-key/device-key.js';
import { memoryDeviceKeyStore } from './device-key/device-key-store.js';
import { lockedSessions } from './locked-sessions.js';
import { cleanupLocked, setUpLocked, signInWithDeviceKey } from './testing/render-locked.js';

afterEach(() => {
  cleanupLocked();
  vi.useRealTimers();
});

/** Waits (in real time) for async work such as Web Crypto to settle. */
async function until(check: () => boolean, ms = 2_000) {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('Timed out waiting');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function lockedSession() {
  const parts = setUpLocked({ server: { passkeys: [{ name: 'MacBook' }] } });
  const keyStore = memoryDeviceKeyStore();
  const signedIn = await signInWithDeviceKey(parts.server, keyStore);
  const { user, session } = signedIn.data!;
  return { ...parts, keyStore, user, session };
}

describe('lockedSessions', () => {
  it('offers the device key’s public JWK at sign-in, the same every time', async () => {
    const keyStore = memoryDeviceKeyStore();
    const extension = lockedSessions({ keyStore });
    const popKey = await extension.popKey!();
    expect(popKey).toEqual((await loadDeviceKey(keyStore))?.publicJwk);
    expect(await extension.popKey!()).toEqual(popKey);
  });

  it('binds nothing when the browser cannot keep a key (no IndexedDB here)', async () => {
    expect(await lockedSessions().popKey!()).toBeUndefined();
  });

  it('proves at once for a locked session, then every half maxAge, until cleaned up', async () => {
    const { server, keyStore, user, session } = await lockedSession();
    // After sign-in: the fake authenticator answers on a timer of its own.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    expect(session.locked).toBe(true);
    const cleanup = lockedSessions({ keyStore }).onSession!({
      client: server.client,
      session,
      user,
    });
    await until(() => server.proofs.length === 1);

    // The mock's maxAge is 120 s: the next proof is due in 60 s, not before.
    await vi.advanceTimersByTimeAsync(59_000);
    expect(server.proofs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await until(() => server.proofs.length === 2);
    await vi.advanceTimersByTimeAsync(60_000);
    await until(() => server.proofs.length === 3);

    expect(typeof cleanup).toBe('function');
    (cleanup as () => void)();
    await vi.advanceTimersByTimeAsync(300_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.proofs).toHaveLength(3);
  });

  it('tries again after a network failure, and gives up for good on POP_INVALID', async () => {
    const { server, keyStore, user, session } = await lockedSession();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const onProofFailed = vi.fn();
    server.dropNext(1);
    const cleanup = lockedSessions({ keyStore, retryDelay: 5_000, onProofFailed }).onSession!({
      client: server.client,
      session,
      user,
    }) as () => void;
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.proofs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5_000);
    await until(() => server.proofs.length === 1);
    cleanup();

    // A browser without the session's key: nothing to retry.
    const lost = lockedSessions({ keyStore: memoryDeviceKeyStore(), onProofFailed });
    const stop = lost.onSession!({ client: server.client, session, user }) as () => void;
    await until(() => onProofFailed.mock.calls.length === 1);
    expect((onProofFailed.mock.calls[0]![0] as LatchkeyError).code).toBe('POP_INVALID');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(server.proofs).toHaveLength(1);
    stop();
  });

  it('does nothing for a session that is not locked', async () => {
    const parts = setUpLocked({ server: { signedIn: true, passkeys: [{ name: 'MacBook' }] } });
    const { data } = await parts.server.client.getSession();
    expect(data?.session?.locked).toBe(false);
    const keyStore = memoryDeviceKeyStore();
    const reads = vi.spyOn(keyStore, 'get');
    const cleanup = lockedSessions({ keyStore }).onSession!({
      client: parts.server.client,
      session: data!.session!,
      user: data!.user!,
    });
    expect(cleanup).toBeUndefined();
    // Proving begins inside onSession, by reading the device key: it was never read.
    expect(reads).not.toHaveBeenCalled();
    expect(parts.server.routeNames()).not.toContain('popChallenge');
  });

  it('answers POP_REQUIRED by proving: true with the key, false without', async () => {
    const { server, keyStore } = await lockedSession();
    expect(await lockedSessions({ keyStore }).onPopRequired!(server.client)).toBe(true);
    expect(server.proofs).toHaveLength(1);
    const onProofFailed = vi.fn();
    const stranger = lockedSessions({ keyStore: memoryDeviceKeyStore(), onProofFailed });
    expect(await stranger.onPopRequired!(server.client)).toBe(false);
    expect(onProofFailed).toHaveBeenCalledWith(expect.objectContaining({ code: 'POP_INVALID' }));
  });

  it('plugged into the session store: binds the sign-in, proves, and recovers from POP_REQUIRED', async () => {
    const clock = installFakeClock();
    const keyStore = memoryDeviceKeyStore();
    const { server, store } = setUpLocked({
      server: { passkeys: [{ name: 'MacBook' }] },
      extensions: [lockedSessions({ keyStore })],
    });
    store.subscribe(() => {});
    const signedIn = await store.signIn();
    expect(signedIn.data?.session.locked).toBe(true);
    expect(server.boundKey()).toEqual((await loadDeviceKey(keyStore))?.publicJwk);
    await until(() => server.proofs.length >= 1);

    server.expireProof();
    const before = server.proofs.length;
    const listed = await store.withStepUp(() => store.client.listPasskeys());
    expect(listed.error).toBeNull();
    expect(server.proofs).toHaveLength(before + 1);
    expect(server.routeNames().slice(-4)).toEqual([
      'listPasskeys',
      'popChallenge',
      'popProve',
      'listPasskeys',
    ]);

    // Signing out ends the proving: no proof is tried when the next one would be due.
    await store.signOut();
    const after = server.calls.length;
    await clock.leap(600_000);
    expect(server.routeNames().slice(after)).not.toContain('popChallenge');
  });

  it('revives a locked session that reads as signed out after a reload, once', async () => {
    const keyStore = memoryDeviceKeyStore();
    const { server, store } = setUpLocked({
      server: { passkeys: [{ name: 'MacBook' }] },
      extensions: [lockedSessions({ keyStore })],
    });
    const unsubscribe = store.subscribe(() => {});
    expect((await store.signIn()).data?.session.locked).toBe(true);
    unsubscribe();
    // The browser was closed longer than maxAge: the server reads the cookie as signed out.
    server.expireProof();
    const proofs = server.proofs.length;
    const result = await store.refresh();
    expect(result.data?.user).not.toBeNull();
    expect(store.getSnapshot().status).toBe('authenticated');
    expect(server.proofs).toHaveLength(proofs + 1);
  });

  it('refuses a retryDelay that is not a number of milliseconds (TypeError)', () => {
    expect(() => lockedSessions({ retryDelay: -1 })).toThrow(TypeError);
    expect(() => lockedSessions({ retryDelay: Number.NaN })).toThrow(TypeError);
  });
});
