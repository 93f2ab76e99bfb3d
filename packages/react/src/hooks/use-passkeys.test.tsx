import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessionStore, type SessionStore } from '../client/session-store.js';
import { LatchkeyProvider } from '../provider/latchkey-provider.js';
import { type FakeWebAuthn, installFakeWebAuthn } from '../testing/fake-webauthn.js';
import { createMockServer, mockPasskey } from '../testing/mock-server.js';
import { usePasskeys } from './use-passkeys.js';

let webauthn: FakeWebAuthn | undefined;
let store: SessionStore | undefined;
afterEach(() => {
  webauthn?.uninstall();
  store?.destroy();
  localStorage.clear();
});

function setup(options: Parameters<typeof createMockServer>[0] = {}) {
  const server = createMockServer({
    signedIn: true,
    passkeys: [{ name: 'MacBook' }, { name: 'YubiKey' }],
    ...options,
  });
  localStorage.setItem('latchkey:user-handle:usr_ada', server.state.users[0]!.handle);
  webauthn = installFakeWebAuthn({ credentials: server.authenticatorCredentials(), signals: true });
  store = createSessionStore(server.client, { channel: false });
  const s = store;
  const hook = renderHook(() => usePasskeys(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LatchkeyProvider store={s}>{children}</LatchkeyProvider>
    ),
  });
  return { server, ...hook };
}

const accepted = () =>
  webauthn!.signals
    .filter((s) => s.name === 'signalAllAcceptedCredentials')
    .map((s) => s.options.allAcceptedCredentialIds);

describe('usePasskeys and the Signal API', () => {
  it('signal API: a rename before the list loaded never signals an empty list', async () => {
    const { result, server } = setup({ fail: { listPasskeys: 'STORE_UNAVAILABLE' } });
    await waitFor(() => expect(result.current.status).toBe('error'));
    const id = server.state.passkeys[0]!.credentialId;
    await act(async () => {
      expect((await result.current.rename(id, 'Work laptop')).error).toBeNull();
    });
    await waitFor(() =>
      expect(webauthn!.signals.map((s) => s.name)).toContain('signalCurrentUserDetails'),
    );
    expect(accepted()).toEqual([]);
    expect(result.current.passkeys).toEqual([]);
  });

  it('signal API: signals the server’s current list, with a passkey added elsewhere after the list loaded', async () => {
    const { result, server } = setup();
    await waitFor(() => expect(result.current.status).toBe('ready'));
    // Another device added a passkey; this page's cached list does not know it.
    server.state.passkeys.push({
      ...mockPasskey({ name: 'Phone' }, 'localhost', 2),
      userId: 'usr_ada',
    });
    const [macbook, yubikey, phone] = server.state.passkeys.map((p) => p.credentialId);
    await act(async () => {
      await result.current.rename(macbook!, 'Work laptop');
    });
    await waitFor(() => expect(accepted()).toHaveLength(1));
    expect(accepted()[0]).toEqual([macbook, yubikey, phone]);
    await waitFor(() => expect(result.current.passkeys).toHaveLength(3));

    await act(async () => {
      await result.current.remove(yubikey!);
    });
    await waitFor(() => expect(accepted()).toHaveLength(2));
    expect(accepted()[1]).toEqual([macbook, phone]);
    expect(webauthn!.signals.find((s) => s.name === 'signalUnknownCredential')?.options).toEqual({
      rpId: 'localhost',
      credentialId: yubikey,
    });
  });
});
