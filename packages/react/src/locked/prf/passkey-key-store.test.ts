import { base64urlDecode, base64urlEncode } from '@latchkey/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitForSnapshot } from '../../testing/wait-for-snapshot.js';
import { credentialIdOf } from '../testing/prf-authenticator.js';
import { cleanupLocked, setUpLocked } from '../testing/render-locked.js';
import { createPasskeyKeyStore, type PasskeyKeyStore } from './passkey-key-store.js';

afterEach(cleanupLocked);

const MACBOOK = credentialIdOf('MacBook');
const PHONE = credentialIdOf('Phone');

function setUp(
  options: Parameters<typeof setUpLocked>[0] & { detect?: 'available' | 'unavailable' } = {},
) {
  const parts = setUpLocked({
    server: {
      signedIn: true,
      passkeys: [
        { name: 'MacBook', prf: true },
        { name: 'Phone', prf: true },
      ],
      ...options.server,
    },
    prf: options.prf ?? [MACBOOK, PHONE],
    webauthn: options.webauthn,
  });
  const keys = createPasskeyKeyStore(parts.store, {
    detect: async () => options.detect ?? 'available',
  });
  const stop = keys.subscribe(() => {});
  return { ...parts, keys, stop };
}

function settled(keys: PasskeyKeyStore, status: string) {
  return waitForSnapshot(keys, (snapshot) => snapshot.status === status);
}

