import { createLatchkeyClient } from '@latchkey/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer } from '../testing/mock-server.js';
import { createCeremonyCoordinator, toCeremonyError } from './ceremony-coordinator.js';
import { enrolPasskeyIn } from './enrol-passkey.js';
import { createSessionStore } from './session-store.js';
import { signInWithPasskey } from './sign-in-with-passkey.js';
import { upgradeToPasskeyIn } from './upgrade-to-passkey.js';

let webauthn: FakeWebAuthn | undefined;
afterEach(() => webauthn?.uninstall());

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
async function until(check: () => boolean) {
  for (let i = 0; i < 100 && !check(); i++) await tick();
  expect(check()).toBe(true);
}

describe('createCeremonyCoordinator', () => {
  it('aborts a pending conditional request before a modal one starts', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const coordinator = createCeremonyCoordinator();

    const autofill = signInWithPasskey(server.client, coordinator, { mediation: 'conditional' });
    await until(() => webauthn!.conditionalPending);
    expect(coordinator.pending).toBe('conditional');

    const modal = signInWithPasskey(server.client, coordinator, { mediation: 'modal' });
    const conditionalResult = await autofill;
    expect(conditionalResult.error?.code).toBe('CEREMONY_CANCELLED');
    // The conditional browser request has ended, and the modal one is not made yet.
    expect(webauthn.requests.map((r) => [r.mediation, r.state])).toEqual([
      ['conditional', 'rejected'],
    ]);

    const modalResult = await modal;
    expect(modalResult.error).toBeNull();
    expect(webauthn.requests.map((r) => [r.mediation, r.state])).toEqual([
      ['conditional', 'rejected'],
      ['modal', 'resolved'],
    ]);
    expect(modalResult.data?.user.email).toBe('ada@example.com');
    expect(coordinator.pending).toBeNull();
  });

  it('aborts a pending conditional create (a quiet upgrade) before a modal one starts', async () => {
    // A browser that declines by never answering, as Chromium does without its password manager.
    const server = createMockServer({ signedIn: 'recovery', passkeys: [{ name: 'Old laptop' }] });
    webauthn = installFakeWebAuthn({ conditionalCreate: true });
    webauthn.pause();
    const store = createSessionStore(server.client, { channel: false });
    try {
      const upgrade = upgradeToPasskeyIn(store);
      await until(() => webauthn!.requests.length === 1);
      expect(store.coordinator.pending).toBe('conditional');

      const modal = enrolPasskeyIn(store, { name: 'This laptop' });
      expect((await upgrade).error?.code).toBe('CEREMONY_CANCELLED');
      expect(webauthn.requests.map((r) => [r.kind, r.mediation, r.state])).toEqual([
        ['create', 'conditional', 'rejected'],
      ]);
      await until(() => webauthn!.requests.length === 2);
      webauthn.resume();
      const added = await modal;
      expect(added.error).toBeNull();
      expect(webauthn.requests.map((r) => [r.kind, r.mediation, r.state])).toEqual([
        ['create', 'conditional', 'rejected'],
        ['create', 'modal', 'resolved'],
      ]);
      expect(server.calls.filter((c) => c.route === 'registerOptions').map((c) => c.body)).toEqual([
        { conditional: true },
        {},
      ]);
      expect(server.routeNames().filter((r) => r === 'register')).toHaveLength(1);
    } finally {
      store.destroy();
    }
  });

  it('lets a second conditional request replace the first (StrictMode double effects)', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const coordinator = createCeremonyCoordinator();

    const first = signInWithPasskey(server.client, coordinator, { mediation: 'conditional' });
    const second = signInWithPasskey(server.client, coordinator, { mediation: 'conditional' });
    expect((await first).error?.code).toBe('CEREMONY_CANCELLED');
    await until(() => webauthn!.conditionalPending);
    // The first flight was aborted during its options request: only one browser request was made.
    expect(webauthn.requests).toHaveLength(1);
    webauthn.chooseAutofill();
    const result = await second;
    expect(result.data?.session.kind).toBe('full');
  });

  it('refuses a ceremony while a modal one is pending, without touching it', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    webauthn.pause();
    const coordinator = createCeremonyCoordinator();

    const modal = signInWithPasskey(server.client, coordinator);
    const again = await signInWithPasskey(server.client, coordinator);
    expect(again.error?.code).toBe('CEREMONY_CANCELLED');
    const autofill = await signInWithPasskey(server.client, coordinator, {
      mediation: 'conditional',
    });
    expect(autofill.error?.code).toBe('CEREMONY_CANCELLED');

    webauthn.resume();
    await until(() => webauthn!.requests.length === 1);
    webauthn.resume();
    expect((await modal).error).toBeNull();
    expect(server.routeNames().filter((r) => r === 'authenticate')).toHaveLength(1);
  });

  it('turns a dismissed prompt into CEREMONY_CANCELLED, not a rejection', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({
      credentials: server.authenticatorCredentials(),
      outcome: 'cancel',
    });
    const result = await signInWithPasskey(server.client, createCeremonyCoordinator());
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe('CEREMONY_CANCELLED');
    expect(server.routeNames()).toEqual(['authOptions']);
  });

  it('cancel() aborts the pending ceremony', async () => {
    const server = createMockServer({ passkeys: [{ name: 'MacBook' }] });
    webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials() });
    const coordinator = createCeremonyCoordinator();
    const autofill = signInWithPasskey(server.client, coordinator, { mediation: 'conditional' });
    await until(() => webauthn!.conditionalPending);
    coordinator.cancel('modal');
    expect(webauthn.conditionalPending).toBe(true);
    coordinator.cancel('conditional');
    expect((await autofill).error?.code).toBe('CEREMONY_CANCELLED');
    expect(webauthn.conditionalPending).toBe(false);
  });

  it('passes server errors through unchanged', async () => {
    const server = createMockServer({ fail: { authOptions: 'RATE_LIMITED' } });
    webauthn = installFakeWebAuthn();
    const result = await signInWithPasskey(server.client, createCeremonyCoordinator());
    expect(result.error?.code).toBe('RATE_LIMITED');
    expect(result.error?.status).toBe(429);
    expect(webauthn.requests).toHaveLength(0);
  });

  it('reports a network failure of the client as NETWORK_ERROR', async () => {
    webauthn = installFakeWebAuthn();
    const client = createLatchkeyClient({
      baseUrl: '/auth',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    const result = await signInWithPasskey(client, createCeremonyCoordinator());
    expect(result.error?.code).toBe('NETWORK_ERROR');
  });
});

describe('toCeremonyError', () => {
  it.each([
    ['NotAllowedError', 'CEREMONY_CANCELLED'],
    ['AbortError', 'CEREMONY_CANCELLED'],
    ['InvalidStateError', 'CREDENTIAL_EXISTS'],
    ['SecurityError', 'RP_ID_MISMATCH'],
    ['NotSupportedError', 'WEBAUTHN_UNSUPPORTED'],
    ['UnknownError', 'VERIFICATION_FAILED'],
  ])('maps %s to %s', (name, code) => {
    const error = toCeremonyError(new DOMException('x', name));
    expect(error.code).toBe(code);
    expect((error.cause as DOMException).name).toBe(name);
  });
});
