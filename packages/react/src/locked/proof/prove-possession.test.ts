import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDeviceKey } from '../device-key/device-key.js';
import { memoryDeviceKeyStore } from '../device-key/device-key-store.js';
import { cleanupLocked, setUpLocked, signInWithDeviceKey } from '../testing/render-locked.js';
import { answerPopChallenges } from './answer-pop-challenges.js';
import { provePossession } from './prove-possession.js';

afterEach(cleanupLocked);

async function lockedSession() {
  const parts = setUpLocked({ server: { passkeys: [{ name: 'MacBook' }] } });
  const keyStore = memoryDeviceKeyStore();
  const signedIn = await signInWithDeviceKey(parts.server, keyStore);
  expect(signedIn.data?.session.locked).toBe(true);
  return { ...parts, keyStore };
}

describe('provePossession', () => {
  it('signs a fresh challenge with the device key and refreshes the proof', async () => {
    const { server, keyStore } = await lockedSession();
    const { data, error } = await provePossession(server.client, keyStore);
    expect(error).toBeNull();
    expect(Date.parse(data!.nextProofBy) - Date.parse(data!.provenAt)).toBe(120_000);
    expect(server.proofs).toHaveLength(1);
    expect(server.routeNames().slice(-2)).toEqual(['popChallenge', 'popProve']);
  });

  it('is refused with POP_INVALID by the server when another key signs (a copied cookie)', async () => {
    const { server } = await lockedSession();
    const thief = memoryDeviceKeyStore();
    await loadDeviceKey(thief, { create: true });
    const { error } = await provePossession(server.client, thief);
    expect([error?.code, error?.status]).toEqual(['POP_INVALID', 401]);
    expect(server.proofs).toHaveLength(0);
  });

  it('answers POP_INVALID without a request when this browser holds no key', async () => {
    const { server } = await lockedSession();
    const calls = server.calls.length;
    const { error } = await provePossession(server.client, memoryDeviceKeyStore());
    expect([error?.code, error?.status]).toEqual(['POP_INVALID', 0]);
    expect(server.calls).toHaveLength(calls);
  });
});

describe('answerPopChallenges', () => {
  it('proves each pop-challenge event of a locked stream, until stopped', async () => {
    const { server, keyStore } = await lockedSession();
    const stream = new EventTarget();
    const onError = vi.fn();
    const onClosed = vi.fn();
    const stop = answerPopChallenges(stream, server.client, { keyStore, onError, onClosed });

    const challenge = server.issueChallenge();
    stream.dispatchEvent(
      new MessageEvent('pop-challenge', {
        data: JSON.stringify({ challenge, expiresAt: '2025-06-01T12:01:00.000Z' }),
      }),
    );
    await vi.waitFor(() => expect(server.proofs).toEqual([challenge]));
    // Malformed events are ignored.
    stream.dispatchEvent(new MessageEvent('pop-challenge', { data: 'not json' }));

    stream.dispatchEvent(
      new MessageEvent('pop-failed', { data: JSON.stringify({ reason: 'proof-missing' }) }),
    );
    expect(onClosed).toHaveBeenCalledWith('proof-missing');

    stop();
    const reads = vi.spyOn(keyStore, 'get');
    stream.dispatchEvent(
      new MessageEvent('pop-challenge', {
        data: JSON.stringify({ challenge: server.issueChallenge() }),
      }),
    );
    // Answering begins inside dispatchEvent, by reading the device key: a listener left
    // behind would have read it by now.
    expect(reads).not.toHaveBeenCalled();
    expect(server.proofs).toHaveLength(1);
    expect(onError).not.toHaveBeenCalled();
  });

  it('reports a challenge it cannot answer', async () => {
    const { server } = await lockedSession();
    const stream = new EventTarget();
    const onError = vi.fn();
    answerPopChallenges(stream, server.client, { keyStore: memoryDeviceKeyStore(), onError });
    stream.dispatchEvent(
      new MessageEvent('pop-challenge', {
        data: JSON.stringify({ challenge: server.issueChallenge() }),
      }),
    );
    await vi.waitFor(() =>
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'POP_INVALID' })),
    );
    expect(server.proofs).toHaveLength(0);
  });
});