describe('createPasskeyKeyStore', () => {
  it('makes the data key at the first unlock, wraps it for that passkey, and never sends the PRF output', async () => {
    const { server, keys, prf } = setUp();
    expect(keys.getSnapshot().status).toBe('checking');
    const locked = await settled(keys, 'locked');
    expect(locked).toMatchObject({ firstUnlock: true, enrollable: [MACBOOK, PHONE] });

    const { data, error } = await keys.unlock();
    expect(error).toBeNull();
    expect(data).toEqual({ credentialId: MACBOOK, created: true });
    expect([...server.wrappedKeys.keys()]).toEqual([MACBOOK]);
    expect(prf.salts).toEqual([base64urlDecode(server.salt)]);
    // The step-up that carried the ceremony: no PRF results on the wire.
    const verify = server.calls.find((c) => c.route === 'verify')!;
    expect(JSON.stringify(verify.body)).not.toContain('prf');
    expect(server.state.session?.elevatedUntil).not.toBeNull();
    expect(keys.getSnapshot()).toMatchObject({
      status: 'unlocked',
      credentialId: MACBOOK,
      firstUnlock: false,
      enrollable: [PHONE],
    });
  });

  it('gives the same key back at every unlock, and locks on demand', async () => {
    const { keys, server } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    const envelope = await keys.encrypt('the note');
    keys.lock();
    expect(keys.getSnapshot().status).toBe('locked');
    await expect(keys.encrypt('x')).rejects.toThrow(TypeError);
    await expect(keys.decryptText(envelope)).rejects.toThrow(TypeError);

    const again = await keys.unlock();
    expect(again.data).toEqual({ credentialId: MACBOOK, created: false });
    expect(await keys.decryptText(envelope)).toEqual({ data: 'the note', error: null });
    expect(server.wrappedKeys.size).toBe(1);
  });

  it('forgets the key at sign-out and gets the same one back after signing in again', async () => {
    const { keys, store } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    const envelope = await keys.encrypt('across sessions');
    await store.signOut();
    expect(keys.getSnapshot().status).toBe('signed-out');
    expect((await store.signIn()).error).toBeNull();
    await settled(keys, 'locked');
    await expect(keys.decrypt(envelope)).rejects.toThrow(TypeError);
    expect((await keys.unlock()).data?.created).toBe(false);
    expect((await keys.decryptText(envelope)).data).toBe('across sessions');
  });

  it('wraps the same key for a second passkey, which then unlocks it alone', async () => {
    const { keys, server, webauthn } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    const envelope = await keys.encrypt('for both passkeys');

    const enrolled = await keys.enrolWrapping();
    expect(enrolled).toEqual({ data: { credentialId: PHONE }, error: null });
    expect([...server.wrappedKeys.keys()].sort()).toEqual([MACBOOK, PHONE].sort());
    expect(server.wrappedKeys.get(PHONE)).not.toBe(server.wrappedKeys.get(MACBOOK));
    expect(keys.getSnapshot().enrollable).toEqual([]);
    expect((await keys.enrolWrapping()).error?.code).toBe('NOT_FOUND');

    // Only the phone is at hand now.
    webauthn.credentials.splice(
      webauthn.credentials.findIndex((c) => c.id === MACBOOK),
      1,
    );
    keys.lock();
    const unlocked = await keys.unlock();
    expect(unlocked.data).toEqual({ credentialId: PHONE, created: false });
    expect((await keys.decryptText(envelope)).data).toBe('for both passkeys');
  });

  it('says so when no passkey of the user can derive keys, without a ceremony', async () => {
    const { keys, webauthn } = setUp({ server: { passkeys: [{ name: 'Old key', prf: false }] } });
    expect(await settled(keys, 'unsupported')).toMatchObject({ reason: 'no-prf-passkey' });
    expect((await keys.unlock()).error?.code).toBe('PRF_UNSUPPORTED');
    expect(webauthn.requests).toHaveLength(0);
  });

  it('says so when the browser cannot evaluate PRF', async () => {
    const { keys } = setUp({ detect: 'unavailable' });
    expect(await settled(keys, 'unsupported')).toMatchObject({ reason: 'browser' });
  });

  it('stores nothing when the passkey gives no PRF output', async () => {
    const { keys, server } = setUp({ prf: [] });
    await settled(keys, 'locked');
    const { error } = await keys.unlock();
    expect(error?.code).toBe('PRF_UNSUPPORTED');
    expect(server.wrappedKeys.size).toBe(0);
    expect(keys.getSnapshot()).toMatchObject({ status: 'locked', error });
  });

  it('uses a key wrapped in the meantime rather than making another (PRF_KEY_NOT_ENROLLED)', async () => {
    const { keys, server, webauthn } = setUp();
    await settled(keys, 'locked');
    webauthn.pause();
    const pending = keys.unlock();
    expect(keys.getSnapshot().status).toBe('unlocking');
    const prompt = await vi.waitFor(() => {
      const request = webauthn.requests.find((r) => r.state === 'pending');
      if (!request) throw new Error('No prompt yet');
      return request.publicKey as PublicKeyCredentialRequestOptions;
    });
    // The prompt was opened when nothing was wrapped: any PRF passkey may answer.
    expect(prompt.allowCredentials?.map((c) => base64urlEncode(c.id as Uint8Array))).toEqual([
      MACBOOK,
      PHONE,
    ]);
    // Another tab finished its first unlock with the phone while this prompt was open.
    server.wrappedKeys.set(PHONE, 'AQ');
    webauthn.resume();
    expect((await pending).error?.code).toBe('PRF_KEY_NOT_ENROLLED');
    expect([...server.wrappedKeys]).toEqual([[PHONE, 'AQ']]);
    expect(keys.getSnapshot().status).toBe('locked');
  });

  it('a wrappedKey: null answer must not make the client create and overwrite a key', async () => {
    const { keys, server } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    const envelope = await keys.encrypt('kept');
    const stored = server.wrappedKeys.get(MACBOOK);
    keys.lock();
    // A lagging replica (or a first unlock racing in another tab): "nothing is wrapped yet".
    server.lagWrappedKeys(true);
    const { error } = await keys.unlock();
    expect(error?.code).toBe('PRF_KEY_NOT_ENROLLED');
    expect([...server.wrappedKeys]).toEqual([[MACBOOK, stored]]);
    expect(server.calls.filter((c) => c.route === 'setWrappedKey').at(-1)?.body).toMatchObject({
      first: true,
    });
    server.lagWrappedKeys(false);
    expect((await keys.unlock()).data?.created).toBe(false);
    expect((await keys.decryptText(envelope)).data).toBe('kept');
  });

  it('PRF ceremonies force userVerification: required, whatever the server asks', async () => {
    const { keys, webauthn, server } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    const asked = server.calls.find((c) => c.route === 'verifyOptions');
    expect(asked).toBeDefined();
    const request = webauthn.requests.at(-1)!.publicKey as PublicKeyCredentialRequestOptions;
    expect(request.userVerification).toBe('required');
  });

  it('answers DECRYPTION_FAILED when the stored wrapped key does not open', async () => {
    const { keys, server } = setUp();
    await settled(keys, 'locked');
    await keys.unlock();
    server.wrappedKeys.set(MACBOOK, `AQ${'A'.repeat(53)}`);
    keys.lock();
    expect((await keys.unlock()).error?.code).toBe('DECRYPTION_FAILED');
  });

  it('goes back to locked when the prompt is cancelled', async () => {
    const { keys, webauthn, server } = setUp();
    await settled(keys, 'locked');
    webauthn.outcome = 'cancel';
    expect((await keys.unlock()).error?.code).toBe('CEREMONY_CANCELLED');
    expect(keys.getSnapshot().status).toBe('locked');
    expect(server.wrappedKeys.size).toBe(0);
  });
});
