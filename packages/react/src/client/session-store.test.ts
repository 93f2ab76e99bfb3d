import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer } from '../testing/mock-server.js';
import { enrolPasskeyIn } from './enrol-passkey.js';
import { createSessionStore, type SessionStore } from './session-store.js';

let webauthn: FakeWebAuthn | undefined;
const stores: SessionStore[] = [];
afterEach(() => {
  webauthn?.uninstall();
  for (const store of stores.splice(0)) store.destroy();
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

function track(store: SessionStore) {
  stores.push(store);
  const seen: string[] = [];
  store.subscribe(() => seen.push(store.getSnapshot().status));
  return seen;
}

describe('createSessionStore', () => {
  it('does nothing before the first subscriber, then loads the session', async () => {
    const server = createMockServer({ signedIn: true });
    const store = createSessionStore(server.client, { channel: false });
    expect(store.getSnapshot().status).toBe('loading');
    expect(server.calls).toHaveLength(0);

    const seen = track(store);
    await until(() => store.getSnapshot().status !== 'loading');
    expect(seen).toEqual(['authenticated']);
    expect(store.getSnapshot().user?.email).toBe('ada@example.com');
    expect(store.getSnapshot().rp).toEqual({ id: 'localhost', grace: true, signUp: 'open' });
    expect(server.routeNames()).toEqual(['getSession']);
  });

  it('keeps a loading server snapshot whatever the client knows', async () => {
    const server = createMockServer({ signedIn: true });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'authenticated');
    expect(store.getServerSnapshot()).toMatchObject({
      status: 'loading',
      user: null,
      session: null,
      rp: null,
    });
  });

  it('is unauthenticated, with the error, when the session cannot be loaded', async () => {
    const server = createMockServer({ fail: { getSession: 'STORE_UNAVAILABLE' } });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status !== 'loading');
    expect(store.getSnapshot().status).toBe('unauthenticated');
    expect(store.getSnapshot().error?.code).toBe('STORE_UNAVAILABLE');
  });

  it('signs in with a passkey and learns the user handle', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'unauthenticated');

    const result = await store.signIn({ email: 'ada@example.com' });
    expect(result.error).toBeNull();
    expect(store.getSnapshot().status).toBe('authenticated');
    expect(store.getSnapshot().userHandle).toBe(server.state.users[0]!.handle);
    expect(server.calls[1]).toMatchObject({
      route: 'authOptions',
      body: { email: 'ada@example.com' },
    });
  });

  it('stays signed out when the prompt is cancelled', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({
      credentials: server.authenticatorCredentials(),
      outcome: 'cancel',
    });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'unauthenticated');
    const result = await store.signIn();
    expect(result.error?.code).toBe('CEREMONY_CANCELLED');
    expect(store.getSnapshot().status).toBe('unauthenticated');
  });

  it('signs out', async () => {
    const server = createMockServer({ signedIn: true });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'authenticated');
    expect((await store.signOut()).data).toEqual({ ok: true });
    expect(store.getSnapshot()).toMatchObject({
      status: 'unauthenticated',
      user: null,
      session: null,
    });
    expect(server.state.session).toBeNull();
  });

  it('signs out the other tabs through a shared BroadcastChannel', async () => {
    const server = createMockServer({ signedIn: true });
    const channel = `latchkey-test-${Math.random()}`;
    const tabA = createSessionStore(server.client, { channel });
    const tabB = createSessionStore(server.client, { channel });
    track(tabA);
    const seenB = track(tabB);
    await until(() => tabA.getSnapshot().status === 'authenticated');
    await until(() => tabB.getSnapshot().status === 'authenticated');

    await tabA.signOut();
    await until(() => tabB.getSnapshot().status === 'unauthenticated');
    expect(seenB.at(-1)).toBe('unauthenticated');
    expect(tabB.getSnapshot().user).toBeNull();
    // Tab B heard the message, then asked the server.
    expect(server.routeNames()).toEqual(['getSession', 'getSession', 'signOut', 'getSession']);
  });

  it('a BroadcastChannel signed-out message is verified with the server before signing the page out', async () => {
    const server = createMockServer({ signedIn: true });
    const channel = `latchkey-test-${Math.random()}`;
    const tab = createSessionStore(server.client, { channel });
    const seen = track(tab);
    await until(() => tab.getSnapshot().status === 'authenticated');
    // Script elsewhere on the origin forges the message; the session is still alive.
    const forger = new BroadcastChannel(channel);
    forger.postMessage({ type: 'signed-out' });
    forger.close();
    await until(() => server.routeNames().length === 2);
    await until(() => seen.length >= 2);
    expect(server.routeNames()).toEqual(['getSession', 'getSession']);
    expect(tab.getSnapshot().status).toBe('authenticated');
    expect(seen).not.toContain('unauthenticated');
  });

  it('calls signalUnknownCredential where a sign-in fails because the credential is unknown', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    const stale = {
      id: 'ZGVsZXRlZA',
      userHandle: server.state.users[0]!.handle,
      rpId: 'localhost',
    };
    webauthn = installFakeWebAuthn({
      credentials: [stale, ...server.authenticatorCredentials()],
      signals: true,
    });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    expect((await store.signIn()).error?.code).toBe('UNKNOWN_CREDENTIAL');
    await until(() => webauthn!.signals.length === 1);
    expect(webauthn.signals).toEqual([
      { name: 'signalUnknownCredential', options: { rpId: 'localhost', credentialId: stale.id } },
    ]);
    // A sign-in that succeeds signals nothing.
    expect((await store.signIn({ email: 'ada@example.com' })).error).toBeNull();
    expect(webauthn.signals).toHaveLength(1);
  });

  it('refreshes the other tabs when one signs in', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const channel = `latchkey-test-${Math.random()}`;
    const tabA = createSessionStore(server.client, { channel });
    const tabB = createSessionStore(server.client, { channel });
    track(tabA);
    track(tabB);
    await until(() => tabB.getSnapshot().status === 'unauthenticated');
    await until(() => tabA.getSnapshot().status === 'unauthenticated');
    await tabA.signIn();
    await until(() => tabB.getSnapshot().status === 'authenticated');
    expect(tabB.getSnapshot().user?.id).toBe('usr_ada');
  });

  it('does not sync tabs when the channel is turned off', async () => {
    const server = createMockServer({ signedIn: true });
    const tabA = createSessionStore(server.client, { channel: false });
    const tabB = createSessionStore(server.client, { channel: false });
    track(tabA);
    track(tabB);
    await until(() => tabB.getSnapshot().status === 'authenticated');
    await tabA.signOut();
    await tick();
    await tick();
    expect(tabB.getSnapshot().status).toBe('authenticated');
  });

  it('steps up and retries once when a route answers STEP_UP_REQUIRED', async () => {
    const server = createMockServer({
      signedIn: true,
      passkeys: [{ name: 'MacBook' }, { name: 'Phone' }],
    });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'authenticated');
    const credentialId = server.state.passkeys[1]!.credentialId;

    const result = await store.withStepUp(() => server.client.deletePasskey({ credentialId }));
    expect(result.data).toEqual({ ok: true });
    expect(server.routeNames().slice(1)).toEqual([
      'deletePasskey',
      'verifyOptions',
      'verify',
      'deletePasskey',
    ]);
    expect(store.getSnapshot().session?.elevatedUntil).toBe('2025-06-01T12:05:00.000Z');
  });

  it('returns the step-up outcome, without a retry, when the step-up is cancelled', async () => {
    const server = createMockServer({
      signedIn: true,
      passkeys: [{ name: 'MacBook' }, { name: 'Phone' }],
    });
    webauthn = installFakeWebAuthn({
      credentials: server.authenticatorCredentials(),
      outcome: 'cancel',
    });
    const store = createSessionStore(server.client, { channel: false });
    const credentialId = server.state.passkeys[1]!.credentialId;
    const result = await store.withStepUp(() => server.client.deletePasskey({ credentialId }));
    expect(result.error?.code).toBe('CEREMONY_CANCELLED');
    expect(server.routeNames()).toEqual(['deletePasskey', 'verifyOptions']);
    expect(server.state.passkeys).toHaveLength(2);
  });

  it('enrols at sign-up, is then signed in, and keeps the recovery codes in the answer', async () => {
    const server = createMockServer({ user: null });
    webauthn = installFakeWebAuthn();
    const store = createSessionStore(server.client, { channel: false });
    track(store);
    await until(() => store.getSnapshot().status === 'unauthenticated');
    const result = await enrolPasskeyIn(store, {
      name: 'Chrome on macOS',
      email: 'grace@example.com',
    });
    expect(result.error).toBeNull();
    expect(result.data?.passkey.name).toBe('Chrome on macOS');
    expect(result.data?.recoveryCodes).toHaveLength(10);
    expect(store.getSnapshot().status).toBe('authenticated');
    expect(store.getSnapshot().user?.email).toBe('grace@example.com');
    expect(store.getSnapshot().rp?.grace).toBe(false);
  });
});
