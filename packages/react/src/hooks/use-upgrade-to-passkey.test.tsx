import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer } from '../testing/mock-server.js';
import { useUpgradeToPasskey } from './use-upgrade-to-passkey.js';

let webauthn: FakeWebAuthn | undefined;
let store: SessionStore | undefined;
afterEach(() => {
  webauthn?.uninstall();
  store?.destroy();
});

function setup(conditionalCreate: boolean | undefined, signedIn: 'recovery' | 'full' = 'recovery') {
  const server = createMockServer({ signedIn, passkeys: [{ name: 'Old laptop' }] });
  webauthn = installFakeWebAuthn({ conditionalCreate });
  store = createSessionStore(server.client, { channel: false });
  const s = store;
  const hook = renderHook(() => useUpgradeToPasskey(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LatchkeyProvider store={s}>{children}</LatchkeyProvider>
    ),
  });
  return { server, ...hook };
}

describe('useUpgradeToPasskey', () => {
  it('creates a passkey with mediation: conditional after a sign-in without a passkey', async () => {
    const { result, server } = setup(true);
    await act(async () => {
      await result.current.upgradeToPasskey({ name: 'This laptop' });
    });
    expect(result.current.status).toBe('success');
    expect(webauthn!.requests.map((r) => [r.kind, r.mediation])).toEqual([
      ['create', 'conditional'],
    ]);
    const asked = server.calls.find((c) => c.route === 'registerOptions');
    expect(asked?.body).toEqual({ conditional: true });
    expect(server.state.session?.kind).toBe('full');
  });

  it('does nothing, and shows nothing, where the browser cannot create conditionally', async () => {
    for (const capability of [false, undefined]) {
      const { result, server } = setup(capability);
      let answer: Awaited<ReturnType<typeof result.current.upgradeToPasskey>> | undefined;
      await act(async () => {
        answer = await result.current.upgradeToPasskey();
      });
      expect(answer?.error?.code).toBe('WEBAUTHN_UNSUPPORTED');
      expect(webauthn!.requests).toEqual([]);
      expect(server.calls.filter((c) => c.route === 'registerOptions')).toEqual([]);
      webauthn!.uninstall();
      store!.destroy();
    }
  });

  it('never steps up: a full session that has not stepped up gets the server’s answer', async () => {
    const { result } = setup(true, 'full');
    let answer: Awaited<ReturnType<typeof result.current.upgradeToPasskey>> | undefined;
    await act(async () => {
      answer = await result.current.upgradeToPasskey();
    });
    expect(answer?.error?.code).toBe('STEP_UP_REQUIRED');
    expect(webauthn!.requests).toEqual([]);
  });
});
